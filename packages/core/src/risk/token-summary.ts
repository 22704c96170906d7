import { CATEGORIES, type Category, type EntityRole, type ReportType } from '../wire/vocabulary.js';

/**
 * A token's summary (SPEC §6): per member and report type, how many reports name it,
 * when first and last, and in which categories. Checks are scored from it alone
 * (risk/policy.ts), so it is what an answer rests on. The platform keeps it as rows
 * updated at ingest; an auditor rebuilds it from the logged reports with these same
 * functions and compares, so that no row can be added, changed or removed unseen.
 */
export interface TokenStats {
  readonly memberId: string;
  readonly type: ReportType;
  readonly reports: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** Bit i set: category CATEGORIES[i] was reported. */
  readonly categories: number;
}

export function categoryBit(category: Category): number {
  return 1 << CATEGORIES.indexOf(category);
}

/** What rows add up: counts add, first and last seen widen, categories unite. */
export type StatsFigures = Pick<TokenStats, 'reports' | 'firstSeen' | 'lastSeen' | 'categories'>;

export function widen(row: StatsFigures | undefined, add: StatsFigures): StatsFigures {
  if (row === undefined)
    return {
      reports: add.reports,
      firstSeen: add.firstSeen,
      lastSeen: add.lastSeen,
      categories: add.categories,
    };
  return {
    reports: row.reports + add.reports,
    firstSeen: Math.min(row.firstSeen, add.firstSeen),
    lastSeen: Math.max(row.lastSeen, add.lastSeen),
    categories: row.categories | add.categories,
  };
}

/** One report's contribution to each of its tokens' rows. */
export function reportFigures(r: { category: Category; occurredAt: number }): StatsFigures {
  return {
    reports: 1,
    firstSeen: r.occurredAt,
    lastSeen: r.occurredAt,
    categories: categoryBit(r.category),
  };
}

/**
 * The distinct tokens a report names, with the kind and key id of their first mention: a
 * report naming a token in two roles counts once for it.
 */
export function reportTokens<E extends { readonly token: string }>(entities: readonly E[]): E[] {
  const seen = new Set<string>();
  const out: E[] = [];
  for (const e of entities) {
    if (seen.has(e.token)) continue;
    seen.add(e.token);
    out.push(e);
  }
  return out;
}

/**
 * Roles a report gives the victim's side: the victim's own identifier and the account it
 * paid from take no risk (docs/formats.md); in a victim's own report, the device and
 * address are the victim's too (the report describes what happened on their phone),
 * while in a member's detection or a confirmed case they are the suspect's. Joint
 * analysis reads them as the victim's, and a token's summary leaves them out.
 */
const VICTIM_ROLES: ReadonlySet<string> = new Set<EntityRole>(['victim', 'payer_account']);
const OWN_EQUIPMENT: ReadonlySet<string> = new Set<EntityRole>(['device', 'ip']);

export function isVictimSide(type: ReportType, role: string): boolean {
  return VICTIM_ROLES.has(role) || (type === 'victim_report' && OWN_EQUIPMENT.has(role));
}

/**
 * The distinct tokens a report holds at risk: its entities but the victim's side. These,
 * and only these, count into the tokens' summaries that checks are scored from (before
 * issue 17 a victim's own number counted as reported, and was answered `suspicious`).
 */
export function riskTokens<E extends { readonly token: string; readonly role: string }>(
  type: ReportType,
  entities: readonly E[],
): E[] {
  return reportTokens(entities.filter((e) => !isVictimSide(type, e.role)));
}

/**
 * The rows of one token in a canonical order (member, then report type), as the text an
 * auditor and the platform compare: one line of RFC 8785 JSON per row. Written out (the
 * members of each row are strings and safe integers, in code-unit order).
 */
export function summaryText(stats: readonly TokenStats[]): string {
  const s = JSON.stringify;
  return [...stats]
    .sort((a, b) =>
      a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : a.type < b.type ? -1 : 1,
    )
    .map(
      (r) =>
        `{"categories":${s(r.categories)},"firstSeen":${s(r.firstSeen)},"lastSeen":${s(r.lastSeen)},"member":${s(r.memberId)},"reports":${s(r.reports)},"type":${s(r.type)}}\n`,
    )
    .join('');
}
