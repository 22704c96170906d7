import { createHash } from 'node:crypto';
import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import type { AuditRecord } from '@credence/core/log/audit-records';
import { type LogEntry, recordDigest } from '@credence/core/log/entries';
import { assess, DEFAULT_POLICY, type Policy, parsePolicy } from '@credence/core/risk/policy';
import {
  reportFigures,
  reportTokens,
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
  readonly policyVersion: number;
  readonly basis: {
    readonly logSize: number;
    readonly analysis: number | null;
    readonly checkedAt: string;
  };
}

export interface AnswerFinding {
  readonly kind: 'wrong_answer';
  readonly message: string;
}

interface Mention {
  readonly index: number;
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
  /** When each report naming an answered token was retracted (its entry's index). */
  private readonly retracted = new Map<string, number>();
  private readonly policies = new Map<number, unknown>();
  private readonly analyses = new Map<number, string>();

  constructor(private readonly answers: readonly CheckAnswerJson[]) {
    this.tokens = new Set(answers.map((a) => a.token));
  }

  /** Takes a verified entry and the record its digest matched. */
  take(index: number, entry: LogEntry, record: AuditRecord): void {
    if (record.type === 'report') {
      const r = record.report;
      const named = reportTokens(r.entities).filter((e) => this.tokens.has(e.token));
      if (named.length === 0) return;
      if (entry.kind === 'retraction') {
        this.retracted.set(`${entry.member}/${r.id}`, index);
        return;
      }
      for (const e of named) {
        const list = this.mentions.get(e.token) ?? [];
        list.push({
          index,
          member: entry.member,
          report: r.id,
          type: r.type,
          category: r.category,
          occurredAt: r.occurredAt,
        });
        this.mentions.set(e.token, list);
      }
    } else if (record.type === 'event' && entry.kind === 'policy_change') {
      const version = Number(/^policy\/(\d+)$/.exec(entry.subject)?.[1]);
      this.policies.set(version, record.record);
    } else if (entry.kind === 'analysis') this.analyses.set(analysisId(entry), entry.digest);
  }

  /** The token's summary rows as the log says they stood at this size. */
  private statsAt(token: string, size: number): TokenStats[] {
    const rows = new Map<string, { member: string; type: string; figures: StatsFigures }>();
    for (const m of this.mentions.get(token) ?? []) {
      if (m.index >= size) break;
      const retractedAt = this.retracted.get(`${m.member}/${m.report}`);
      if (retractedAt !== undefined && retractedAt < size) continue;
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
    const body = this.policies.get(version);
    if (body === undefined) return undefined;
    try {
      return parsePolicy(body);
    } catch {
      return undefined;
    }
  }

  /** Recomputes every answer; names each that the log does not bear out. */
  async verify(
    platform: PlatformEndpoint,
    logSize: number,
    find: (f: AnswerFinding) => void,
  ): Promise<number> {
    const runs = new Map<number, Map<string, { id: string; risk: number }>>();
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
      const at = Date.parse(a.basis.checkedAt);
      const stats = this.statsAt(a.token, a.basis.logSize);
      let want = assess(policy, (a.kind ?? 'phone') as IdentifierKind, stats, at);
      let ring: { id: string; risk: number } | undefined;
      if (a.basis.analysis !== null) {
        let byToken = runs.get(a.basis.analysis);
        if (byToken === undefined) {
          byToken = await this.runTokens(platform, a.basis.analysis);
          runs.set(a.basis.analysis, byToken);
        }
        ring = byToken.get(a.token);
      }
      // As the platform raises an unreported token of a ring (services/check-service.ts).
      if (
        ring !== undefined &&
        want.verdict === 'clear' &&
        ring.risk >= policy.thresholds.suspicious
      )
        want = {
          ...want,
          verdict: 'suspicious',
          score: Math.max(want.score, Math.min(ring.risk, policy.thresholds.fraud - 1e-6)),
        };
      const iso = (ms: number | undefined) =>
        ms === undefined ? null : new Date(ms).toISOString();
      const differs: string[] = [];
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
      if (differs.length > 0) wrong(`the log says ${differs.join('; ')}`);
      else verified++;
    }
    return verified;
  }

  /** The tokens of a kept analysis run, after checking the run against its logged digest. */
  private async runTokens(
    platform: PlatformEndpoint,
    id: number,
  ): Promise<Map<string, { id: string; risk: number }>> {
    const tokens = new Map<string, { id: string; risk: number }>();
    const logged = this.analyses.get(id);
    if (logged === undefined) return tokens;
    const run = await platformRequest<{ body: string }>(
      platform,
      'GET',
      `/v1/audit/analysis/${id}`,
    );
    const digest = recordDigest({
      resultSha256: createHash('sha256').update(run.body).digest('hex'),
    });
    if (digest !== logged) return tokens;
    const result = JSON.parse(run.body) as {
      rings?: { id: string; tokens: { token: string; risk: number }[] }[];
    };
    for (const ring of result.rings ?? [])
      for (const t of ring.tokens)
        if (this.tokens.has(t.token)) tokens.set(t.token, { id: ring.id, risk: t.risk });
    return tokens;
  }
}

const analysisId = (entry: LogEntry) => Number(/^analysis\/(\d+)$/.exec(entry.subject)?.[1]);
