import { useEffect, useState } from 'preact/hooks';
import type { MembersAnswer } from '../../../src/api-types.js';
import { api } from '../api.js';
import { useI18n } from '../i18n.js';
import { WeeklyBars } from './charts.js';
import { ProblemNote } from './problem.js';

/**
 * The platform's members and their state, and each key server's evaluations per day (the
 * counts it reports, which the log holds): the operator's and auditors' view.
 */
export function MembersView() {
  const { t, language } = useI18n();
  const [data, setData] = useState<MembersAnswer | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api('GET /api/members').then(setData, setError);
  }, []);
  if (error !== null) return <ProblemNote error={error} />;
  if (data === null) return <p aria-live="polite">{t('app.loading')}</p>;
  const servers = [...new Set(data.evaluations.map((e) => e.reporter))].sort();
  return (
    <section aria-labelledby="members-title">
      <h2 id="members-title">{t('members.title')}</h2>
      <p class="lead">{t('members.lead')}</p>
      <table data-testid="members">
        <thead>
          <tr>
            <th scope="col">{t('members.id')}</th>
            <th scope="col">{t('members.name')}</th>
            <th scope="col">{t('members.type')}</th>
            <th scope="col">{t('disclosures.status')}</th>
            <th scope="col">{t('members.since')}</th>
          </tr>
        </thead>
        <tbody>
          {data.members.map((m) => (
            <tr key={m.id}>
              <td class="mono">{m.id}</td>
              <td>{m.name}</td>
              <td>
                {m.type}
                {m.shareIndex === undefined ? '' : ` (${t('members.share', { n: m.shareIndex })})`}
              </td>
              <td class={m.status === 'active' ? 'good' : 'bad'}>{t(`members.${m.status}`)}</td>
              <td>{new Date(m.createdAt).toLocaleDateString(language)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="panel">
        <h3>{t('members.evaluations')}</h3>
        {servers.length === 0 ? (
          <p>{t('check.none')}</p>
        ) : (
          <div class="charts" data-testid="evaluations">
            {servers.map((s) => {
              const daily = Object.fromEntries(
                data.evaluations.filter((e) => e.reporter === s).map((e) => [e.day, e.evaluations]),
              );
              const total = Object.values(daily).reduce((a, b) => a + b, 0);
              return (
                <div key={s}>
                  <WeeklyBars
                    series={daily}
                    label={`${s}: ${total.toLocaleString()}`}
                    weeks={14}
                    step={1}
                  />
                </div>
              );
            })}
          </div>
        )}
      </div>
    </section>
  );
}
