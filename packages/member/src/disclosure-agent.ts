import { isCredenceError } from '@credence/core/errors';
import type { SealingKeys } from '@credence/core/sealing/hpke';
import {
  type DisclosurePolicy,
  type DisclosureView,
  decide,
  denyDisclosure,
  grantDisclosure,
  Resealer,
} from './disclosures.js';
import { followEvents, type StreamOptions } from './event-stream.js';
import type { PlatformEndpoint } from './platform-client.js';

/** What the agent did with one request. */
export type AgentOutcome =
  | { readonly outcome: 'granted' | 'denied' | 'waiting' }
  | { readonly outcome: 'failed'; readonly error: string };

/**
 * `credence member agent`: the member's long-running process inside its own network
 * (docs/cases.md). It follows the requests for the member's reports that wait for a
 * decision (GET /v1/disclosures/stream), oldest first, one at a time, and applies the
 * member's policy: a request a rule approves is granted at once (the report's data key
 * re-sealed to the case's recipient, here, with the member's sealing key), one a rule
 * denies is denied with the rule's reason, and the rest wait for a person (`credence
 * member disclosures`). The platform keeps every request until it is decided, so an
 * agent that was down catches up on its return: the stream starts with every request
 * still waiting, in the order asked.
 */
export async function runDisclosureAgent(options: {
  readonly platform: PlatformEndpoint;
  readonly keys: SealingKeys;
  readonly policy: DisclosurePolicy;
  readonly onHandled?: (d: DisclosureView, outcome: AgentOutcome) => void;
  readonly stream?: StreamOptions;
}): Promise<void> {
  const resealer = await Resealer.create(options.keys);
  let queue = Promise.resolve();
  const handle = async (d: DisclosureView): Promise<AgentOutcome> => {
    const rule = decide(options.policy, d);
    try {
      if (rule === 'wait') return { outcome: 'waiting' };
      if (rule.decision === 'approve') {
        await grantDisclosure(options.platform, resealer, d);
        return { outcome: 'granted' };
      }
      await denyDisclosure(options.platform, d.id, rule.reason ?? 'denied by the member’s policy');
      return { outcome: 'denied' };
    } catch (error) {
      // A request a person decided meanwhile, a report sent without a sealed detail: told,
      // and the agent goes on with the next.
      if (!isCredenceError(error)) throw error;
      return { outcome: 'failed', error: error.message };
    }
  };
  await followEvents<DisclosureView>(
    options.platform,
    '/v1/disclosures/stream',
    undefined,
    (d) => {
      queue = queue.then(async () => options.onHandled?.(d, await handle(d)));
    },
    options.stream,
  );
  await queue;
}
