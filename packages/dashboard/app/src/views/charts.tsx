import type { Weekly } from '../../../src/api-types.js';

/** The last `weeks` periods (`step` days apart, UTC) up to the newest in the data, oldest first. */
function weeksOf(series: Weekly, weeks: number, step: number): string[] {
  const known = Object.keys(series)
    .filter((w) => /^\d{4}-\d{2}-\d{2}$/.test(w))
    .sort();
  const last = known.at(-1);
  if (last === undefined) return [];
  const end = Date.parse(`${last}T00:00:00Z`);
  return Array.from({ length: weeks }, (_, i) =>
    new Date(end - (weeks - 1 - i) * step * 86_400_000).toISOString().slice(0, 10),
  );
}

/**
 * Counts per week (or per day, `step` 1) as bars (SVG), named for a screen reader with
 * their numbers, and captioned.
 */
export function WeeklyBars({
  series,
  label,
  weeks = 12,
  color = '#0b5cad',
  step = 7,
}: {
  series: Weekly;
  label: string;
  weeks?: number;
  color?: string;
  step?: number;
}) {
  const days = weeksOf(series, weeks, step);
  const values = days.map((d) => series[d] ?? 0);
  const max = Math.max(1, ...values);
  const w = 18;
  const gap = 4;
  const h = 64;
  return (
    <figure class="chart">
      <svg
        width={days.length * (w + gap)}
        height={h + 16}
        role="img"
        aria-label={`${label}: ${values.join(', ')}`}
      >
        {values.map((v, i) => {
          const bh = Math.round((v / max) * h);
          return (
            <rect key={days[i]} x={i * (w + gap)} y={h - bh} width={w} height={bh} fill={color}>
              <title>{`${days[i]}: ${v}`}</title>
            </rect>
          );
        })}
        <line x1={0} x2={days.length * (w + gap)} y1={h + 0.5} y2={h + 0.5} stroke="#6b7685" />
        {days.length > 0 && (
          <>
            <text x={0} y={h + 14} class="axis">
              {days[0]?.slice(5)}
            </text>
            <text x={days.length * (w + gap)} y={h + 14} class="axis" text-anchor="end">
              {days.at(-1)?.slice(5)}
            </text>
          </>
        )}
      </svg>
      <figcaption>{label}</figcaption>
    </figure>
  );
}

/** A number with what it counts, for the top of a view. */
export function Tile({
  value,
  label,
  testid,
}: {
  value: number | string;
  label: string;
  testid?: string;
}) {
  return (
    <div class="tile" data-testid={testid}>
      <span class="tile-value">{typeof value === 'number' ? value.toLocaleString() : value}</span>
      <span class="tile-label">{label}</span>
    </div>
  );
}
