import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import type { ReportType } from '@credence/core/wire/vocabulary';
import { categoryBit } from '../domain/policy.js';
import type { IngestEntity, IngestReport, TokenRef, TokenStats } from '../domain/types.js';

/**
 * Pure helpers shared by the storage adapters: what a batch adds to the per-token
 * statistics, and the recount of a member's statistics from its remaining reports.
 */

export interface StatDelta {
  readonly token: string;
  readonly kind: IdentifierKind;
  readonly keyId: string;
  readonly type: ReportType;
  reports: number;
  firstSeen: number;
  lastSeen: number;
  categories: number;
}

/** Per (token, report type): a report naming a token in two roles counts once. */
export function statDeltas(reports: readonly IngestReport[]): StatDelta[] {
  const deltas = new Map<string, StatDelta>();
  for (const r of reports) {
    const seen = new Set<string>();
    for (const e of r.entities) {
      if (seen.has(e.token)) continue;
      seen.add(e.token);
      const key = `${e.token}\u0000${r.type}`;
      const d = deltas.get(key);
      if (d === undefined) {
        deltas.set(key, {
          token: e.token,
          kind: e.kind,
          keyId: e.keyId,
          type: r.type,
          reports: 1,
          firstSeen: r.occurredAt,
          lastSeen: r.occurredAt,
          categories: categoryBit(r.category),
        });
      } else {
        d.reports++;
        d.firstSeen = Math.min(d.firstSeen, r.occurredAt);
        d.lastSeen = Math.max(d.lastSeen, r.occurredAt);
        d.categories |= categoryBit(r.category);
      }
    }
  }
  return [...deltas.values()];
}

/** The distinct tokens of some reports, with their kind and key id. */
export function distinctTokens(
  reports: readonly { readonly entities: readonly TokenRef[] }[],
): TokenRef[] {
  const out = new Map<string, TokenRef>();
  for (const r of reports)
    for (const e of r.entities)
      if (!out.has(e.token)) out.set(e.token, { token: e.token, kind: e.kind, keyId: e.keyId });
  return [...out.values()];
}

/** Recounts one member's statistics of one token from its remaining reports (one row per report). */
export function recount(
  memberId: string,
  rows: readonly {
    readonly type: ReportType;
    readonly category: Parameters<typeof categoryBit>[0];
    readonly occurredAt: number;
  }[],
): TokenStats[] {
  const byType = new Map<
    ReportType,
    { reports: number; firstSeen: number; lastSeen: number; categories: number }
  >();
  for (const row of rows) {
    const s = byType.get(row.type);
    if (s === undefined)
      byType.set(row.type, {
        reports: 1,
        firstSeen: row.occurredAt,
        lastSeen: row.occurredAt,
        categories: categoryBit(row.category),
      });
    else {
      s.reports++;
      s.firstSeen = Math.min(s.firstSeen, row.occurredAt);
      s.lastSeen = Math.max(s.lastSeen, row.occurredAt);
      s.categories |= categoryBit(row.category);
    }
  }
  return [...byType.entries()].map(([type, s]) => ({ memberId, type, ...s }));
}

/** A report's entities as the reports table keeps them (JSON, in the order sent). */
export const entitiesJson = (entities: readonly IngestEntity[]): string =>
  JSON.stringify(
    entities.map((e) => ({ role: e.role, kind: e.kind, token: e.token, keyId: e.keyId })),
  );
