import {
  checkPolicyRules,
  DEFAULT_POLICY,
  type Policy,
  parsePolicy,
} from '@credence/core/risk/policy';
import type { Store } from '../storage/store.js';
import type { Background } from './background.js';

/**
 * The risk policy in force: the latest version in the store, or the default (version 0)
 * until the operator sets one. Cached, and reread every few seconds so that every API
 * process follows a change.
 */
export class PolicyService {
  private current: { version: number; policy: Policy } = { version: 0, policy: DEFAULT_POLICY };
  private readAt = 0;

  constructor(
    private readonly store: Store,
    /** Where the refresh runs: a failure is logged and counted, and the next get retries. */
    private readonly background: Pick<Background, 'run'>,
    private readonly refreshMs = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  async load(): Promise<void> {
    const latest = await this.store.latestPolicy();
    if (latest !== undefined)
      this.current = { version: latest.version, policy: parsePolicy(latest.body) };
    this.readAt = this.now();
  }

  /** The policy, refreshed in the background when it is older than the refresh period. */
  get(): { version: number; policy: Policy } {
    if (this.now() - this.readAt > this.refreshMs) {
      this.readAt = this.now();
      void this.background.run('policy', () => this.load());
    }
    return this.current;
  }

  async set(body: unknown, by: string): Promise<number> {
    const policy = parsePolicy(body);
    checkPolicyRules(policy);
    const version = await this.store.putPolicy(policy, by, this.now(), policy.quality);
    this.current = { version, policy };
    return version;
  }
}
