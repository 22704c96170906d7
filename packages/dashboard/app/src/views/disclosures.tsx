import { useEffect, useState } from 'preact/hooks';
import { api, type Disclosure } from '../api.js';
import { type TextKey, useI18n } from '../i18n.js';
import { ProblemNote } from './problem.js';

/**
 * Disclosure requests for the member's reports: the waiting ones (or all), with the
 * member's own refs; approve or deny a selection in one batch (the agent re-seals each
 * approved report's data key with the member's sealing key before sending the grants).
 */
export function DisclosuresView() {
  const { t, language } = useI18n();
  const [all, setAll] = useState(false);
  const [rows, setRows] = useState<readonly Disclosure[] | null>(null);
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const load = async () => {
    setError(null);
    try {
      const { disclosures } = await api('GET /api/disclosures', {
        query: all ? {} : { status: 'requested' },
      });
      setRows(disclosures);
      setPicked(new Set());
    } catch (err) {
      setError(err);
    }
  };
  useEffect(() => {
    void load();
  }, [all]);

  const decide = async (body: { approve?: string[]; deny?: string[]; reason?: string }) => {
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      const { results } = await api('POST /api/disclosures/decisions', { body });
      const refused = results.filter((r) => r.status === 'refused');
      setMessage(
        [
          t('disclosures.done', { n: results.length - refused.length }),
          refused.length > 0
            ? t('disclosures.refused', {
                n: refused.length,
                codes: refused.map((r) => r.code ?? '').join(', '),
              })
            : '',
        ].join(' '),
      );
      setReason('');
      await load();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const toggle = (id: string) => {
    const next = new Set(picked);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setPicked(next);
  };
  const date = (iso: string) => new Date(iso).toLocaleString(language);

  return (
    <section aria-labelledby="disclosures-title">
      <h2 id="disclosures-title">{t('disclosures.title')}</h2>
      <p class="lead">{t('disclosures.lead')}</p>
      <fieldset class="panel row">
        <legend>{t('disclosures.show')}</legend>
        <label>
          <input type="radio" name="show" checked={!all} onChange={() => setAll(false)} />{' '}
          {t('disclosures.waiting')}
        </label>
        <label>
          <input type="radio" name="show" checked={all} onChange={() => setAll(true)} />{' '}
          {t('disclosures.all')}
        </label>
      </fieldset>
      {error !== null && <ProblemNote error={error} />}
      {message !== null && (
        <p role="status" class="good">
          {message}
        </p>
      )}
      {rows !== null && rows.length === 0 && <p>{t('disclosures.none')}</p>}
      {rows !== null && rows.length > 0 && (
        <table data-testid="disclosures">
          <thead>
            <tr>
              <th scope="col">{t('disclosures.select')}</th>
              <th scope="col">{t('disclosures.id')}</th>
              <th scope="col">{t('disclosures.report')}</th>
              <th scope="col">{t('disclosures.case')}</th>
              <th scope="col">{t('disclosures.basis')}</th>
              <th scope="col">{t('disclosures.status')}</th>
              <th scope="col">{t('disclosures.requestedAt')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr key={d.id}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`${t('disclosures.select')} ${d.id}`}
                    disabled={d.status !== 'requested'}
                    checked={picked.has(d.id)}
                    onChange={() => toggle(d.id)}
                  />
                </td>
                <td class="mono">{d.id}</td>
                <td class="mono">{d.ref ?? d.report}</td>
                <td>
                  <span class="mono">{d.case}</span> · {d.police}
                </td>
                <td>
                  {d.basis.type} {d.basis.caseNumber} ({d.basis.statute}; {d.basis.approvedBy};{' '}
                  {t('disclosures.until')} {d.basis.expiresAt.slice(0, 10)})
                </td>
                <td class="nowrap">
                  {t(`status.${d.status}` as TextKey)}
                  {d.reason === null ? '' : ` · ${d.reason}`}
                </td>
                <td class="nowrap">{date(d.requestedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {rows?.some((d) => d.status === 'requested') && (
        <div class="panel row">
          <button
            type="button"
            disabled={busy || picked.size === 0}
            onClick={() => void decide({ approve: [...picked] })}
          >
            {t('disclosures.approve')}
          </button>
          <label class="grow">
            {t('disclosures.reason')}
            <input
              value={reason}
              maxLength={500}
              onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)}
            />
          </label>
          <button
            type="button"
            class="danger"
            disabled={busy || picked.size === 0 || reason.trim() === ''}
            onClick={() => void decide({ deny: [...picked], reason: reason.trim() })}
          >
            {t('disclosures.deny')}
          </button>
        </div>
      )}
    </section>
  );
}
