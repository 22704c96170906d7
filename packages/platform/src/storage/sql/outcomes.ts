import { randomBytes } from 'node:crypto';
import { encodeBase64url } from '@credence/core/encoding/base64url';
import {
  type QualityRule,
  type QualityWeights,
  weightsDiffer,
  weightsOf,
} from '@credence/core/risk/quality';
import type { AmountBand } from '@credence/core/wire/amount-band';
import type { Outcome } from '@credence/core/wire/outcomes';
import { AT_RISK_SQL } from '../aggregate.js';
import { eventEntry, tableEventEntry } from '../log-append.js';
import { all, append, dialect, get, inList, run, type Step } from './steps.js';

/**
 * Outcomes (issue 17, docs/outcomes.md), written once for both stores: what members did
 * with answers and alerts, each logged (an `outcome` entry, its record salted so that the
 * log alone confirms no guessed token), and the rows the platform's measures are read from.
 */

/** An outcome the service checked, as it is kept. */
export interface NewOutcome {
  readonly token: string;
  readonly outcome: Outcome;
  /** `check`: the member acted on an answer it holds the check id of; `watch`: on an alert. */
  readonly basis: 'check' | 'watch';
  /** The answer's verdict and time (basis `check`). */
  readonly verdict: 'clear' | 'suspicious' | 'fraud' | null;
  readonly checkedAt: number | null;
  readonly amount: AmountBand | null;
  /** The token's categories when the outcome arrived (bit i: CATEGORIES[i]). */
  readonly categories: number;
  /** When it was done, epoch ms. */
  readonly at: number;
}

export type OutcomeStatus =
  | { status: 'recorded'; id: number }
  | { status: 'duplicate'; id: number };

/** Tokens among these that the member watches. */
export function* watchedOf(memberId: string, tokens: readonly string[]): Step<Set<string>> {
  if (tokens.length === 0) return new Set();
  const list = yield* inList('token', tokens, 'text');
  const rows = yield* all<{ token: string }>(
    `SELECT token FROM watchlist WHERE member_id = ? AND ${list.text}`,
    memberId,
    ...list.params,
  );
  return new Set(rows.map((r) => r.token));
}

/**
 * Keeps the member's outcomes and logs each new one; one the member reported before
 * as its latest about the same token (the same outcome) is a duplicate and changes
 * nothing; another outcome, or one the member said before and then changed its mind
 * from, is recorded (its latest word is what counts). Ids are max + 1 (on
 * PostgreSQL writers take turns on the table's lock, as disclosures do).
 */
export function* recordOutcomes(
  memberId: string,
  outcomes: readonly NewOutcome[],
  now: number,
  /** The policy in force, whose rule weighs the contributors. */
  policy: { readonly version: number; readonly rule: QualityRule },
): Step<OutcomeStatus[]> {
  if ((yield* dialect()) === 'postgres') yield* run('LOCK TABLE outcomes IN EXCLUSIVE MODE');
  let next =
    Number((yield* get<{ v: number | null }>('SELECT max(id) AS v FROM outcomes'))?.v ?? 0) + 1;
  const statuses: OutcomeStatus[] = [];
  const entries = [];
  for (const o of outcomes) {
    const latest = yield* get<{ id: number | string; outcome: string }>(
      'SELECT id, outcome FROM outcomes WHERE member_id = ? AND token = ? ORDER BY id DESC LIMIT 1',
      memberId,
      o.token,
    );
    if (latest !== undefined && latest.outcome === o.outcome) {
      statuses.push({ status: 'duplicate', id: Number(latest.id) });
      continue;
    }
    const id = next++;
    yield* run(
      `INSERT INTO outcomes (id, member_id, token, outcome, basis, verdict, checked_at, amount, categories, at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      memberId,
      o.token,
      o.outcome,
      o.basis,
      o.verdict,
      o.checkedAt,
      o.amount,
      o.categories,
      o.at,
      now,
    );
    entries.push(
      eventEntry('outcome', memberId, `outcome/${id}`, now, {
        event: 'outcome',
        id,
        salt: encodeBase64url(randomBytes(16)),
        token: o.token,
        outcome: o.outcome,
        basis: o.basis,
        verdict: o.verdict,
        checkedAt: o.checkedAt,
        amount: o.amount,
        at: o.at,
      }),
    );
    statuses.push({ status: 'recorded', id });
  }
  yield* append(entries);
  if (entries.length > 0) yield* reweigh(now, policy);
  return statuses;
}

/** Whose name a version of the quality weights is logged in: the platform's computation, no member's. */
export const QUALITY_WRITER = 'platform';

/**
 * The contributors' judgements as the store holds them now (core/risk/quality.ts): for
 * each member's latest outcome about a token (the highest id: log order), every other
 * member with a standing report naming the token, once.
 */
function* judgements(): Step<Map<string, { outcomes: number; falsePositives: number }>> {
  const rows = yield* all<{ member_id: string; n: number | string; f: number | string }>(
    `SELECT c.member_id, COUNT(*) AS n, SUM(CASE WHEN l.outcome = 'false_positive' THEN 1 ELSE 0 END) AS f
     FROM (
       SELECT o.member_id, o.token, o.outcome FROM (
         SELECT o.*, ROW_NUMBER() OVER (PARTITION BY o.member_id, o.token ORDER BY o.id DESC) AS rn
         FROM outcomes o
       ) o WHERE o.rn = 1
     ) l
     JOIN (
       SELECT DISTINCT e.token, e.member_id FROM report_entities e
       JOIN reports r ON r.member_id = e.member_id AND r.id = e.report_id
       WHERE r.retracted_at IS NULL AND ${AT_RISK_SQL}
     ) c ON c.token = l.token AND c.member_id <> l.member_id
     GROUP BY c.member_id`,
  );
  return new Map(
    rows.map((r) => [r.member_id, { outcomes: Number(r.n), falsePositives: Number(r.f) }]),
  );
}

/** The latest version of the quality weights, if any was kept. */
export function* latestQuality(known?: number): Step<QualityWeights | undefined> {
  const row = yield* get<{ version: number | string; body: string }>(
    'SELECT version, body FROM quality_weights ORDER BY version DESC LIMIT 1',
  );
  if (row === undefined || Number(row.version) === known) return undefined;
  return JSON.parse(row.body) as QualityWeights;
}

/**
 * After outcomes, or a new policy: the weights again, and a new version (kept and logged, in the outcomes'
 * transaction) when any member's weight changed. Versions are max + 1: the outcomes' table
 * lock already makes their writers take turns.
 */
export function* reweigh(
  now: number,
  policy: { readonly version: number; readonly rule: QualityRule },
): Step<void> {
  // Outcomes' writers and a policy change take turns on the outcomes' lock (PostgreSQL):
  // each computes the next version from the one before.
  if ((yield* dialect()) === 'postgres') yield* run('LOCK TABLE outcomes IN EXCLUSIVE MODE');
  const latest = yield* latestQuality();
  const members = weightsOf(policy.rule, yield* judgements());
  if (!weightsDiffer(latest?.members, members)) return;
  const weights: QualityWeights = {
    version: (latest?.version ?? 0) + 1,
    policyVersion: policy.version,
    rule: { floor: policy.rule.floor, prior: policy.rule.prior },
    members,
  };
  yield* run(
    'INSERT INTO quality_weights (version, body, created_at) VALUES (?, ?, ?)',
    weights.version,
    JSON.stringify(weights),
    now,
  );
  // The row is the record the entry's digest is of (the audit reads it there). In the
  // platform's name, not the member's whose outcome moved it: a member's own records
  // (GET /v1/me/records) must not show it every member's weight.
  yield* append([
    tableEventEntry('quality_weights', QUALITY_WRITER, `quality/${weights.version}`, now, weights),
  ]);
}

/** What the platform's measures of outcomes are computed from (services/outcomes.ts). */
export interface OutcomeRows {
  /** Outcomes by kind. */
  readonly byOutcome: readonly { outcome: string; count: number }[];
  /**
   * Warnings acted on: for each member and token warned about (an answer `suspicious` or
   * `fraud`, or an alert about a watched token), the member's latest outcome, grouped by
   * the token's categories, the member's type and whether it was a false positive.
   */
  readonly warned: readonly {
    categories: number;
    memberType: string;
    falsePositive: boolean;
    count: number;
  }[];
  /** Members and tokens answered `clear` whose latest outcome says it was fraud after all. */
  readonly missed: number;
  /** Per token frozen: its first freeze and the first report of it the platform received. */
  readonly freezes: readonly { frozenAt: number; firstReportAt: number | null }[];
  /** Amounts held and recovered, by band. */
  readonly amounts: readonly { outcome: string; amount: string; count: number }[];
}

/** The latest outcome of each member about each token, among outcomes matching `where`. */
const latest = (where: string) => `
  SELECT o.member_id, o.token, o.outcome, o.categories FROM (
    SELECT o.*, ROW_NUMBER() OVER (PARTITION BY o.member_id, o.token ORDER BY o.id DESC) AS rn
    FROM outcomes o WHERE ${where}
  ) o WHERE o.rn = 1`;

export function* outcomeRows(): Step<OutcomeRows> {
  const byOutcome = yield* all<{ outcome: string; n: number | string }>(
    'SELECT outcome, COUNT(*) AS n FROM outcomes GROUP BY outcome ORDER BY outcome',
  );
  const warned = yield* all<{
    categories: number | string;
    type: string;
    fp: number | string;
    n: number | string;
  }>(
    `SELECT l.categories, m.type, CASE WHEN l.outcome = 'false_positive' THEN 1 ELSE 0 END AS fp, COUNT(*) AS n
     FROM (${latest("o.basis = 'watch' OR o.verdict IN ('suspicious', 'fraud')")}) l
     JOIN members m ON m.id = l.member_id
     GROUP BY l.categories, m.type, CASE WHEN l.outcome = 'false_positive' THEN 1 ELSE 0 END`,
  );
  const missed = yield* get<{ n: number | string }>(
    `SELECT COUNT(*) AS n FROM (${latest("o.basis = 'check' AND o.verdict = 'clear'")}) l
     WHERE l.outcome <> 'false_positive'`,
  );
  const freezes = yield* all<{
    frozen_at: number | string;
    first_report_at: number | string | null;
  }>(
    `SELECT f.frozen_at, (
       SELECT MIN(r.created_at) FROM report_entities e
       JOIN reports r ON r.member_id = e.member_id AND r.id = e.report_id
       WHERE e.token = f.token AND r.retracted_at IS NULL AND ${AT_RISK_SQL}
     ) AS first_report_at
     FROM (SELECT token, MIN(at) AS frozen_at FROM outcomes WHERE outcome = 'account_frozen' GROUP BY token) f`,
  );
  const amounts = yield* all<{ outcome: string; amount: string; n: number | string }>(
    `SELECT outcome, amount, COUNT(*) AS n FROM outcomes WHERE amount IS NOT NULL
     GROUP BY outcome, amount ORDER BY outcome, amount`,
  );
  return {
    byOutcome: byOutcome.map((r) => ({ outcome: r.outcome, count: Number(r.n) })),
    warned: warned.map((r) => ({
      categories: Number(r.categories),
      memberType: r.type,
      falsePositive: Number(r.fp) === 1,
      count: Number(r.n),
    })),
    missed: Number(missed?.n ?? 0),
    freezes: freezes.map((r) => ({
      frozenAt: Number(r.frozen_at),
      firstReportAt: r.first_report_at === null ? null : Number(r.first_report_at),
    })),
    amounts: amounts.map((r) => ({ outcome: r.outcome, amount: r.amount, count: Number(r.n) })),
  };
}
