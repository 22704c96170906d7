import { useEffect, useState } from 'preact/hooks';
import type { OverviewAnswer } from '../../../src/api-types.js';
import { api } from '../api.js';
import { useI18n } from '../i18n.js';
import { Tile, WeeklyBars } from './charts.js';
import { ProblemNote } from './problem.js';
import { ViewLink } from './view-link.js';

/**
 * The member's overview: its reports, the checks made here and their verdicts, alerts
 * about its watched customers, and the rings that hold its own data, each as numbers and
 * weekly bars.
 */
export function OverviewView({ go }: { go: (path: string) => void }) {
  const { t } = useI18n();
  const [data, setData] = useState<OverviewAnswer | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api('GET /api/overview').then(setData, setError);
  }, []);
  if (error !== null) return <ProblemNote error={error} />;
  if (data === null) return <p aria-live="polite">{t('app.loading')}</p>;
  const { reports, checks, alerts, rings } = data;
  const categories = Object.entries(reports.categories).sort((a, b) => b[1] - a[1]);
  return (
    <section aria-labelledby="overview-title">
      <h2 id="overview-title">{t('overview.title')}</h2>
      <div class="tiles">
        <Tile value={reports.total} label={t('overview.reports')} testid="tile-reports" />
        <Tile value={reports.retracted} label={t('overview.retracted')} />
        <Tile value={checks.total} label={t('overview.checks')} testid="tile-checks" />
        <Tile value={alerts.total} label={t('overview.alerts')} testid="tile-alerts" />
        <Tile value={alerts.watchedCustomers} label={t('overview.alerted')} />
        <Tile value={rings.touching.length} label={t('overview.rings')} testid="tile-rings" />
      </div>
      {(reports.capped || alerts.capped) && <p class="muted">{t('overview.capped')}</p>}
      <div class="charts">
        <WeeklyBars series={reports.weekly} label={t('overview.reportsWeekly')} />
        <WeeklyBars series={alerts.weekly} label={t('overview.alertsWeekly')} color="#a4161a" />
        <WeeklyBars series={checks.weekly} label={t('overview.checksWeekly')} color="#17663a" />
      </div>
      <div class="panel">
        <h3>{t('overview.verdicts')}</h3>
        <p>
          {(['fraud', 'suspicious', 'clear'] as const)
            .map((v) => `${t(`verdict.${v}`)} ${checks.byVerdict[v] ?? 0}`)
            .join(' · ')}
        </p>
        <h3>{t('overview.categories')}</h3>
        <p>{categories.map(([c, n]) => `${c} ${n}`).join(' · ') || t('check.none')}</p>
      </div>
      <div class="panel">
        <h3>{t('overview.ringsTitle', { n: rings.touching.length, looked: rings.looked })}</h3>
        {rings.touching.length === 0 ? (
          <p>{t('check.none')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('rings.id')}</th>
                <th scope="col">{t('rings.score')}</th>
                <th scope="col">{t('rings.size')}</th>
                <th scope="col">{t('overview.yours')}</th>
              </tr>
            </thead>
            <tbody>
              {rings.touching.map((r) => (
                <tr key={r.id}>
                  <td>
                    <ViewLink to={`/rings/${r.id}`} go={go} label={r.id} />
                  </td>
                  <td>{r.score.toFixed(2)}</td>
                  <td>{r.size}</td>
                  <td>{r.yours}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
