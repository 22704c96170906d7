import { createHash } from 'node:crypto';
import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import type { AnalysisWrite } from '../domain/types.js';

/** Tokens an analysis run put in a ring they were not in before: what watchers hear of. */
export function joinedRings(
  previous: ReadonlyMap<string, string>,
  run: AnalysisWrite,
): { token: string; kind: IdentifierKind; ringId: string }[] {
  return run.ringTokens.filter((t) => previous.get(t.token) !== t.ringId);
}

/** What the log binds of a run: the SHA-256 of its result, as GET /v1/analysis serves it. */
export function analysisRecord(body: string): { resultSha256: string } {
  return { resultSha256: createHash('sha256').update(body).digest('hex') };
}
