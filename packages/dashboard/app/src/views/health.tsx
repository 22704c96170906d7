import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useI18n } from '../i18n.js';
import { Tile } from './charts.js';
import { ProblemNote } from './problem.js';

interface HealthAnswer {
  readonly store: string;
  readonly log: { size: number; checkpointAt: string; cosignatures: number };
  readonly flaggedTokens: number;
  readonly analysis: { id: number; createdAt: string } | null;
  readonly policy: {
    version: number;
    versions: readonly { version: number; createdAt: number; createdBy: string }[];
  };
  readonly requests: Readonly<Record<string, number>>;
  readonly checks: Readonly<Record<string, number>>;
  readonly ingested: Readonly<Record<string, number>>;
  readonly backgroundFailures: Readonly<Record<string, number>>;
  readonly process: { uptimeSeconds: number; rssBytes: number };
}

/** The platform's health and main metrics, and the policy's versions (this API process). */
export function HealthView() {
  const { t, language } = useI18n();
  const [data, setData] = useState<HealthAnswer | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<HealthAnswer>('GET', '/api/health').then(setData, setError);
  }, []);
  if (error !== null) return <ProblemNote error={error} />;
  if (data === null) return <p aria-live="polite">{t('app.loading')}</p>;
  const list = (counts: Readonly<Record<string, number>>) =>
    Object.entries(counts)
      .map(([k, n]) => `${k} ${Math.round(n).toLocaleString()}`)
      .join(' · ') || t('check.none');
  const failures = Object.values(data.backgroundFailures).reduce((a, b) => a + b, 0);
  return (
    <section aria-labelledby="health-title">
      <h2 id="health-title">{t('health.title')}</h2>
      <p class="lead">{t('health.lead')}</p>
      <div class="tiles">
        <Tile value={data.log.size} label={t('health.logSize')} testid="tile-log" />
        <Tile value={data.flaggedTokens} label={t('health.flagged')} />
        <Tile value={data.policy.version} label={t('health.policy')} />
        <Tile value={failures} label={t('health.failures')} />
        <Tile
          value={`${Math.round(data.process.rssBytes / 2 ** 20)} MiB`}
          label={t('health.memory')}
        />
      </div>
      <div class="panel">
        <dl class="facts">
          <dt>{t('health.store')}</dt>
          <dd>{data.store}</dd>
          <dt>{t('health.checkpoint')}</dt>
          <dd>
            {new Date(data.log.checkpointAt).toLocaleString(language)} ·{' '}
            {t('health.cosigned', { n: data.log.cosignatures })}
          </dd>
          <dt>{t('health.analysis')}</dt>
          <dd>
            {data.analysis === null
              ? t('check.none')
              : `#${data.analysis.id} · ${new Date(data.analysis.createdAt).toLocaleString(language)}`}
          </dd>
          <dt>{t('health.requests')}</dt>
          <dd>{list(data.requests)}</dd>
          <dt>{t('health.checks')}</dt>
          <dd>{list(data.checks)}</dd>
          <dt>{t('health.ingested')}</dt>
          <dd>{list(data.ingested)}</dd>
          <dt>{t('health.uptime')}</dt>
          <dd>{Math.round(data.process.uptimeSeconds / 60)} min</dd>
        </dl>
      </div>
      <div class="panel">
        <h3>{t('health.versions')}</h3>
        {data.policy.versions.length === 0 && <p>{t('health.defaultPolicy')}</p>}
        <table data-testid="policy-versions">
          <thead>
            <tr>
              <th scope="col">{t('health.version')}</th>
              <th scope="col">{t('health.setBy')}</th>
              <th scope="col">{t('health.setAt')}</th>
            </tr>
          </thead>
          <tbody>
            {data.policy.versions.map((v) => (
              <tr key={v.version}>
                <td>{v.version}</td>
                <td class="mono">{v.createdBy}</td>
                <td>{new Date(v.createdAt).toLocaleString(language)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
