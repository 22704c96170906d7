import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import {
  reportFigures,
  riskTokens,
  type StatsFigures,
  type TokenStats,
  widen,
} from '@credence/core/risk/token-summary';
import type { SealedDetail } from '@credence/core/sealing/sealed-detail';
import type { Category, ReportType } from '@credence/core/wire/vocabulary';
import type { IngestEntity, IngestReport, TokenRef } from '../domain/types.js';

/**
 * Pure helpers shared by the storage adapters: what a batch adds to the per-token
 * statistics, and the recount of a member's statistics from its remaining reports.
 */

export interface StatDelta extends StatsFigures {
  readonly token: string;
  readonly kind: IdentifierKind;
  readonly keyId: string;
  readonly type: ReportType;
}

/**
 * SQL over `report_entities e` joined to `reports r`: the row holds its token at risk, not
 * on the victim's side (core/risk/token-summary.ts, isVictimSide; a test holds the two
 * to each other).
 */
export const AT_RISK_SQL =
  "NOT (e.role IN ('victim', 'payer_account') OR (r.type = 'victim_report' AND e.role IN ('device', 'ip')))";

/** Per (token, report type) of one member's new reports (core/risk/token-summary.ts). */
export function statDeltas(reports: readonly IngestReport[]): StatDelta[] {
  const deltas = new Map<string, StatDelta>();
  for (const r of reports) {
    const figures = reportFigures(r);
    for (const e of riskTokens(r.type, r.entities)) {
      const key = `${e.token}\u0000${r.type}`;
      const d = deltas.get(key);
      deltas.set(key, {
        token: e.token,
        kind: d?.kind ?? e.kind,
        keyId: d?.keyId ?? e.keyId,
        type: r.type,
        ...widen(d, figures),
      });
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
    readonly category: Category;
    readonly occurredAt: number;
  }[],
): TokenStats[] {
  const byType = new Map<ReportType, StatsFigures>();
  for (const row of rows) byType.set(row.type, widen(byType.get(row.type), reportFigures(row)));
  return [...byType.entries()].map(([type, s]) => ({ memberId, type, ...s }));
}

/** A report's entities as the reports table keeps them (JSON, in the order sent). */
export const entitiesJson = (entities: readonly IngestEntity[]): string =>
  JSON.stringify(
    entities.map((e) => ({ role: e.role, kind: e.kind, token: e.token, keyId: e.keyId })),
  );

/** A report's sealed detail as the reports table keeps it (JSON), or NULL. */
export const sealedJson = (sealed: SealedDetail | undefined): string | null =>
  sealed === undefined
    ? null
    : JSON.stringify({
        suite: sealed.suite,
        enc: sealed.enc,
        salt: sealed.salt,
        ciphertext: sealed.ciphertext,
        ...(sealed.files === undefined
          ? {}
          : { files: sealed.files.map((f) => ({ size: f.size, sha256: f.sha256 })) }),
      });

/**
 * A stored sealed detail read back; a value that is not JSON (a store altered by hand)
 * is passed on as text, so that the audit finds its digest wrong instead of failing.
 */
export function sealedOf(text: string | null | undefined): SealedDetail | undefined {
  if (text === null || text === undefined) return undefined;
  try {
    return JSON.parse(text) as SealedDetail;
  } catch {
    return { suite: 'unreadable', enc: text, salt: '', ciphertext: '' } as unknown as SealedDetail;
  }
}
