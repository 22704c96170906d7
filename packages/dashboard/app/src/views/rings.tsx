import { IDENTIFIER_KINDS } from '@credence/core/identifiers/kinds';
import { CATEGORIES } from '@credence/core/wire/vocabulary';
import { useEffect, useState } from 'preact/hooks';
import type { AnswerOf, QueryOf } from '../../../src/api-types.js';
import { api } from '../api.js';
import { type TextKey, useI18n } from '../i18n.js';
import { ProblemNote } from './problem.js';
import { ViewLink } from './view-link.js';

const KINDS = ['', ...IDENTIFIER_KINDS];
const CATEGORY_CHOICES = ['', ...CATEGORIES];
/** The types of members that contribute data (a ring's data spans some of them). */
const MEMBER_TYPES = ['', 'bank', 'payment', 'telecom', 'internet', 'police'];

/**
 * Rings of the latest analysis, strongest first, filtered by kind, category and score
 * (the platform's own filters); each opens in the explorer.
 */
export function RingsView({ go }: { go: (path: string) => void }) {
  const { t } = useI18n();
  const [filter, setFilter] = useState({ kind: '', category: '', memberType: '', minScore: '' });
  const [data, setData] = useState<AnswerOf<'GET /api/rings'> | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setError(null);
    // The filters are the platform's words (the selects offer only those); empty ones go unsent.
    const query = { limit: '100', ...filter } as QueryOf<'GET /api/rings'>;
    api('GET /api/rings', { query }).then(setData, setError);
  }, [filter.kind, filter.category, filter.memberType, filter.minScore]);
  const set = (key: keyof typeof filter) => (e: Event) =>
    setFilter({ ...filter, [key]: (e.currentTarget as HTMLSelectElement).value });
  return (
    <section aria-labelledby="rings-title">
      <h2 id="rings-title">{t('rings.title')}</h2>
      <p class="lead">{t('rings.lead')}</p>
      <form class="panel filters" onSubmit={(e) => e.preventDefault()}>
        {(
          [
            ['kind', t('check.kind'), KINDS, (k: string) => t(`kind.${k}` as TextKey)],
            ['category', t('check.categories'), CATEGORY_CHOICES, (c: string) => c],
            ['memberType', t('rings.memberType'), MEMBER_TYPES, (m: string) => m],
            ['minScore', t('rings.minScore'), ['', '0.5', '0.8', '0.9'], (s: string) => `≥ ${s}`],
          ] as const
        ).map(([key, label, choices, name]) => (
          <Filter
            key={key}
            label={label}
            value={filter[key]}
            onChange={set(key)}
            choices={choices}
            name={name}
          />
        ))}
      </form>
      {error !== null && <ProblemNote error={error} />}
      {data !== null && (
        <>
          <p data-testid="rings-total">
            {t('rings.count', { shown: data.rings.length, total: data.total })}
          </p>
          <table data-testid="rings">
            <thead>
              <tr>
                <th scope="col">{t('rings.id')}</th>
                <th scope="col">{t('rings.score')}</th>
                <th scope="col">{t('rings.size')}</th>
                <th scope="col">{t('rings.reported')}</th>
                <th scope="col">{t('rings.members')}</th>
                <th scope="col">{t('check.categories')}</th>
              </tr>
            </thead>
            <tbody>
              {data.rings.map((r) => (
                <tr key={r.id}>
                  <td>
                    <ViewLink to={`/rings/${r.id}`} go={go} label={r.id} />
                  </td>
                  <td>{r.score.toFixed(2)}</td>
                  <td>{r.size}</td>
                  <td>{r.reported}</td>
                  <td>
                    {r.members}
                    {Object.keys(r.memberTypes).length === 0
                      ? ''
                      : ` (${Object.entries(r.memberTypes)
                          .map(([type, n]) => `${n} ${type}`)
                          .join(', ')})`}
                  </td>
                  <td>{r.categories.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** One filter of the list: a labelled choice, the empty choice meaning any. */
function Filter({
  label,
  value,
  onChange,
  choices,
  name,
}: {
  label: string;
  value: string;
  onChange: (e: Event) => void;
  choices: readonly string[];
  name: (choice: string) => string;
}) {
  const { t } = useI18n();
  return (
    <label>
      {label}
      <select value={value} onChange={onChange}>
        {choices.map((c) => (
          <option key={c} value={c}>
            {c === '' ? t('rings.any') : name(c)}
          </option>
        ))}
      </select>
    </label>
  );
}
