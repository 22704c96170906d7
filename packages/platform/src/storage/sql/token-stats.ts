import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import type { Dialect } from './steps.js';

/**
 * The statistics merge, written once for both dialects. A member's new reports of a token
 * widen its row (core/risk/token-summary.ts `widen`): counts add, the first and last
 * sighting stretch, the category bits join. Only the names of the two-argument minimum
 * and maximum differ between SQLite (`min`, `max`) and PostgreSQL (`least`, `greatest`).
 *
 * `rows` is the dialect's row source for the columns
 * (token, member_id, type, reports, first_seen, last_seen, categories):
 * a `VALUES (?, …)` list on SQLite, a `SELECT … FROM unnest(…)` on PostgreSQL.
 */
export function mergeTokenStatsSql(dialect: Dialect, rows: string): string {
  const [least, greatest] = dialect === 'sqlite' ? ['min', 'max'] : ['least', 'greatest'];
  return `INSERT INTO token_stats (token, member_id, type, reports, first_seen, last_seen, categories) ${rows}
  ON CONFLICT (token, member_id, type) DO UPDATE SET
    reports = token_stats.reports + excluded.reports,
    first_seen = ${least}(token_stats.first_seen, excluded.first_seen),
    last_seen = ${greatest}(token_stats.last_seen, excluded.last_seen),
    categories = token_stats.categories | excluded.categories`;
}

/** Inserts a recounted row (after a retraction), the same on both dialects but for placeholders. */
export const INSERT_TOKEN_STATS =
  'INSERT INTO token_stats (token, member_id, type, reports, first_seen, last_seen, categories) VALUES (?, ?, ?, ?, ?, ?, ?)';

/**
 * The change feed's rows (both dialects): each token's state with the log's size after
 * the write that moved it, when it was last given to a new holder (issue 12), and when
 * its latest appeal was upheld (issue 17).
 */
export const TOKEN_CHANGES_SELECT = `SELECT s.*, coalesce(l.log_size, 0) AS log_size,
  (SELECT max(at) FROM links WHERE from_token = s.token AND link = 'reassigned') AS reassigned_at,
  (SELECT max(ruled_at) FROM appeals WHERE token = s.token AND status = 'upheld') AS appeal_upheld_at
  FROM token_state s LEFT JOIN sequence_log l ON l.seq = s.seq`;

/** A row of TOKEN_CHANGES_SELECT; `flagged` is a boolean on PostgreSQL, 0 or 1 on SQLite. */
export interface TokenChangeRow<Flag extends boolean | number> {
  token: string;
  kind: IdentifierKind;
  key_id: string;
  seq: number;
  flagged: Flag;
  log_size: number;
  reassigned_at: number | null;
  appeal_upheld_at: number | null;
}
