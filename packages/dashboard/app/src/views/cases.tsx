import { useEffect, useState } from 'preact/hooks';
import type { AnswerOf, CaseView, OpenedRow } from '../../../src/api-types.js';
import { api, apiPath } from '../api.js';
import { type TextKey, useI18n } from '../i18n.js';
import { ProblemNote } from './problem.js';
import { ViewLink } from './view-link.js';

/** A police member's cases; one case with its items, requests, opened details and package. */
export function CasesView({ id, go }: { id: string | undefined; go: (path: string) => void }) {
  const { t, language } = useI18n();
  const [cases, setCases] = useState<readonly CaseView[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api('GET /api/cases').then((a) => setCases(a.cases), setError);
  }, []);
  return (
    <section aria-labelledby="cases-title">
      <h2 id="cases-title">{t('cases.title')}</h2>
      <p class="lead">{t('cases.lead')}</p>
      {error !== null && <ProblemNote error={error} />}
      {cases !== null && cases.length === 0 && <p>{t('cases.none')}</p>}
      {cases !== null && cases.length > 0 && (
        <table data-testid="cases">
          <thead>
            <tr>
              <th scope="col">{t('disclosures.case')}</th>
              <th scope="col">{t('disclosures.basis')}</th>
              <th scope="col">{t('disclosures.status')}</th>
              <th scope="col">{t('cases.items')}</th>
              <th scope="col">{t('cases.reports')}</th>
              <th scope="col">{t('cases.opened')}</th>
            </tr>
          </thead>
          <tbody>
            {cases.map((c) => (
              <tr key={c.id} aria-current={c.id === id ? 'true' : undefined}>
                <td>
                  <ViewLink to={`/cases/${c.id}`} go={go} label={c.id} />
                </td>
                <td>
                  {c.basis.type} {c.basis.caseNumber} ({c.basis.statute}; {t('disclosures.until')}{' '}
                  {c.basis.expiresAt.slice(0, 10)})
                </td>
                <td>{t(`case.${c.status}` as TextKey)}</td>
                <td>{c.items}</td>
                <td>{c.reports}</td>
                <td>{new Date(c.createdAt).toLocaleDateString(language)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {id !== undefined && <CaseDetail key={id} id={id} />}
    </section>
  );
}

function CaseDetail({ id }: { id: string }) {
  const { t } = useI18n();
  const [data, setData] = useState<AnswerOf<'GET /api/cases/{id}'> | null>(null);
  const [opened, setOpened] = useState<readonly OpenedRow[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api('GET /api/cases/{id}', { params: { id } }).then(setData, setError);
  }, [id]);
  const open = async () => {
    setBusy(true);
    try {
      setOpened((await api('GET /api/cases/{id}/details', { params: { id } })).details);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  if (error !== null) return <ProblemNote error={error} />;
  if (data === null) return <p aria-live="polite">{t('app.loading')}</p>;
  const states = { requested: 0, granted: 0, denied: 0 };
  for (const d of data.disclosures) states[d.status] += 1;
  return (
    <div class="panel" data-testid="case-detail">
      <h3 class="mono">{id}</h3>
      <h4>{t('cases.attached')}</h4>
      <ul>
        {data.case.attached.map((a) => (
          <li key={`${a.kind}-${a.id}`}>
            {a.kind} <span class="mono">{a.id}</span>: {t('cases.reportsN', { n: a.reports })}
          </li>
        ))}
      </ul>
      <h4>{t('cases.requests')}</h4>
      <p data-testid="case-states">
        {(['requested', 'granted', 'denied'] as const)
          .map((s) => `${t(`status.${s}`)} ${states[s]}`)
          .join(' · ')}
      </p>
      <p>
        <button type="button" disabled={busy || states.granted === 0} onClick={() => void open()}>
          {t('cases.open', { n: states.granted })}
        </button>{' '}
        <a
          class="button"
          href={apiPath(`/api/cases/${id}/evidence`)}
          download={`${id}-evidence.json`}
        >
          {t('cases.package')}
        </a>
      </p>
      {opened !== null && (
        <table data-testid="case-opened">
          <thead>
            <tr>
              <th scope="col">{t('disclosures.id')}</th>
              <th scope="col">{t('cases.owner')}</th>
              <th scope="col">{t('cases.narrative')}</th>
              <th scope="col">{t('cases.loss')}</th>
            </tr>
          </thead>
          <tbody>
            {opened.map((o) => (
              <tr key={o.disclosure}>
                <td class="mono">{o.disclosure}</td>
                <td>{o.owner}</td>
                <td>{o.narrative ?? '—'}</td>
                <td>{o.lossCny === null ? '—' : `¥${o.lossCny.toLocaleString()}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <details>
        <summary>{t('cases.requestList')}</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('disclosures.id')}</th>
              <th scope="col">{t('cases.owner')}</th>
              <th scope="col">{t('disclosures.report')}</th>
              <th scope="col">{t('disclosures.status')}</th>
            </tr>
          </thead>
          <tbody>
            {data.disclosures.map((d) => (
              <tr key={d.id}>
                <td class="mono">{d.id}</td>
                <td>{d.owner}</td>
                <td class="mono">{d.report}</td>
                <td>
                  {t(`status.${d.status}`)}
                  {d.reason === null ? '' : ` · ${d.reason}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}
