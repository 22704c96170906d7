import { type Assessment, assess } from '../domain/policy.js';
import type { CheckView } from './check-view.js';
import type { PolicyService } from './policy-service.js';

export interface CheckAnswer extends Assessment {
  readonly token: string;
  readonly kind: string | undefined;
  /** The ring the token belongs to: joint analysis (issue 6) fills it. */
  readonly ring: null;
  readonly policyVersion: number;
}

/**
 * Risk checks (SPEC §6): answered from the in-memory view. A token nobody reported is
 * clear without a database round trip; a flagged one is scored from its statistics.
 */
export class CheckService {
  constructor(
    private readonly view: CheckView,
    private readonly policies: PolicyService,
    private readonly now: () => number = Date.now,
  ) {}

  /** Checks tokens; with `after`, first makes sure the view has every change up to it. */
  async check(tokens: readonly string[], after?: number): Promise<CheckAnswer[]> {
    if (after !== undefined && after > this.view.watermark) await this.view.reach(after);
    const { version, policy } = this.policies.get();
    const now = this.now();
    return tokens.map((token) => {
      const flagged = this.view.lookup(token);
      const assessment = assess(policy, flagged?.kind ?? 'phone', flagged?.stats ?? [], now);
      return { token, kind: flagged?.kind, ...assessment, ring: null, policyVersion: version };
    });
  }
}
