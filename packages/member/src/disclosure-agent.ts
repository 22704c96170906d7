import { isCredenceError } from '@credence/core/errors';
import type { SealingKeys } from '@credence/core/sealing/hpke';
import {
  type BatchDecision,
  type BatchResult,
  type DisclosurePolicy,
  type DisclosureView,
  decide,
  decideDisclosures,
  Resealer,
} from './disclosures.js';
import { followEvents, type StreamOptions } from './event-stream.js';
import type { PlatformEndpoint } from './platform-client.js';

/** What the agent did with one request. */
export type AgentOutcome =
  | { readonly outcome: 'granted' | 'denied' | 'waiting' }
  | { readonly outcome: 'failed'; readonly error: string };

/** At most this many requests re-sealed and sent as one batch. */
export const AGENT_BATCH = 500;

/**
 * `credence member agent`: the member's long-running process inside its own network
 * (docs/cases.md). It follows the requests for the member's reports that wait for a
 * decision (GET /v1/disclosures/stream), oldest first, in batches of up to 500 (one
 * POST /v1/disclosures/decisions each), and applies the
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
  const pending: DisclosureView[] = [];
  let draining: Promise<void> | undefined;
  const told = (d: DisclosureView, outcome: AgentOutcome) => options.onHandled?.(d, outcome);

  // Decides what has come, oldest first, a batch at a time: a person's requests are told
  // as waiting, the rest re-sealed or denied here and sent in one POST per batch.
  const decideBatch = async (batch: readonly DisclosureView[]) => {
    const sent: { d: DisclosureView; decision: BatchDecision }[] = [];
    for (const d of batch) {
      const rule = decide(options.policy, d);
      if (rule === 'wait') {
        told(d, { outcome: 'waiting' });
        continue;
      }
      try {
        sent.push({
          d,
          decision:
            rule.decision === 'approve'
              ? { id: d.id, ...(await resealer.grant(d)) }
              : { id: d.id, reason: rule.reason ?? 'denied by the member’s policy' },
        });
      } catch (error) {
        // A report sent without a sealed detail: told, and the agent goes on.
        if (!isCredenceError(error)) throw error;
        told(d, { outcome: 'failed', error: error.message });
      }
    }
    if (sent.length === 0) return;
    let results: BatchResult[];
    try {
      results = await decideDisclosures(
        options.platform,
        sent.map((s) => s.decision),
      );
    } catch (error) {
      if (!isCredenceError(error)) throw error;
      for (const { d } of sent) told(d, { outcome: 'failed', error: error.message });
      return;
    }
    for (const [i, { d }] of sent.entries()) {
      const r = results[i];
      if (r?.status === 'granted' || r?.status === 'denied') told(d, { outcome: r.status });
      // A request a person decided meanwhile: the platform's code says so.
      else told(d, { outcome: 'failed', error: `disclosure ${d.id}: ${r?.code ?? 'no result'}` });
    }
  };
  const drain = async () => {
    while (pending.length > 0) await decideBatch(pending.splice(0, AGENT_BATCH));
    draining = undefined;
  };
  await followEvents<DisclosureView>(
    options.platform,
    '/v1/disclosures/stream',
    undefined,
    (d) => {
      pending.push(d);
      // The first event of a burst starts a drain on the next turn, so the rest of the
      // burst (a catch-up, a large request) joins its first batch.
      draining ??= new Promise<void>((resolve) => setImmediate(resolve)).then(drain);
    },
    options.stream,
  );
  while (draining !== undefined) await draining;
}
