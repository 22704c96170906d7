import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { type Ed25519PrivateKey, signEd25519 } from '@credence/core/signing/ed25519';
import type { Alert, WebhookDelivery } from '../domain/types.js';
import type { Store } from '../storage/store.js';
import { formatCursor } from './alerts.js';
import { type PinnedTarget, WebhookTargets } from './webhook-targets.js';

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

/**
 * POSTs to the pinned address: the connection's name lookup answers with the address that
 * was checked, whatever DNS says now, while the Host header and TLS (SNI and the
 * certificate's name) keep the URL's name. Redirects are not followed: a 3xx is a failed
 * delivery. Resolves with the status; the answer's body is read and dropped.
 */
function post(
  target: PinnedTarget,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<number> {
  const pinned: LookupFunction = (_hostname, options, callback) => {
    // Node asks for every address when it may try several (autoSelectFamily).
    if ((options as { all?: boolean }).all === true)
      (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [
        { address: target.address, family: target.family },
      ]);
    else callback(null, target.address, target.family);
  };
  const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target.url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: pinned,
        agent: false,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res) => {
        res.on('error', reject);
        res.on('end', () => resolve(res.statusCode ?? 0));
        // Cut off (the timeout, a reset) before its end: no answer.
        res.on('close', () => reject(new Error('the answer was cut off')));
        res.resume();
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Backoff after a failed attempt: 5 s, 10 s, 20 s, … at most an hour. */
export const backoffMs = (attempts: number) => Math.min(3600_000, 5000 * 2 ** attempts);

/**
 * Webhook delivery (SPEC §6): at least once, with an idempotency key (the alert cursor),
 * signed by the platform: `Credence-Signature: t=<unix seconds>,ed25519=<base64url>` over
 * "<t>.<body>", verifiable with the public key at GET /v1/platform. Failed deliveries are
 * retried with exponential backoff; every API process runs a dispatcher and the store's
 * leases keep two from sending the same delivery at once. Only to targets that
 * WebhookTargets admits, checked again at each attempt (DNS changes; a URL may predate a
 * rule), and connected to at the address checked.
 */
export class WebhookDispatcher {
  private busy = false;
  private readonly defaultTargets = new WebhookTargets();

  constructor(
    private readonly store: Store,
    private readonly signingKey: Ed25519PrivateKey,
    private readonly options: {
      timeoutMs?: number;
      targets?: WebhookTargets;
      now?: () => number;
    } = {},
  ) {}

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

  /**
   * POSTs a body, signed, to a URL that WebhookTargets admits, at the address checked;
   * resolves with the status (a 3xx is a failure: redirects are not followed).
   */
  private async deliver(url: string, body: string, idempotencyKey: string): Promise<number> {
    const t = Math.floor((this.options.now?.() ?? Date.now()) / 1000);
    const signature = signEd25519(this.signingKey, new TextEncoder().encode(`${t}.${body}`));
    const target = await (this.options.targets ?? this.defaultTargets).pin(url);
    const status = await post(
      target,
      {
        'content-type': 'application/json',
        'idempotency-key': idempotencyKey,
        [WEBHOOK_SIGNATURE_HEADER]: `t=${t},ed25519=${signature}`,
      },
      body,
      this.options.timeoutMs ?? 5000,
    );
    if (status >= 300 && status < 400)
      throw new Error(`HTTP ${status}: redirects are not followed`);
    if (status < 200 || status >= 300) throw new Error(`HTTP ${status}`);
    return status;
  }

  private async send(d: WebhookDelivery): Promise<boolean> {
    try {
      await this.deliver(d.url, JSON.stringify(alertJson(d.alert)), formatCursor(d.alert));
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

  /**
   * A test delivery to a member's webhook, now, signed as alerts are: `{"test": true, …}`
   * with an idempotency key of its own. Says what happened; stores and retries nothing.
   */
  async test(url: string): Promise<{ delivered: boolean; status?: number; error?: string }> {
    const at = new Date(this.options.now?.() ?? Date.now()).toISOString();
    try {
      const status = await this.deliver(
        url,
        JSON.stringify({ test: true, createdAt: at }),
        `test-${at}`,
      );
      return { delivered: true, status };
    } catch (error) {
      return { delivered: false, error: (error as Error).message };
    }
  }
}
