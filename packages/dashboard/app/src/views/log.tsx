import { useEffect, useState } from 'preact/hooks';
import { logSource } from '../api.js';
import { useI18n } from '../i18n.js';
import {
  type CheckpointCheck,
  type EntryCheck,
  type HistoryRow,
  type SeenCheckpoint,
  verifyEntry,
  verifyHistory,
  verifyNewest,
} from '../log-verify.js';

/** How far back the history panel looks: the checkpoints of the last this many entries. */
const HISTORY_WINDOW = 5000;

const SEEN_KEY = 'credence.log.seen';

function readSeen(): SeenCheckpoint | undefined {
  try {
    const value = JSON.parse(localStorage.getItem(SEEN_KEY) ?? 'null') as SeenCheckpoint | null;
    return value !== null && typeof value.size === 'number' ? value : undefined;
  } catch {
    return undefined;
  }
}

type Outcome =
  | { readonly state: 'working' }
  | { readonly state: 'done'; readonly checkpoint: CheckpointCheck; readonly entry?: EntryCheck }
  | { readonly state: 'failed'; readonly why: string };

/**
 * The log, verified here: the newest checkpoint against the member's log key, its
 * history against the checkpoint this browser saw last (kept in local storage, replaced
 * only by one that extends it, so a fork keeps showing), and the newest entry's inclusion
 * (or any entry the person picks).
 */
export function LogView() {
  const { t } = useI18n();
  const [outcome, setOutcome] = useState<Outcome>({ state: 'working' });
  const [index, setIndex] = useState('');
  const [history, setHistory] = useState<HistoryRow[] | null>(null);

  const verify = async (pick?: number) => {
    setOutcome({ state: 'working' });
    try {
      const checkpoint = await verifyNewest(logSource, readSeen());
      if (checkpoint.history.state !== 'forked')
        localStorage.setItem(
          SEEN_KEY,
          JSON.stringify({
            origin: checkpoint.origin,
            size: checkpoint.size,
            root: checkpoint.root,
          } satisfies SeenCheckpoint),
        );
      const at = pick ?? checkpoint.size - 1;
      const entry = at >= 0 ? await verifyEntry(logSource, checkpoint, at) : undefined;
      if (pick === undefined && at >= 0) setIndex(String(at));
      setOutcome({ state: 'done', checkpoint, ...(entry === undefined ? {} : { entry }) });
      setHistory(await verifyHistory(logSource, Math.max(0, checkpoint.size - HISTORY_WINDOW)));
    } catch (error) {
      setOutcome({ state: 'failed', why: error instanceof Error ? error.message : String(error) });
    }
  };
  useEffect(() => {
    void verify();
  }, []);

  const ok =
    outcome.state === 'done' &&
    outcome.checkpoint.history.state !== 'forked' &&
    (outcome.entry === undefined || outcome.entry.included);
  const cp = outcome.state === 'done' ? outcome.checkpoint : undefined;
  const entry = outcome.state === 'done' ? outcome.entry : undefined;
  return (
    <section aria-labelledby="log-title">
      <h2 id="log-title">{t('log.title')}</h2>
      <p class="lead">{t('log.lead')}</p>
      {cp?.history.state === 'forked' && (
        <p role="alert" class="banner bad" data-testid="fork-banner">
          {t('log.fork', { why: cp.history.why })}
        </p>
      )}
      <p
        class={`status ${outcome.state === 'working' ? '' : ok ? 'good' : 'bad'}`}
        data-testid="log-status"
        aria-live="polite"
      >
        {outcome.state === 'working'
          ? t('log.verifying')
          : ok
            ? t('log.verified')
            : t('log.notVerified')}
        {outcome.state === 'failed' && `: ${outcome.why}`}
      </p>
      {cp !== undefined && (
        <div class="panel">
          <h3>{t('log.checkpoint')}</h3>
          <dl class="facts">
            <dt>{t('log.origin')}</dt>
            <dd class="mono">{cp.origin}</dd>
            <dt>{t('log.size')}</dt>
            <dd data-testid="log-size">{cp.size}</dd>
            <dt>{t('log.root')}</dt>
            <dd class="mono wrap">{cp.root}</dd>
            <dt>{t('log.witnesses')}</dt>
            <dd>
              {t('log.witnessesOf', {
                n: cp.cosignatures.length,
                m: cp.witnesses,
                k: cp.requiredWitnesses,
              })}
            </dd>
            <dt>{t('log.history')}</dt>
            <dd>
              {cp.history.state === 'first'
                ? t('log.history.first')
                : cp.history.state === 'same'
                  ? t('log.history.same')
                  : cp.history.state === 'extends'
                    ? t('log.history.extends', { from: cp.history.from })
                    : cp.history.why}
            </dd>
          </dl>
        </div>
      )}
      {cp !== undefined && cp.size > 0 && (
        <form
          class="panel row"
          onSubmit={(e) => {
            e.preventDefault();
            void verify(Number(index));
          }}
        >
          <label>
            {t('log.entryIndex')}
            <input
              type="number"
              min={0}
              max={cp.size - 1}
              required
              value={index}
              onInput={(e) => setIndex((e.currentTarget as HTMLInputElement).value)}
            />
          </label>
          <button type="submit">{t('log.entryVerify')}</button>
          <button type="button" class="quiet" onClick={() => void verify()}>
            {t('log.recheck')}
          </button>
        </form>
      )}
      {history !== null && history.length > 0 && (
        <details class="panel" data-testid="log-history">
          <summary>{t('log.historyTitle', { n: history.length })}</summary>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('log.size')}</th>
                <th scope="col">{t('log.root')}</th>
                <th scope="col">{t('log.witnesses')}</th>
                <th scope="col">{t('log.signature')}</th>
              </tr>
            </thead>
            <tbody>
              {history.map((h) => (
                <tr key={`${h.size}-${h.root}`}>
                  <td>{h.size}</td>
                  <td class="mono">{h.root.slice(0, 16)}…</td>
                  <td>{h.cosigned}</td>
                  <td class={h.verified ? 'good' : 'bad'}>
                    {h.verified ? t('log.verified') : t('log.notVerified')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
      {entry !== undefined && (
        <div class={`panel ${entry.included ? '' : 'bad'}`} data-testid="log-entry">
          <h3>
            {t('log.entry')} {entry.index}
          </h3>
          <p class={entry.included ? 'good' : 'bad'}>
            {entry.included ? t('log.entryIncluded') : t('log.entryNotIncluded')}
          </p>
          <dl class="facts">
            <dt>{t('log.entryKind')}</dt>
            <dd class="mono">{entry.entry.kind}</dd>
            <dt>{t('log.entryTime')}</dt>
            <dd>{entry.entry.time}</dd>
            <dt>{t('log.entryMember')}</dt>
            <dd class="mono">{entry.entry.member}</dd>
            <dt>{t('log.entrySubject')}</dt>
            <dd class="mono wrap">{entry.entry.subject}</dd>
            <dt>{t('log.entryDigest')}</dt>
            <dd class="mono wrap">{entry.entry.digest}</dd>
          </dl>
        </div>
      )}
    </section>
  );
}
