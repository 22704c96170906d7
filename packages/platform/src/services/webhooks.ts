import type { KeyObject } from 'node:crypto';
import { signEd25519 } from '@credence/core/signing/ed25519';
import type { Alert, WebhookDelivery } from '../domain/types.js';
import type { Store } from '../storage/store.js';
import { formatCursor } from './alerts.js';

export const WEBHOOK_SIGNATURE_HEADER = 'credence-signature';

/** The JSON an alert is delivered as (pull, stream and webhook alike). Names no member. */
export function alertJson(a: Alert) {
  return {
    cursor: formatCursor(a),
    token: a.token,
    kind: a.kind,
    source: a.source,
    ...(a.reportType === undefined ? {} : { reportType: a.reportType }),
    ...(a.category === undefined ? {} : { category: a.category }),
    ...(a.linkType === undefined ? {} : { linkType: a.linkType }),
    ...(a.ringId === undefined ? {} : { ringId: a.ringId }),
    occurredAt: new Date(a.occurredAt).toISOString(),
    createdAt: new Date(a.createdAt).toISOString(),
  };
}

/** Backoff after a failed attempt: 5 s, 10 s, 20 s, … at most an hour. */
export const backoffMs = (attempts: number) => Math.min(3600_000, 5000 * 2 ** attempts);

/**
 * Webhook delivery (SPEC §6): at least once, with an idempotency key (the alert cursor),
 * signed by the platform: `Credence-Signature: t=<unix seconds>,ed25519=<base64url>` over
 * "<t>.<body>", verifiable with the public key at GET /v1/platform. Failed deliveries are
 * retried with exponential backoff; every API process runs a dispatcher and the store's
 * leases keep two from sending the same delivery at once.
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    private readonly store: Store,
    private readonly signingKey: KeyObject,
    private readonly options: {
      intervalMs?: number;
      timeoutMs?: number;
      fetch?: typeof fetch;
      now?: () => number;
    } = {},
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }

  /** Sends what is due; returns how many were delivered. */
  async tick(): Promise<number> {
    if (this.busy) return 0;
    this.busy = true;
    try {
      const now = this.options.now?.() ?? Date.now();
      const due = await this.store.claimDeliveries(now, 60_000, 50);
      const results = await Promise.all(due.map((d) => this.send(d)));
      return results.filter(Boolean).length;
    } finally {
      this.busy = false;
    }
  }

  private async send(d: WebhookDelivery): Promise<boolean> {
    const body = JSON.stringify(alertJson(d.alert));
    const t = Math.floor((this.options.now?.() ?? Date.now()) / 1000);
    const signature = signEd25519(this.signingKey, new TextEncoder().encode(`${t}.${body}`));
    try {
      const response = await (this.options.fetch ?? fetch)(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': formatCursor(d.alert),
          [WEBHOOK_SIGNATURE_HEADER]: `t=${t},ed25519=${signature}`,
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      await this.store.deliveryDone(d.alert.id, this.options.now?.() ?? Date.now());
      return true;
    } catch (error) {
      await this.store.deliveryFailed(
        d.alert.id,
        (this.options.now?.() ?? Date.now()) + backoffMs(d.attempts),
        (error as Error).message,
      );
      return false;
    }
  }
}
