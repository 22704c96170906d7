import type { AuditRecord } from '@credence/core/log/audit-records';
import type { LogEntry } from '@credence/core/log/entries';
import { DEFAULT_POLICY, parsePolicy } from '@credence/core/risk/policy';
import {
  countJudgements,
  type QualityRule,
  type QualityWeights,
  weightsOf,
} from '@credence/core/risk/quality';
import { riskTokens } from '@credence/core/risk/token-summary';
import { canonicalJson } from '@credence/core/signing/canonical-json';
import type { ReportType } from '@credence/core/wire/vocabulary';

const judged = (q: { outcomes: number; falsePositives: number }) =>
  `${q.outcomes} time${q.outcomes === 1 ? '' : 's'}, ${q.falsePositives} false positive${q.falsePositives === 1 ? '' : 's'}`;

/**
 * The contributors' quality weights held to the log (issue 17, docs/outcomes.md): while
 * the audit reads the log in order, it keeps which members have a report standing for
 * each token (reports in, retractions out) and each member's latest outcome about each
 * token; at every `quality_weights` entry it counts the judgements with the core's own
 * functions and holds the version to them: its number the next one, its rule the
 * policy's it names, every member's counts and weight as the log says they stood.
 */
export class QualityReplay {
  /** Per token, the members with a report naming it standing, and how many. */
  private readonly standing = new Map<string, Map<string, number>>();
  /** Each member's latest outcome about each token (by `member\0token`), in log order. */
  private readonly latest = new Map<
    string,
    { by: string; token: string; falsePositive: boolean }
  >();
  /** The quality rule of each logged policy version (version 0: the default policy's). */
  private readonly rules = new Map<number, QualityRule | undefined>([[0, DEFAULT_POLICY.quality]]);
  private version = 0;

  constructor(private readonly find: (message: string) => void) {}

  /** Takes a verified entry and the record its digest matched. */
  take(index: number, entry: LogEntry, record: AuditRecord): void {
    if (record.type === 'report' && (entry.kind === 'report' || entry.kind === 'retraction')) {
      const step = entry.kind === 'report' ? 1 : -1;
      for (const e of riskTokens(record.report.type as ReportType, record.report.entities)) {
        const members = this.standing.get(e.token) ?? new Map<string, number>();
        const n = (members.get(entry.member) ?? 0) + step;
        if (n > 0) members.set(entry.member, n);
        else members.delete(entry.member);
        this.standing.set(e.token, members);
      }
      return;
    }
    if (record.type !== 'event') return;
    const r = (record.record ?? {}) as Record<string, unknown>;
    if (entry.kind === 'outcome') {
      const token = String(r.token);
      const key = `${entry.member}\u0000${token}`;
      this.latest.delete(key);
      this.latest.set(key, {
        by: entry.member,
        token,
        falsePositive: r.outcome === 'false_positive',
      });
    } else if (entry.kind === 'policy_change') {
      const version = Number(/^policy\/(\d+)$/.exec(entry.subject)?.[1]);
      try {
        this.rules.set(version, parsePolicy(record.record).quality);
      } catch {
        this.rules.set(version, undefined);
      }
    } else if (entry.kind === 'quality_weights')
      this.weights(index, r as unknown as QualityWeights);
  }

  private weights(index: number, logged: QualityWeights): void {
    const at = `entry ${index} (quality weights version ${String(logged.version)})`;
    if (logged.version !== this.version + 1)
      this.find(`${at}: the version before it was ${this.version}`);
    this.version = Number(logged.version);
    const rule = this.rules.get(logged.policyVersion);
    if (rule === undefined) {
      this.find(`${at}: names policy version ${logged.policyVersion}, which the log does not hold`);
      return;
    }
    if (canonicalJson(rule) !== canonicalJson(logged.rule))
      this.find(`${at}: its rule is not policy version ${logged.policyVersion}'s`);
    const counts = countJudgements(this.latest.values(), (token) =>
      (this.standing.get(token) ?? new Map<string, number>()).keys(),
    );
    const want = weightsOf(rule, counts);
    for (const member of new Set([...Object.keys(want), ...Object.keys(logged.members ?? {})])) {
      const w = want[member];
      const got = logged.members?.[member];
      if (canonicalJson(w ?? null) !== canonicalJson(got ?? null))
        this.find(
          `${at}: ${member} ${
            w === undefined
              ? 'was judged by no outcome'
              : `was judged ${judged(w)}: weight ${w.weight}`
          }, not ${got === undefined ? 'left out' : `${judged(got)}: ${got.weight}`}`,
        );
    }
  }
}
