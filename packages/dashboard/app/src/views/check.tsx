import { IDENTIFIER_KINDS } from '@credence/core/identifiers/kinds';
import { useState } from 'preact/hooks';
import type { BodyOf } from '../../../src/api-types.js';
import { api, type IdentifierCheck } from '../api.js';
import { type TextKey, useI18n } from '../i18n.js';
import { ProblemNote } from './problem.js';

/**
 * The risk check: a person types an identifier as written; the agent normalizes and
 * tokenizes it (never sending it raw) and asks the platform; the answer is shown whole,
 * with what the identifier implies (a URL's domain) after it.
 */
export function CheckView() {
  const { t } = useI18n();
  const [kind, setKind] = useState<string>('phone');
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<readonly IdentifierCheck[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { checks } = await api('POST /api/check', {
        body: { kind: kind as BodyOf<'POST /api/check'>['kind'], value },
      });
      setResult(checks);
    } catch (err) {
      setResult(null);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="check-title">
      <h2 id="check-title">{t('check.title')}</h2>
      <p class="lead">{t('check.lead')}</p>
      <form class="panel row" onSubmit={submit}>
        <label>
          {t('check.kind')}
          <select
            value={kind}
            onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value)}
          >
            {IDENTIFIER_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`kind.${k}` as TextKey)}
              </option>
            ))}
          </select>
        </label>
        <label class="grow">
          {t('check.value')}
          <input
            name="value"
            required
            maxLength={2048}
            autocomplete="off"
            spellcheck={false}
            value={value}
            onInput={(e) => setValue((e.currentTarget as HTMLInputElement).value)}
          />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? t('check.working') : t('check.submit')}
        </button>
      </form>
      {error !== null && <ProblemNote error={error} />}
      <div aria-live="polite">
        {result?.map((c, i) => (
          <CheckResult key={`${i}-${c.answer.token}`} check={c} implied={i > 0} />
        ))}
      </div>
    </section>
  );
}

function CheckResult({ check, implied }: { check: IdentifierCheck; implied: boolean }) {
  const { t, language } = useI18n();
  const { identifier, answer } = check;
  const date = (iso: string | null) =>
    iso === null ? t('check.none') : new Date(iso).toLocaleDateString(language);
  const reports = Object.entries(answer.reports).filter(
    (entry): entry is [string, number] => (entry[1] ?? 0) > 0,
  );
  return (
    <article class={`panel result verdict-${answer.verdict}`} data-testid="check-result">
      {implied && <p class="muted">{t('check.implied')}</p>}
      <h3>
        <span class="badge" data-verdict={answer.verdict}>
          {t(`verdict.${answer.verdict}`)}
        </span>{' '}
        <span class="mono">{identifier.value}</span>
      </h3>
      <dl class="facts">
        <dt>{t('check.normalized')}</dt>
        <dd>
          {t(`kind.${identifier.kind}` as TextKey)} <span class="mono">{identifier.value}</span>
        </dd>
        <dt>{t('check.score')}</dt>
        <dd data-testid="score">{answer.score.toFixed(2)}</dd>
        {answer.rank !== undefined && answer.rank !== null && (
          <>
            <dt>{t('check.percentile')}</dt>
            <dd>{t('check.percentileOf', { p: (100 * answer.rank.percentile).toFixed(1) })}</dd>
          </>
        )}
        <dt>{t('check.reporters')}</dt>
        <dd>{answer.reporters}</dd>
        {reports.length > 0 && (
          <>
            <dt>{t('check.reports')}</dt>
            <dd>{reports.map(([type, n]) => `${type} ${n}`).join(', ')}</dd>
          </>
        )}
        <dt>{t('check.categories')}</dt>
        <dd>{answer.categories.length > 0 ? answer.categories.join(', ') : t('check.none')}</dd>
        <dt>{t('check.firstSeen')}</dt>
        <dd>{date(answer.firstSeen)}</dd>
        <dt>{t('check.lastSeen')}</dt>
        <dd>{date(answer.lastSeen)}</dd>
        <dt>{t('check.ring')}</dt>
        <dd>
          {answer.ring === null
            ? t('check.none')
            : t('check.ringOf', {
                id: answer.ring.id,
                size: answer.ring.size,
                score: answer.ring.score.toFixed(2),
              })}
        </dd>
        <dt>{t('check.why')}</dt>
        <dd>{answer.explanation}</dd>
      </dl>
    </article>
  );
}
