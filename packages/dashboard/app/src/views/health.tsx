import type { Precision } from '@credence/core/wire/outcomes';
import { useEffect, useState } from 'preact/hooks';
import type { HealthAnswer } from '../../../src/api-types.js';
import { api } from '../api.js';
import { useI18n } from '../i18n.js';
import { Tile } from './charts.js';
import { ProblemNote } from './problem.js';

const percent = (p: Precision) =>
  p.precision === null ? '–' : `${(100 * p.precision).toFixed(1)} %`;

/** A table of precision by one key (category or member type). */
function PrecisionTable(props: {
  caption: string;
  head: string;
  rows: readonly (Precision & { key: string })[];
  testid: string;
}) {
  const { t } = useI18n();
  return (
    <table data-testid={props.testid}>
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{props.head}</th>
          <th scope="col">{t('health.warnings')}</th>
          <th scope="col">{t('health.falsePositives')}</th>
          <th scope="col">{t('health.precision')}</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr key={r.key}>
            <td>{r.key}</td>
            <td>{r.warnings}</td>
            <td>{r.falsePositives}</td>
            <td>{percent(r)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What members did with answers and alerts (docs/outcomes.md), and the weights it gives. */
function OutcomesPanel({ outcomes }: Pick<HealthAnswer, 'outcomes'>) {
  const { t } = useI18n();
  const { quality } = outcomes;
  const none = Object.keys(outcomes.outcomes).length === 0;
  const yuan = (n: number) => n.toLocaleString();
  return (
    <div class="panel" data-testid="outcomes">
      <h3>{t('health.outcomes')}</h3>
      <p>{t('health.outcomesLead')}</p>
      {none ? (
        <p>{t('health.noOutcomes')}</p>
      ) : (
        <>
          <div class="tiles">
            <Tile
              value={percent(outcomes.precision)}
              label={t('health.precision')}
              testid="tile-precision"
            />
            <Tile value={outcomes.precision.warnings} label={t('health.warnings')} />
            <Tile value={outcomes.missed} label={t('health.missed')} />
            <Tile value={outcomes.timeToFreeze.medianHours ?? '–'} label={t('health.toFreeze')} />
          </div>
          <PrecisionTable
            caption={t('health.byCategory')}
            head={t('health.category')}
            rows={outcomes.precision.byCategory.map((c) => ({ ...c, key: c.category }))}
            testid="precision-by-category"
          />
          <PrecisionTable
            caption={t('health.byMemberType')}
            head={t('health.memberType')}
            rows={outcomes.precision.byMemberType.map((c) => ({ ...c, key: c.memberType }))}
            testid="precision-by-type"
          />
          {outcomes.amounts.length > 0 && (
            <dl class="facts">
              {outcomes.amounts.map((a) => (
                <>
                  <dt>{a.outcome}</dt>
                  <dd>
                    {Object.entries(a.bands)
                      .map(([band, n]) => `${n} × ${band}`)
                      .join(' · ')}{' '}
                    (
                    {t('health.amountRange', {
                      lo: yuan(a.atLeastCny),
                      hi: a.atMostCny === null ? t('health.more') : `¥${yuan(a.atMostCny)}`,
                    })}
                    )
                  </dd>
                </>
              ))}
            </dl>
          )}
        </>
      )}
      {quality === null ? (
        <p>{t('health.noQuality')}</p>
      ) : (
        <table data-testid="quality-weights">
          <caption>{t('health.quality', { v: quality.version })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('health.member')}</th>
              <th scope="col">{t('health.weight')}</th>
              <th scope="col">{t('health.judged')}</th>
              <th scope="col">{t('health.falsePositives')}</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(quality.members).map(([member, q]) => (
              <tr key={member}>
                <td class="mono">{member}</td>
                <td>{q.weight.toFixed(2)}</td>
                <td>{q.outcomes}</td>
                <td>{q.falsePositives}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** Public statistics: the privacy budget spent, and the newest release's cells. */
function StatisticsPanel({ statistics }: Pick<HealthAnswer, 'statistics'>) {
  const { t } = useI18n();
  const { budget, latest } = statistics;
  return (
    <div class="panel" data-testid="statistics">
      <h3>{t('health.statistics')}</h3>
      <p class="muted">{t('health.statisticsLead')}</p>
      <p data-testid="statistics-budget">
        {t('health.budget', {
          spent: budget.spentTotal,
          total: budget.epsilonTotal,
          week: budget.epsilonPerWeek,
          threshold: budget.threshold,
        })}
      </p>
      {latest === null ? (
        <p>{t('health.noRelease')}</p>
      ) : (
        <table>
          <caption>
            {t('health.latestRelease', { week: latest.week, cut: latest.cut, e: latest.epsilon })}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('health.cell')}</th>
              <th scope="col">{t('health.count')}</th>
            </tr>
          </thead>
          <tbody>
            {latest.cells.map((c) => (
              <tr key={c.key}>
                <td class="mono">{c.key}</td>
                <td>
                  {c.count === null ? t('health.below', { threshold: latest.threshold }) : c.count}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The platform's health and main metrics, and the policy's versions (this API process). */
export function HealthView() {
  const { t, language } = useI18n();
  const [data, setData] = useState<HealthAnswer | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api('GET /api/health').then(setData, setError);
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
      <OutcomesPanel outcomes={data.outcomes} />
      <StatisticsPanel statistics={data.statistics} />
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
