import { useEffect, useState } from 'preact/hooks';
import type { AnswerOf } from '../../../src/api-types.js';
import { api } from '../api.js';
import { useI18n } from '../i18n.js';
import { ProblemNote } from './problem.js';

/**
 * Campaigns (scripts told to victims at several members), largest first, with their
 * weekly counts as bars and the masked representative script where members shared it;
 * above them, each category's reports in campaigns, week by week.
 */
export function CampaignsView() {
  const { t } = useI18n();
  const [data, setData] = useState<AnswerOf<'GET /api/campaigns'> | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api('GET /api/campaigns', { query: { limit: '100' } }).then(setData, setError);
  }, []);
  if (error !== null) return <ProblemNote error={error} />;
  if (data === null) return <p aria-live="polite">{t('app.loading')}</p>;
  const byCategory = new Map<string, number[]>();
  for (const c of data.campaigns) {
    const sum = byCategory.get(c.category) ?? c.weekly.map(() => 0);
    c.weekly.forEach((n, i) => {
      sum[i] = (sum[i] ?? 0) + n;
    });
    byCategory.set(c.category, sum);
  }
  return (
    <section aria-labelledby="campaigns-title">
      <h2 id="campaigns-title">{t('campaigns.title')}</h2>
      <p class="lead">{t('campaigns.lead')}</p>
      <div class="panel">
        <h3>{t('campaigns.trends')}</h3>
        <div class="charts">
          {[...byCategory.entries()]
            .sort((a, b) => b[1].reduce((x, y) => x + y, 0) - a[1].reduce((x, y) => x + y, 0))
            .map(([category, counts]) => (
              <OrderedBars key={category} counts={counts} label={category} />
            ))}
        </div>
      </div>
      <p data-testid="campaigns-total">
        {t('rings.count', { shown: data.campaigns.length, total: data.total })}
      </p>
      {data.campaigns.map((c) => (
        <article class="panel" key={c.id} data-testid="campaign">
          <h3>
            <span class="mono">{c.id}</span> · {c.category}
          </h3>
          <p>
            {t('campaigns.summary', {
              size: c.size,
              members: c.members,
              rings: c.rings.length,
              growth: c.growth === null ? t('campaigns.new') : `${c.growth.toFixed(2)}×`,
            })}
          </p>
          <OrderedBars counts={c.weekly} label={t('campaigns.weekly')} />
          {c.script !== null && (
            <details>
              <summary>{t('campaigns.script')}</summary>
              <p class="script">{c.script}</p>
            </details>
          )}
        </article>
      ))}
    </section>
  );
}

/**
 * A campaign's weeks are the 8 before the analysis run, oldest first (the platform gives
 * counts, not dates): bars in that order.
 */
function OrderedBars({ counts, label }: { counts: readonly number[]; label: string }) {
  const max = Math.max(1, ...counts);
  const w = 18;
  const h = 48;
  return (
    <figure class="chart">
      <svg
        width={counts.length * (w + 4)}
        height={h + 2}
        role="img"
        aria-label={`${label}: ${counts.join(', ')}`}
      >
        {counts.map((v, i) => {
          const bh = Math.round((v / max) * h);
          return (
            <rect key={i} x={i * (w + 4)} y={h - bh} width={w} height={bh} fill="#0b5cad">
              <title>{String(v)}</title>
            </rect>
          );
        })}
      </svg>
      <figcaption>{label}</figcaption>
    </figure>
  );
}
