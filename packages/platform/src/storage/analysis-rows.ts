import { createHash } from 'node:crypto';
import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import type { AnalysisWrite } from '../domain/types.js';

/**
 * Tokens an analysis run put in a ring when the run before had them in none: what
 * watchers hear of. A token that stays in a ring whose id changed (a smaller reported
 * token joined it) or that moved between rings raises nothing again.
 */
export function joinedRings(
  previous: ReadonlyMap<string, string>,
  run: AnalysisWrite,
): { token: string; kind: IdentifierKind; ringId: string }[] {
  return run.ringTokens.filter((t) => !previous.has(t.token));
}

/** A run's row of analysis_runs: id, created_at, created_by, body, summary, result_sha256, rank_filter. */
export function analysisRunRow(id: number, run: AnalysisWrite): unknown[] {
  const filter = run.rankFilter;
  return [
    id,
    run.createdAt,
    run.createdBy,
    run.body,
    run.summary,
    run.resultSha256,
    filter === null ? null : Buffer.from(filter.buffer, filter.byteOffset, filter.byteLength),
  ];
}

/** What the log binds of a run: the SHA-256 of its result, as GET /v1/analysis serves it. */
export function analysisRecord(body: string): { resultSha256: string } {
  return { resultSha256: createHash('sha256').update(body).digest('hex') };
}
