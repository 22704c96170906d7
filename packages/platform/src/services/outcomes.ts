import { createHmac, timingSafeEqual } from 'node:crypto';
import { decodeBase64url, encodeBase64url } from '@credence/core/encoding/base64url';
import type { FieldFault } from '@credence/core/errors';
import type { Verdict } from '@credence/core/risk/policy';
import type { QualityWeights } from '@credence/core/risk/quality';
import { AMOUNT_BANDS, type AmountBand } from '@credence/core/wire/amount-band';
import { checkEventTime } from '@credence/core/wire/date-time';
import {
  OUTCOMES_WITH_AMOUNT,
  type OutcomeItem,
  type OutcomeSummary,
  type Precision,
} from '@credence/core/wire/outcomes';
import { CATEGORIES, type Category } from '@credence/core/wire/vocabulary';
import { PlatformError } from '../domain/errors.js';
import type { NewOutcome, OutcomeRows, OutcomeStatus } from '../storage/sql/outcomes.js';
import type { Store } from '../storage/store.js';
import type { CheckAnswer, CheckService } from './check-service.js';
import type { PolicyService } from './policy-service.js';
import type { QualityService } from './quality.js';

const VERDICTS: readonly Verdict[] = ['clear', 'suspicious', 'fraud'];
const ID_VERSION = 1;
const MAC_BYTES = 16;

/**
 * Check ids (issue 17): every answer carries one, so that a member can later say what it
 * did with that answer. The platform keeps nothing per check — checks are its hottest
 * path — so the id carries what the outcome needs and a MAC over it and the member that
 * asked: `base64url(version ‖ checked at (ms, 6 bytes) ‖ verdict ‖ HMAC-SHA-256(key,
 * member ‖ token ‖ checked at ‖ verdict)[0..16))`, 24 bytes. Only the member that was
 * answered can use it, and only for that token: anyone else's outcome with it is refused
 * as an unknown check, whether the check was another member's or never made. The key is
 * derived from the platform's own key, so every API node makes and opens the same ids.
 */
export class CheckIds {
  constructor(private readonly key: Uint8Array) {}

  private mac(member: string, token: string, checkedAt: number, verdict: number): Buffer {
    return createHmac('sha256', this.key)
      .update(`${member}\u0000${token}\u0000${checkedAt}\u0000${verdict}`)
      .digest()
      .subarray(0, MAC_BYTES);
  }

  make(
    member: string,
    answer: Pick<CheckAnswer, 'token' | 'verdict'> & { basis: { checkedAt: number } },
  ): string {
    const verdict = VERDICTS.indexOf(answer.verdict);
    const at = answer.basis.checkedAt;
    const bytes = new Uint8Array(8 + MAC_BYTES);
    bytes[0] = ID_VERSION;
    for (let i = 0; i < 6; i++) bytes[6 - i] = Math.floor(at / 2 ** (8 * i)) % 256;
    bytes[7] = verdict;
    bytes.set(this.mac(member, answer.token, at, verdict), 8);
    return encodeBase64url(bytes);
  }

  /** The check's time and verdict, if `id` is one this member was given about this token. */
  open(
    member: string,
    token: string,
    id: string,
  ): { checkedAt: number; verdict: Verdict } | undefined {
    const bytes = decodeBase64url(id);
    if (bytes === undefined || bytes.length !== 8 + MAC_BYTES || bytes[0] !== ID_VERSION)
      return undefined;
    let at = 0;
    for (let i = 1; i <= 6; i++) at = at * 256 + (bytes[i] as number);
    const verdict = bytes[7] as number;
    if (verdict >= VERDICTS.length) return undefined;
    const expected = this.mac(member, token, at, verdict);
    if (!timingSafeEqual(expected, bytes.subarray(8))) return undefined;
    return { checkedAt: at, verdict: VERDICTS[verdict] as Verdict };
  }
}

const BAND_BOUNDS: Readonly<Record<AmountBand, readonly [number, number | null]>> = {
  lt1k: [0, 1_000],
  '1k-10k': [1_000, 10_000],
  '10k-100k': [10_000, 100_000],
  '100k-1m': [100_000, 1_000_000],
  '1m-10m': [1_000_000, 10_000_000],
  ge10m: [10_000_000, null],
};

const precisionOf = (warnings: number, falsePositives: number): Precision => ({
  warnings,
  falsePositives,
  precision:
    warnings === 0 ? null : Math.round(((warnings - falsePositives) / warnings) * 1e4) / 1e4,
});

const median = (values: readonly number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** The measures of SPEC §6 from the outcome rows: pure, so that a test holds them to hand counts. */
export function summarizeOutcomes(
  rows: OutcomeRows,
  quality: QualityWeights | null = null,
): OutcomeSummary {
  const byCategory = new Map<string, [number, number]>();
  const byType = new Map<string, [number, number]>();
  let warnings = 0;
  let falsePositives = 0;
  const add = <K>(map: Map<K, [number, number]>, key: K, n: number, fp: boolean) => {
    const c = map.get(key) ?? [0, 0];
    c[0] += n;
    if (fp) c[1] += n;
    map.set(key, c);
  };
  for (const w of rows.warned) {
    warnings += w.count;
    if (w.falsePositive) falsePositives += w.count;
    add(byType, w.memberType, w.count, w.falsePositive);
    const names = CATEGORIES.filter((_, i) => (w.categories & (1 << i)) !== 0);
    for (const c of names.length === 0 ? (['none'] as const) : names)
      add(byCategory, c, w.count, w.falsePositive);
  }
  const hours = rows.freezes
    .filter((f) => f.firstReportAt !== null && f.firstReportAt <= f.frozenAt)
    .map((f) => (f.frozenAt - (f.firstReportAt as number)) / 3_600_000);
  const amounts = new Map<
    string,
    { bands: Record<string, number>; lo: number; hi: number | null }
  >();
  for (const a of rows.amounts) {
    const entry = amounts.get(a.outcome) ?? { bands: {}, lo: 0, hi: 0 };
    entry.bands[a.amount] = (entry.bands[a.amount] ?? 0) + a.count;
    const bounds = BAND_BOUNDS[a.amount as AmountBand];
    if (bounds !== undefined) {
      entry.lo += bounds[0] * a.count;
      entry.hi = entry.hi === null || bounds[1] === null ? null : entry.hi + bounds[1] * a.count;
    }
    amounts.set(a.outcome, entry);
  }
  return {
    outcomes: Object.fromEntries(rows.byOutcome.map((o) => [o.outcome, o.count])),
    precision: {
      ...precisionOf(warnings, falsePositives),
      byCategory: [...byCategory]
        .map(([category, [n, fp]]) => ({ category, ...precisionOf(n, fp) }))
        .sort((a, b) => b.warnings - a.warnings || (a.category < b.category ? -1 : 1)),
      byMemberType: [...byType]
        .map(([memberType, [n, fp]]) => ({ memberType, ...precisionOf(n, fp) }))
        .sort((a, b) => b.warnings - a.warnings || (a.memberType < b.memberType ? -1 : 1)),
    },
    missed: rows.missed,
    timeToFreeze: {
      tokens: hours.length,
      medianHours: (() => {
        const m = median(hours);
        return m === null ? null : Math.round(m * 100) / 100;
      })(),
      frozenBeforeAnyReport: rows.freezes.length - hours.length,
    },
    amounts: [...amounts].map(([outcome, a]) => ({
      outcome,
      bands: a.bands,
      atLeastCny: a.lo,
      atMostCny: a.hi,
    })),
    quality,
  };
}

/**
 * Outcomes (SPEC §6, issue 17): a member says what it did with an answer (by the check id
 * the answer carried) or with an alert (by a token it watches). Each is checked, kept and
 * logged; a request with any outcome at fault changes nothing and names the field.
 */
export class OutcomeService {
  constructor(
    private readonly store: Store,
    private readonly checks: CheckService,
    private readonly ids: CheckIds,
    private readonly policies: PolicyService,
    private readonly quality: QualityService,
    private readonly now: () => number = Date.now,
  ) {}

  async record(memberId: string, items: readonly OutcomeItem[]): Promise<OutcomeStatus[]> {
    const now = this.now();
    const faults: FieldFault[] = [];
    const unknownChecks: FieldFault[] = [];
    const opened = items.map((item, i) => {
      const field = (name: string) => `outcomes[${i}].${name}`;
      const needsAmount = OUTCOMES_WITH_AMOUNT.includes(item.outcome);
      if (needsAmount && item.amount === undefined)
        faults.push({ field: field('amount'), message: `is required for ${item.outcome}` });
      if (!needsAmount && item.amount !== undefined)
        faults.push({
          field: field('amount'),
          message: `is only for ${OUTCOMES_WITH_AMOUNT.join(' and ')}`,
        });
      if (item.amount !== undefined && !AMOUNT_BANDS.includes(item.amount))
        faults.push({
          field: field('amount'),
          message: `must be one of ${AMOUNT_BANDS.join(', ')}`,
        });
      let at = now;
      if (item.at !== undefined) {
        const time = checkEventTime(item.at, now);
        if (!time.ok) faults.push({ field: field('at'), message: time.message });
        else at = time.ms;
      }
      if (item.checkId === undefined) return { at, check: undefined };
      const check = this.ids.open(memberId, item.token, item.checkId);
      if (check === undefined)
        unknownChecks.push({
          field: field('checkId'),
          message: 'is not the id of a check of yours about this token',
        });
      else if (at < check.checkedAt)
        faults.push({ field: field('at'), message: 'must not be before the check it follows' });
      return { at, check };
    });
    if (faults.length > 0)
      throw new PlatformError('request.invalid', 'Some outcomes are not valid.', {
        errors: faults,
      });
    if (unknownChecks.length > 0)
      throw new PlatformError('outcome.check_unknown', 'Some check ids are not yours.', {
        errors: unknownChecks,
      });
    const alerts = items.filter((item) => item.checkId === undefined).map((item) => item.token);
    const watched = await this.store.outcomesWatched(memberId, [...new Set(alerts)]);
    const unwatched = items.flatMap((item, i) =>
      item.checkId === undefined && !watched.has(item.token)
        ? [
            {
              field: `outcomes[${i}].token`,
              message: 'is not on your watchlist: send the checkId of the answer you acted on',
            },
          ]
        : [],
    );
    if (unwatched.length > 0)
      throw new PlatformError(
        'outcome.token_unwatched',
        'An outcome without a check id must be about a token you watch.',
        { errors: unwatched },
      );
    // The token's categories now (its reports', or its ring's), for precision by category.
    const answers = await this.checks.check([...new Set(items.map((item) => item.token))]);
    const categories = new Map(
      answers.map((a) => [
        a.token,
        a.categories.reduce((mask, c) => mask | (1 << CATEGORIES.indexOf(c as Category)), 0),
      ]),
    );
    const kept: NewOutcome[] = items.map((item, i) => {
      const { at, check } = opened[i] as (typeof opened)[number];
      return {
        token: item.token,
        outcome: item.outcome,
        basis: check === undefined ? 'watch' : 'check',
        verdict: check?.verdict ?? null,
        checkedAt: check?.checkedAt ?? null,
        amount: item.amount ?? null,
        categories: categories.get(item.token) ?? 0,
        at,
      };
    });
    const { version, policy } = this.policies.get();
    const statuses = await this.store.recordOutcomes(memberId, kept, now, {
      version,
      rule: policy.quality,
    });
    // Checks here follow a new version of the weights at once.
    await this.quality.refresh();
    return statuses;
  }

  async summary(): Promise<OutcomeSummary> {
    return summarizeOutcomes(await this.store.outcomeRows(), this.quality.current() ?? null);
  }
}
