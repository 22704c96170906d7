import type { SimSummary } from './simulate.js';

const n = (x: number) => x.toLocaleString('en-US');
const pct = (x: number) => `${Math.round(100 * x)}%`;

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
        .join('  '),
    )
    .join('\n');
}

/** A readable account of a generated world, for the terminal. */
export function formatSummary(s: SimSummary, outDir: string): string {
  const members = table([
    ['member', 'type', 'reports', 'links'],
    ...s.members.map((m) => [m.member, m.type, n(m.reports), n(m.links)]),
    ['all', '', n(s.reports), n(s.links)],
  ]);
  const categories = Object.entries(s.campaignsByCategory)
    .map(([c, k]) => `${c} ${k}`)
    .join(', ');
  return [
    `Synthetic consortium (seed ${s.options.seed}, scale ${s.options.scale}, ${s.options.days} days from ${s.options.start}) in ${outDir}`,
    '',
    members,
    '',
    `Rings: ${n(s.rings)} (median ${s.ringSizes.median} identifiers seen by members, largest ${s.ringSizes.max}); ${pct(s.multiMemberShare)} span two or more members.`,
    `Large rings (20+ identifiers): ${n(s.largeRings)}; one member sees at most ${pct(s.largeRingMaxShare)} of any of them.`,
    `Victims: ${n(s.victims)}, losing ¥${n(s.lossCny)} in all.`,
    `Campaigns: ${s.campaigns} scripts in use (${categories})${(s.options.boilerplate ?? 0) > 0 ? `; ${pct(s.options.boilerplate ?? 0)} of narratives end with a reporting form's sentence` : ''}.`,
    `Noise: ${n(s.noise.falseReports)} wrong reports, ${n(s.noise.typos)} mistyped identifiers, ${n(s.noise.recycledPhones)} recycled phone numbers.`,
    ...launderingLines(s),
    '',
    'Each member sees only its own slice: members/<id>/reports.jsonl and links.jsonl (SPEC §5 raw format).',
    'truth.json holds every planted ring and campaign; world.json the options and institutions.',
  ].join('\n');
}

function launderingLines(s: SimSummary): string[] {
  const lines: string[] = [];
  const l = s.laundering;
  if (l !== undefined && l.rings > 0)
    lines.push(
      `Laundering: ${n(l.rings)} rings, ${n(l.accounts)} accounts (${n(l.memberHeld)} at members), ${n(l.transfers)} transfers moving ¥${n(l.launderedCny)}; ${n(l.reported)} reported (${pct(l.reportedShare)} of member-held).`,
    );
  if (l !== undefined) lines.push(`Honest people reported once: ${n(l.falselyReported)}.`);
  if ((s.options.variant ?? 0) > 0 && s.knobs)
    lines.push(
      `Variant ${s.options.variant}: ${Object.entries(s.knobs)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}.`,
    );
  return lines;
}
