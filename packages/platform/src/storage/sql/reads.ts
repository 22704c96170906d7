import type {
  AnalysisHead,
  EvidenceLinkRow,
  EvidenceReportRow,
  StoredAnalysis,
  StoredRank,
  StoredReport,
} from '../../domain/types.js';
import { analysisRecord } from '../analysis-rows.js';
import {
  type LinkEvidenceRow,
  linkEvidenceOf,
  REPORT_EVIDENCE_COLUMNS,
  REPORT_EVIDENCE_FROM,
  type ReportEvidenceSqlRow,
  type ReportRow,
  reportEvidenceOf,
  reportOf,
} from '../rows.js';
import { all, dialect, get, inList, type Step } from './steps.js';

/**
 * Reads of contributions, evidence for analysis and analysis runs: written once for
 * both stores.
 */

export function* getReport(memberId: string, reportId: string): Step<StoredReport | undefined> {
  const row = yield* get<ReportRow>(
    'SELECT * FROM reports WHERE id = ? AND member_id = ?',
    reportId,
    memberId,
  );
  return row === undefined ? undefined : reportOf(row);
}

export function* listReports(
  memberId: string,
  afterId: string | undefined,
  limit: number,
): Step<StoredReport[]> {
  const rows = yield* all<ReportRow>(
    'SELECT * FROM reports WHERE member_id = ? AND id > ? ORDER BY id LIMIT ?',
    memberId,
    afterId ?? '',
    limit,
  );
  return rows.map(reportOf);
}

/** The member's reports by ref: their ids, and whether they carry a fingerprint. */
export function* reportsByRef(
  memberId: string,
  refs: readonly string[],
): Step<Map<string, { id: string; fingerprint: boolean }>> {
  type Row = { ref: string; id: string; fingerprint: string | null };
  const found = new Map<string, { id: string; fingerprint: boolean }>();
  if ((yield* dialect()) === 'postgres') {
    const rows = yield* all<Row>(
      'SELECT ref, id, fingerprint FROM reports WHERE member_id = ? AND ref = ANY(?::text[])',
      memberId,
      [...refs],
    );
    for (const r of rows) found.set(r.ref, { id: r.id, fingerprint: r.fingerprint !== null });
    return found;
  }
  // SQLite: a lookup per ref, each an index probe on the one connection.
  for (const ref of refs) {
    const r = yield* get<Row>(
      'SELECT ref, id, fingerprint FROM reports WHERE member_id = ? AND ref = ?',
      memberId,
      ref,
    );
    if (r !== undefined) found.set(ref, { id: r.id, fingerprint: r.fingerprint !== null });
  }
  return found;
}

/** Reports that stand (not retracted), in (member, id) order after the key given. */
export function* reportEvidence(
  after: { memberId: string; id: string } | undefined,
  limit: number,
): Step<EvidenceReportRow[]> {
  const a = after ?? { memberId: '', id: '' };
  const rows = yield* all<ReportEvidenceSqlRow>(
    `SELECT ${REPORT_EVIDENCE_COLUMNS} FROM ${REPORT_EVIDENCE_FROM} WHERE (r.member_id, r.id) > (?, ?) AND r.retracted_at IS NULL ORDER BY r.member_id, r.id LIMIT ?`,
    a.memberId,
    a.id,
    limit,
  );
  return rows.map(reportEvidenceOf);
}

const LINK_EVIDENCE =
  'SELECT from_token, id, member_id, link, from_kind, to_token, to_kind, key_id, at, count FROM links';

/** Links, in (from token, id) order after the key given; `reassigned` ones only if asked. */
export function* linkEvidence(
  after: { fromToken: string; id: string } | undefined,
  limit: number,
  only?: 'reassigned',
): Step<EvidenceLinkRow[]> {
  const a = after ?? { fromToken: '', id: '' };
  const which = only === undefined ? '' : "link = 'reassigned' AND ";
  const rows = yield* all<LinkEvidenceRow>(
    `${LINK_EVIDENCE} WHERE ${which}(from_token, id) > (?, ?) ORDER BY from_token, id LIMIT ?`,
    a.fromToken,
    a.id,
    limit,
  );
  return rows.map(linkEvidenceOf);
}

type AnalysisRow = { id: number; created_at: number; body: string };

export function* getAnalysis(id: number): Step<StoredAnalysis | undefined> {
  const row = yield* get<AnalysisRow>(
    'SELECT id, created_at, body FROM analysis_runs WHERE id = ?',
    id,
  );
  return row === undefined ? undefined : { id: row.id, createdAt: row.created_at, body: row.body };
}

/** The latest analysis run, unless it is the one of id `known`. */
export function* latestAnalysis(known?: number): Step<StoredAnalysis | undefined> {
  const latest = (yield* get<{ id: number | null }>('SELECT max(id) AS id FROM analysis_runs'))?.id;
  if (latest === null || latest === undefined || latest === known) return undefined;
  return yield* getAnalysis(latest);
}

/** What an API node loads of the latest run, unless it is the one of id `known`. */
export function* latestAnalysisHead(known?: number): Step<AnalysisHead | undefined> {
  const latest = (yield* get<{ id: number | null }>('SELECT max(id) AS id FROM analysis_runs'))?.id;
  if (latest === null || latest === undefined || latest === known) return undefined;
  const row = yield* get<{
    id: number;
    created_at: number;
    summary: string | null;
    result_sha256: string | null;
    rank_filter: Uint8Array | null;
    ranks_kept: number | boolean;
  }>(
    `SELECT id, created_at, summary, result_sha256, rank_filter,
       EXISTS (SELECT 1 FROM analysis_ranks_kept k WHERE k.run_id = a.id) AS ranks_kept
     FROM analysis_runs a WHERE id = ?`,
    latest,
  );
  if (row === undefined) return undefined;
  if (row.summary !== null && row.result_sha256 !== null)
    return {
      id: Number(row.id),
      createdAt: Number(row.created_at),
      resultSha256: row.result_sha256,
      summary: row.summary,
      ranked: true,
      ranksKept: row.ranks_kept === true || row.ranks_kept === 1,
      rankFilter:
        row.rank_filter === null
          ? null
          : new Uint8Array(
              row.rank_filter.buffer,
              row.rank_filter.byteOffset,
              row.rank_filter.byteLength,
            ),
    };
  // Kept before ranks had rows: the whole document, as nodes loaded it then.
  const whole = yield* getAnalysis(latest);
  if (whole === undefined) return undefined;
  return {
    id: Number(whole.id),
    createdAt: Number(whole.createdAt),
    resultSha256: analysisRecord(whole.body).resultSha256,
    summary: whole.body,
    ranked: false,
    ranksKept: false,
    rankFilter: null,
  };
}

/** The ranks of these tokens in run `run`, in their order; undefined where it ranked none. */
export function* analysisRanks(
  run: number,
  tokens: readonly string[],
): Step<(StoredRank | undefined)[]> {
  const found = new Map<string, StoredRank>();
  for (let at = 0; at < tokens.length; at += 500) {
    const list = yield* inList('token', tokens.slice(at, at + 500), 'text');
    const rows = yield* all<StoredRank>(
      `SELECT token, score, percentile, near, via FROM analysis_ranks WHERE run_id = ? AND ${list.text}`,
      run,
      ...list.params,
    );
    for (const r of rows)
      found.set(r.token, {
        token: r.token,
        score: Number(r.score),
        percentile: Number(r.percentile),
        near: Number(r.near),
        via: r.via,
      });
  }
  return tokens.map((t) => found.get(t));
}
