import { createHash } from 'node:crypto';
import { currentHolder } from '@credence/core/holders/current-holder';
import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import type { AuditRecord } from '@credence/core/log/audit-records';
import { type LogEntry, recordDigest } from '@credence/core/log/entries';
import { ringStands, sinceAppeal } from '@credence/core/risk/appeals';
import {
  assess,
  DEFAULT_POLICY,
  type Policy,
  parsePolicy,
  raiseForRing,
} from '@credence/core/risk/policy';
import { memberWeight, type QualityWeights } from '@credence/core/risk/quality';
import {
  reportFigures,
  reportTokens,
  riskTokens,
  type StatsFigures,
  type TokenStats,
  widen,
} from '@credence/core/risk/token-summary';
import type { Category, ReportType } from '@credence/core/wire/vocabulary';
import { type PlatformEndpoint, platformRequest } from './platform-client.js';

/**
 * Check answers held to the log (issue 11): a member that doubts an answer hands it to an
 * auditor, who recomputes it from the log alone. Every answer names its basis — the log
 * size its token's summary rests on, the analysis run its ring came from, the policy
 * version and the time — and the platform's check digests bind it, so the platform can
 * neither deny an answer nor have computed it from anything but what it names. Here each
 * answer's summary is rebuilt from the logged reports and retractions below that size,
 * its score recomputed under the logged policy at that time, and its ring looked up in
 * the kept run (whose digest is logged); what differs is named.
 */

/** An answer as `POST /v1/check`, `GET /v1/check/{token}` or `credence member check --json` give it. */
export interface CheckAnswerJson {
  readonly token: string;
  readonly kind?: string;
  readonly verdict: string;
  readonly score: number;
  readonly reporters: number;
  readonly reports: Readonly<Record<string, number>>;
  readonly categories: readonly string[];
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  readonly ring: { readonly id: string; readonly risk: number } | null;
  /** The ranked risk (issue 12); absent from answers made before it. */
  readonly rank?: { readonly score: number; readonly percentile: number } | null;
  readonly policyVersion: number;
  readonly basis: {
    readonly logSize: number;
    readonly analysis: number | null;
    readonly checkedAt: string;
    /** The quality weights' version (issue 17); absent from answers made before them. */
    readonly quality?: number | null;
  };
}

export interface AnswerFinding {
  readonly kind: 'wrong_answer';
  readonly message: string;
}

/**
 * How far an API process may lag behind the log: a write, a policy or an analysis run
 * logged longer than this before a check must be in its basis. (Processes follow the
 * change sequence every second, the policy and the latest run within seconds.)
 */
export const MAX_LAG_MS = 60_000;
/** How far ahead of the time of a check the entries of its basis may be (clocks differ). */
const MAX_SKEW_MS = 5 * 60_000;

interface Mention {
  readonly index: number;
  /** The time of the report's entry. */
  readonly time: number;
  readonly member: string;
  readonly report: string;
  readonly type: string;
  readonly category: string;
  readonly occurredAt: number;
}

/** Collects, while the audit reads the log, what the answers' tokens need. */
export class AnswerLedger {
  private readonly tokens: Set<string>;
  /** Reports naming an answered token, in log order. */
  private readonly mentions = new Map<string, Mention[]>();
  /** When each report naming an answered token was retracted (its entry's index and time). */
  private readonly retracted = new Map<string, { index: number; time: number }>();
  /** The kind of each answered token's first mention: its half-life is the kind's. */
  private readonly kinds = new Map<string, string>();
  /** When each answered token was given to a new holder (issue 12), with its entry's index and time. */
  private readonly reassigned = new Map<
    string,
    { index: number; time: number; at: number; moves: boolean }[]
  >();
  /** When each answered token's appeals were upheld (issue 17), with their entries' index and time. */
  private readonly upheld = new Map<string, { index: number; time: number; at: number }[]>();
  /** Policies by version, and runs by id, with the time their entries were logged. */
  private readonly policies = new Map<number, { body: unknown; time: number }>();
  private readonly analyses = new Map<number, { digest: string; time: number }>();
  /** Versions of the contributors' quality weights, with the time they were logged. */
  private readonly qualities = new Map<number, { weights: QualityWeights; time: number }>();

  constructor(private readonly answers: readonly CheckAnswerJson[]) {
    this.tokens = new Set(answers.map((a) => a.token));
  }

  /** Takes a verified entry and the record its digest matched. */
  take(index: number, entry: LogEntry, record: AuditRecord): void {
    if (record.type === 'report') {
      const r = record.report;
      const named = reportTokens(r.entities).filter((e) => this.tokens.has(e.token));
      if (named.length === 0) return;
      // A victim's own identifiers take no risk: they are no mention of the token.
      const atRisk = new Set(riskTokens(r.type as ReportType, r.entities).map((e) => e.token));
      if (entry.kind === 'retraction') {
        this.retracted.set(`${entry.member}/${r.id}`, { index, time: Date.parse(entry.time) });
        return;
      }
      for (const e of named) {
        if (!this.kinds.has(e.token)) this.kinds.set(e.token, e.kind);
        if (!atRisk.has(e.token)) continue;
        const list = this.mentions.get(e.token) ?? [];
        list.push({
          index,
          time: Date.parse(entry.time),
          member: entry.member,
          report: r.id,
          type: r.type,
          category: r.category,
          occurredAt: r.occurredAt,
        });
        this.mentions.set(e.token, list);
      }
    } else if (record.type === 'links') {
      for (const l of record.links)
        if (l.link === 'reassigned' && this.tokens.has(l.from.token)) {
          const list = this.reassigned.get(l.from.token) ?? [];
          // It changes what checks answer (and moves the platform's sequence) only for a
          // token some report named before it.
          const moves = this.mentions.has(l.from.token);
          list.push({ index, time: Date.parse(entry.time), at: l.at, moves });
          this.reassigned.set(l.from.token, list);
        }
    } else if (record.type === 'event' && entry.kind === 'appeal_ruling') {
      const r = (record.record ?? {}) as { token?: unknown; ruling?: unknown; at?: unknown };
      if (r.ruling !== 'upheld' || typeof r.token !== 'string' || !this.tokens.has(r.token)) return;
      const list = this.upheld.get(r.token) ?? [];
      list.push({ index, time: Date.parse(entry.time), at: Number(r.at) });
      this.upheld.set(r.token, list);
    } else if (record.type === 'event' && entry.kind === 'policy_change') {
      const version = Number(/^policy\/(\d+)$/.exec(entry.subject)?.[1]);
      this.policies.set(version, { body: record.record, time: Date.parse(entry.time) });
    } else if (record.type === 'event' && entry.kind === 'quality_weights') {
      const version = Number(/^quality\/(\d+)$/.exec(entry.subject)?.[1]);
      this.qualities.set(version, {
        weights: record.record as QualityWeights,
        time: Date.parse(entry.time),
      });
    } else if (entry.kind === 'analysis')
      this.analyses.set(analysisId(entry), { digest: entry.digest, time: Date.parse(entry.time) });
  }

  /** When the token was last given to a new holder, as the log says at this size. */
  private reassignedAt(token: string, size: number): number | undefined {
    return latestAt(this.reassigned.get(token), size);
  }

  /** When the token's latest appeal was upheld, as the log says at this size. */
  private upheldAt(token: string, size: number): number | undefined {
    return latestAt(this.upheld.get(token), size);
  }

  /** The token's summary rows as the log says they stood at this size. */
  private statsAt(token: string, size: number): TokenStats[] {
    const rows = new Map<string, { member: string; type: string; figures: StatsFigures }>();
    for (const m of this.mentions.get(token) ?? []) {
      if (m.index >= size) break;
      const retraction = this.retracted.get(`${m.member}/${m.report}`);
      if (retraction !== undefined && retraction.index < size) continue;
      const key = `${m.member}\u0000${m.type}`;
      const figures = reportFigures({ category: m.category as Category, occurredAt: m.occurredAt });
      rows.set(key, {
        member: m.member,
        type: m.type,
        figures: widen(rows.get(key)?.figures, figures),
      });
    }
    return [...rows.values()].map((r) => ({
      memberId: r.member,
      type: r.type as ReportType,
      ...r.figures,
    }));
  }

  private policy(version: number): Policy | undefined {
    if (version === 0) return DEFAULT_POLICY;
    const body = this.policies.get(version)?.body;
    if (body === undefined) return undefined;
    try {
      return parsePolicy(body);
    } catch {
      return undefined;
    }
  }

  /**
   * Why the basis of an answer is not one the platform could have had at that time, if
   * it is not: it holds a write logged after the check, or leaves out one logged well
   * before it (a report or retraction of the token), or names a policy or run that was
   * not yet logged, or one superseded well before the check.
   */
  private stale(a: CheckAnswerJson, at: number): string | undefined {
    const size = a.basis.logSize;
    const writes = [
      ...(this.mentions.get(a.token) ?? []),
      ...(this.reassigned.get(a.token) ?? []).filter((r) => r.moves),
      ...(this.upheld.get(a.token) ?? []),
      ...(this.mentions.get(a.token) ?? []).flatMap((m) => {
        const r = this.retracted.get(`${m.member}/${m.report}`);
        return r === undefined ? [] : [r];
      }),
    ];
    if (writes.some((w) => w.index < size && w.time > at + MAX_SKEW_MS))
      return `its basis holds a write logged after the check`;
    if (writes.some((w) => w.index >= size && w.time <= at - MAX_LAG_MS))
      return `its basis leaves out a write about the token logged before the check`;
    const latest = (logged: ReadonlyMap<number, { time: number }>) =>
      Math.max(0, ...[...logged].filter(([, v]) => v.time <= at - MAX_LAG_MS).map(([k]) => k));
    const policy = this.policies.get(a.policyVersion);
    if (a.policyVersion !== 0 && (policy === undefined || policy.time > at + MAX_SKEW_MS))
      return `policy version ${a.policyVersion} was not logged by then`;
    if (a.policyVersion < latest(this.policies))
      return `policy version ${latest(this.policies)} was logged before the check`;
    const run = a.basis.analysis === null ? undefined : this.analyses.get(a.basis.analysis);
    if (a.basis.analysis !== null && (run === undefined || run.time > at + MAX_SKEW_MS))
      return `analysis run ${a.basis.analysis} was not logged by then`;
    if ((a.basis.analysis ?? 0) < latest(this.analyses))
      return `analysis run ${latest(this.analyses)} was logged before the check`;
    const version = a.basis.quality ?? null;
    const weights = version === null ? undefined : this.qualities.get(version);
    if (version !== null && (weights === undefined || weights.time > at + MAX_SKEW_MS))
      return `quality weights version ${version} was not logged by then`;
    if ((version ?? 0) < latest(this.qualities))
      return `quality weights version ${latest(this.qualities)} was logged before the check`;
    return undefined;
  }

  /** Recomputes every answer; names each that the log does not bear out. */
  async verify(
    platform: PlatformEndpoint,
    logSize: number,
    find: (f: AnswerFinding) => void,
  ): Promise<number> {
    const runs = new Map<number, RunTokens>();
    let verified = 0;
    for (const a of this.answers) {
      const wrong = (why: string) =>
        find({
          kind: 'wrong_answer',
          message: `the answer about ${a.token} at ${a.basis.checkedAt} (${a.verdict}, ${a.score}): ${why}`,
        });
      if (!Number.isSafeInteger(a.basis?.logSize) || a.basis.logSize > logSize) {
        wrong(`its basis, log size ${a.basis?.logSize}, is not part of the log`);
        continue;
      }
      const policy = this.policy(a.policyVersion);
      if (policy === undefined) {
        wrong(`policy version ${a.policyVersion} is not in the log`);
        continue;
      }
      const at = Date.parse(String(a.basis.checkedAt));
      if (!Number.isFinite(at)) {
        wrong('its time is not a time');
        continue;
      }
      const stale = this.stale(a, at);
      if (stale !== undefined) {
        wrong(stale);
        continue;
      }
      // As the platform leaves out what an upheld appeal was ruled on, and what concerns an
      // earlier holder (services/check-service.ts).
      const upheldAt = this.upheldAt(a.token, a.basis.logSize);
      const { stats } = currentHolder(
        sinceAppeal(this.statsAt(a.token, a.basis.logSize), upheldAt).stats,
        this.reassignedAt(a.token, a.basis.logSize),
      );
      // The kind, and so the half-life, is the token's as logged, not the answer's word.
      const kind = (this.kinds.get(a.token) ?? 'phone') as IdentifierKind;
      const weights =
        a.basis.quality === undefined || a.basis.quality === null
          ? undefined
          : this.qualities.get(a.basis.quality)?.weights;
      let want = assess(policy, kind, stats, at, (member) => memberWeight(weights, member));
      let ring: { id: string; risk: number; score?: number } | undefined;
      let rank: { score: number; percentile: number } | undefined;
      if (a.basis.analysis !== null) {
        let run = runs.get(a.basis.analysis);
        if (run === undefined) {
          run = await this.runTokens(platform, a.basis.analysis);
          runs.set(a.basis.analysis, run);
        }
        // A ring found before the ruling no longer raises the token, nor does its rank.
        const runAt = this.analyses.get(a.basis.analysis)?.time;
        if (runAt === undefined || ringStands(runAt, upheldAt)) {
          ring = run.rings.get(a.token);
          rank = run.ranks.get(a.token);
        }
      }
      // As the platform raises an unreported token of a ring (services/check-service.ts).
      want = raiseForRing(policy, want, ring);
      const iso = (ms: number | undefined) =>
        ms === undefined ? null : new Date(ms).toISOString();
      const differs: string[] = [];
      if (a.kind !== undefined && this.kinds.has(a.token) && a.kind !== kind)
        differs.push(`it is a ${kind}`);
      if (a.verdict !== want.verdict) differs.push(`the verdict is ${want.verdict}`);
      if (Math.abs(a.score - want.score) > 1e-6) differs.push(`the score is ${want.score}`);
      if (a.reporters !== want.reporters) differs.push(`${want.reporters} members reported it`);
      for (const [type, n] of Object.entries(want.reports))
        if ((a.reports[type] ?? 0) !== n) differs.push(`${n} ${type} reports`);
      if (
        want.reporters > 0 &&
        JSON.stringify([...a.categories].sort()) !== JSON.stringify([...want.categories].sort())
      )
        differs.push(`the categories are ${want.categories.join(', ') || 'none'}`);
      if (a.firstSeen !== iso(want.firstSeen) || a.lastSeen !== iso(want.lastSeen))
        differs.push(`first and last seen ${iso(want.firstSeen)}, ${iso(want.lastSeen)}`);
      if ((a.ring?.id ?? null) !== (ring?.id ?? null))
        differs.push(
          ring === undefined ? 'the run puts it in no ring' : `the run puts it in ${ring.id}`,
        );
      // An answer made before ranks were answered has none to hold.
      if (
        a.rank !== undefined &&
        ((a.rank?.score ?? null) !== (rank?.score ?? null) ||
          (a.rank?.percentile ?? null) !== (rank?.percentile ?? null))
      )
        differs.push(
          rank === undefined
            ? 'the run ranks it nowhere'
            : `the run ranks it at ${rank.score} (percentile ${rank.percentile})`,
        );
      if (differs.length > 0) wrong(`the log says ${differs.join('; ')}`);
      else verified++;
    }
    return verified;
  }

  /** The tokens of a kept analysis run, after checking the run against its logged digest. */
  private async runTokens(platform: PlatformEndpoint, id: number): Promise<RunTokens> {
    const tokens: RunTokens['rings'] = new Map();
    const ranks: RunTokens['ranks'] = new Map();
    const logged = this.analyses.get(id)?.digest;
    if (logged === undefined) return { rings: tokens, ranks };
    const run = await platformRequest<{ body: string }>(
      platform,
      'GET',
      `/v1/audit/analysis/${id}`,
    );
    const digest = recordDigest({
      resultSha256: createHash('sha256').update(run.body).digest('hex'),
    });
    if (digest !== logged) return { rings: tokens, ranks };
    const result = JSON.parse(run.body) as {
      rings?: { id: string; tokens: { token: string; risk: number; score?: number }[] }[];
      ranking?: { tokens: [string, number, number, ...unknown[]][] };
    };
    for (const ring of result.rings ?? [])
      for (const t of ring.tokens)
        if (this.tokens.has(t.token))
          tokens.set(t.token, {
            id: ring.id,
            risk: t.risk,
            ...(t.score === undefined ? {} : { score: t.score }),
          });
    for (const [token, score, percentile] of result.ranking?.tokens ?? [])
      if (this.tokens.has(token)) ranks.set(token, { score, percentile });
    return { rings: tokens, ranks };
  }
}

/** What a kept run says of the tokens answers were given about. */
interface RunTokens {
  readonly rings: Map<string, { id: string; risk: number; score?: number }>;
  readonly ranks: Map<string, { score: number; percentile: number }>;
}

const analysisId = (entry: LogEntry) => Number(/^analysis\/(\d+)$/.exec(entry.subject)?.[1]);

/** The latest `at` among the entries a log of this size holds, if any. */
function latestAt(
  entries: readonly { readonly index: number; readonly at: number }[] | undefined,
  size: number,
): number | undefined {
  const ats = (entries ?? []).filter((r) => r.index < size).map((r) => r.at);
  return ats.length === 0 ? undefined : Math.max(...ats);
}
