import { currentHolder, reassignedWords } from '@credence/core/holders/current-holder';
import { appealWords, ringStands, sinceAppeal } from '@credence/core/risk/appeals';
import { clearsAt } from '@credence/core/risk/expiry';
import { type Assessment, assess, raiseForRing } from '@credence/core/risk/policy';
import { memberWeight } from '@credence/core/risk/quality';
import type { TokenStats } from '../domain/types.js';
import type { AnalysisService, TokenRank, TokenRing } from './analysis.js';
import type { CheckView, FlaggedToken } from './check-view.js';
import type { PolicyService } from './policy-service.js';
import type { QualityService } from './quality.js';

/**
 * What an answer was computed from, so that an auditor can recompute it (issue 11): the
 * token's summary is what the logged reports and retractions below `logSize` say, its
 * ring what analysis run `analysis` kept (its digest is logged), its score the logged
 * policy's at `checkedAt`.
 */
export interface CheckBasis {
  readonly logSize: number;
  readonly analysis: number | null;
  /** Epoch milliseconds. */
  readonly checkedAt: number;
  /** The version of the contributors' quality weights it was scored with (issue 17); null before any. */
  readonly quality: number | null;
}

export interface CheckAnswer extends Assessment {
  readonly token: string;
  readonly kind: string | undefined;
  /** The ring joint analysis put the token in, if any (the latest run). */
  readonly ring: TokenRing | null;
  /** Its ranked risk in the latest run; null when no report is within reach (issue 12). */
  readonly rank: TokenRank | null;
  readonly policyVersion: number;
  readonly basis: CheckBasis;
}

/**
 * Risk checks (SPEC §6): answered from the view. A token nobody reported is clear without
 * a database round trip; a flagged one is scored from its statistics (read back from the
 * store when the view does not hold them in memory).
 * Joint analysis adds the token's ring; a token whose risk in a ring reaches the
 * suspicious threshold is at least suspicious, reported or not, and says why. A ring
 * alone never makes a token `fraud`: that takes members' reports.
 */
export class CheckService {
  constructor(
    private readonly view: CheckView,
    private readonly policies: PolicyService,
    private readonly analysis?: AnalysisService,
    private readonly quality?: QualityService,
    private readonly now: () => number = Date.now,
  ) {}

  /** Makes sure the view has every change up to `seq` (read your writes). */
  async reach(seq: number): Promise<void> {
    if (seq > this.view.watermark) await this.view.reach(seq);
  }

  /**
   * A token's assessment from its reports alone as of `at` (no ring), with what an upheld
   * appeal or a reassignment leaves out said last, as a check says it; and the reports it
   * stands on (for when they stop making it suspicious).
   */
  private fromReports(
    flagged: FlaggedToken | undefined,
    at: number,
    weightOf: (member: string) => number,
  ): { assessment: Assessment; scored: Assessment; stats: readonly TokenStats[]; given: string } {
    const { policy } = this.policies.get();
    const upheldAt = flagged?.appealUpheldAt;
    // What an upheld appeal was ruled on no longer counts (issue 17), nor what concerns
    // an earlier holder (issue 12).
    const appealed = sinceAppeal(flagged?.stats ?? [], upheldAt);
    const { stats, earlier } = currentHolder(appealed.stats, flagged?.reassignedAt);
    const scored = assess(policy, flagged?.kind, stats, at, weightOf);
    // What was left out is said last.
    const given =
      (flagged?.reassignedAt === undefined || earlier === 0
        ? ''
        : ` ${reassignedWords(flagged.reassignedAt, earlier)}`) +
      (upheldAt === undefined ? '' : ` ${appealWords(upheldAt, appealed.earlier)}`);
    return {
      assessment: { ...scored, explanation: `${scored.explanation}${given}` },
      scored,
      stats,
      given,
    };
  }

  /**
   * A flagged token's assessment from its reports alone as of `at` (rings are their own
   * objects), and when those reports stop making it suspicious: what an exported
   * indicator states (docs/interop.md), for each token at its own time. Undefined for a
   * token not flagged.
   */
  async reportsAssessments(
    asked: readonly { readonly token: string; readonly at: number }[],
  ): Promise<({ readonly assessment: Assessment; readonly clearsAt?: number } | undefined)[]> {
    const found = await this.view.lookupMany(asked.map((a) => a.token));
    const weights = this.quality?.current();
    const weightOf = (member: string) => memberWeight(weights, member);
    const { policy } = this.policies.get();
    return asked.map(({ at }, i) => {
      const flagged = found[i];
      if (flagged === undefined) return undefined;
      const { assessment, stats } = this.fromReports(flagged, at, weightOf);
      const clears = clearsAt(policy, flagged.kind, stats, at, weightOf);
      return clears === undefined ? { assessment } : { assessment, clearsAt: clears };
    });
  }

  /** Checks tokens; with `after`, first makes sure the view has every change up to it. */
  async check(tokens: readonly string[], after?: number): Promise<CheckAnswer[]> {
    if (after !== undefined) await this.reach(after);
    // The summaries first: reading some back may move the view on, and the basis is
    // where it stands once they are in.
    const found = await this.view.lookupMany(tokens);
    // Rings and ranks of one run, the one the basis names.
    const inRun = await this.analysis?.lookup(tokens);
    const run = inRun?.run;
    const { version, policy } = this.policies.get();
    const now = this.now();
    const weights = this.quality?.current();
    const weightOf = (member: string) => memberWeight(weights, member);
    const basis: CheckBasis = {
      logSize: this.view.logSize,
      analysis: run?.id ?? null,
      checkedAt: now,
      quality: weights?.version ?? null,
    };
    return tokens.map((token, i) => {
      const flagged = found[i];
      const upheldAt = flagged?.appealUpheldAt;
      const { assessment, scored, given } = this.fromReports(flagged, now, weightOf);
      // A ring found before the ruling no longer raises the token, nor does its rank.
      const ruled =
        upheldAt !== undefined && run !== undefined && !ringStands(run.createdAt, upheldAt);
      const ring = ruled ? undefined : inRun?.rings[i];
      const rank = ruled ? null : (inRun?.ranks[i] ?? null);
      if (ring === undefined)
        return {
          token,
          kind: flagged?.kind,
          ...assessment,
          ring: null,
          rank,
          policyVersion: version,
          basis,
        };
      const inRing = `In ${ring.id} (${ring.size} identifiers, score ${ring.score.toFixed(2)}): ${ring.reason}.`;
      const raised = raiseForRing(policy, assessment, {
        risk: ring.risk,
        score: rank?.score,
      });
      return {
        token,
        kind: flagged?.kind,
        ...raised,
        ...(raised !== assessment && assessment.categories.length === 0
          ? { categories: ring.categories }
          : {}),
        explanation:
          assessment.reporters === 0
            ? `Not reported by any member. ${inRing}${given}`
            : `${scored.explanation} ${inRing}${given}`,
        ring,
        rank,
        policyVersion: version,
        basis,
      };
    });
  }
}
