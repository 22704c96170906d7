import { createHmac, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { type Ed25519PrivateKey, signEd25519Raw } from '@credence/core/signing/ed25519';
import type { Alert, WebhookDelivery } from '../domain/types.js';
import type { Store } from '../storage/store.js';
import { formatCursor } from './alerts.js';
import { type PinnedTarget, WebhookTargets } from './webhook-targets.js';

/**
 * Webhooks follow Standard Webhooks 1.0 (docs/platform.md, "Webhooks"): each delivery
 * carries `webhook-id` (the same on every retry: the receiver's idempotency key),
 * `webhook-timestamp` (Unix seconds of the attempt) and `webhook-signature`, two
 * signatures of "<id>.<timestamp>.<body>": `v1,<base64 HMAC-SHA256>` under the webhook's
 * own secret (`whsec_…`, answered to its member when it registers), which any Standard
 * Webhooks library verifies, and `v1a,<base64 Ed25519>` under the platform's key
 * (`whpk_…` at GET /v1/platform), for receivers that would rather hold no secret.
 */
export const WEBHOOK_HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;

/** A fresh nonce for a registration of a webhook: registering again rotates its secret. */
export const newWebhookNonce = (): string => randomBytes(16).toString('base64url');

/** The platform's public key as Standard Webhooks writes one (`whpk_` and base64). */
export const webhookPublicKey = (key: Ed25519PrivateKey): string =>
  `whpk_${Buffer.from(key.publicKey).toString('base64')}`;

/**
 * The HMAC secrets of members' webhooks (Standard Webhooks `whsec_`, 32 bytes): each
 * derived from the platform's signing key, the member and its registration's nonce, so
 * that no secret is stored (a copy of the database signs nothing) and each registration
 * has its own. The derivation key is an HMAC of the signing key's seed under a label of
 * its own, so that it is never the signing key itself.
 */
export class WebhookSecrets {
  private readonly root: Buffer;

  constructor(key: Ed25519PrivateKey) {
    this.root = createHmac('sha256', key.seed).update('credence/webhook-secrets/v1').digest();
  }

  of(memberId: string, nonce: string): string {
    const secret = createHmac('sha256', this.root).update(`${memberId}\u0000${nonce}`).digest();
    return `whsec_${secret.toString('base64')}`;
  }
}

/** The Standard Webhooks headers of one delivery attempt. */
export function webhookHeaders(
  key: Ed25519PrivateKey,
  secret: string,
  id: string,
  t: number,
  body: string,
): Record<string, string> {
  const content = Buffer.from(`${id}.${t}.${body}`, 'utf8');
  const hmac = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64'))
    .update(content)
    .digest('base64');
  const ed25519 = Buffer.from(signEd25519Raw(key, content)).toString('base64');
  return {
    [WEBHOOK_HEADERS.id]: id,
    [WEBHOOK_HEADERS.timestamp]: String(t),
    [WEBHOOK_HEADERS.signature]: `v1,${hmac} v1a,${ed25519}`,
  };
}

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

/** A receiver answered 410 Gone. */
class GoneError extends Error {
  constructor() {
    super('HTTP 410: the receiver is gone; the webhook was removed');
  }
}

/** Backoff after a failed attempt: 5 s, 10 s, 20 s, … at most an hour. */
export const backoffMs = (attempts: number) => Math.min(3600_000, 5000 * 2 ** attempts);

/**
 * Webhook delivery (SPEC §6): at least once, as Standard Webhooks says (WEBHOOK_HEADERS:
 * `webhook-id` is `alert_<id>`, the same on every retry). Failed deliveries are
 * retried with exponential backoff; every API process runs a dispatcher and the store's
 * leases keep two from sending the same delivery at once. Only to targets that
 * WebhookTargets admits, checked again at each attempt (DNS changes; a URL may predate a
 * rule), and connected to at the address checked.
 */
export class WebhookDispatcher {
  private busy = false;
  private readonly defaultTargets = new WebhookTargets();
  /** The webhooks' HMAC secrets (what PUT /v1/webhook answers too). */
  readonly secrets: WebhookSecrets;

  constructor(
    private readonly store: Store,
    private readonly signingKey: Ed25519PrivateKey,
    private readonly options: {
      timeoutMs?: number;
      targets?: WebhookTargets;
      now?: () => number;
    } = {},
  ) {
    this.secrets = new WebhookSecrets(signingKey);
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

  /**
   * POSTs a body, signed with the webhook's secret and the platform's key, to a URL that
   * WebhookTargets admits, at the address checked; resolves with the status (a 3xx is a
   * failure: redirects are not followed).
   */
  private async deliver(
    hook: { readonly memberId: string; readonly url: string; readonly secretNonce: string },
    body: string,
    id: string,
  ): Promise<number> {
    const t = Math.floor((this.options.now?.() ?? Date.now()) / 1000);
    const secret = this.secrets.of(hook.memberId, hook.secretNonce);
    const target = await (this.options.targets ?? this.defaultTargets).pin(hook.url);
    const status = await post(
      target,
      {
        'content-type': 'application/json',
        ...webhookHeaders(this.signingKey, secret, id, t, body),
      },
      body,
      this.options.timeoutMs ?? 5000,
    );
    if (status >= 300 && status < 400)
      throw new Error(`HTTP ${status}: redirects are not followed`);
    if (status === 410) throw new GoneError();
    if (status < 200 || status >= 300) throw new Error(`HTTP ${status}`);
    return status;
  }

  private async send(d: WebhookDelivery): Promise<boolean> {
    try {
      await this.deliver(d, JSON.stringify(alertJson(d.alert)), `alert_${d.alert.id}`);
      await this.store.deliveryDone(d.alert.id, this.options.now?.() ?? Date.now());
      return true;
    } catch (error) {
      // 410 Gone: the receiver wants no more (Standard Webhooks: the sender disables the
      // endpoint). The webhook is removed, unless its member has pointed it elsewhere
      // meanwhile; its alerts stay to be pulled, and delivered if a webhook is set again.
      if (error instanceof GoneError) await this.store.deleteWebhook(d.memberId, d.url);
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
   * with an id of its own (`test_<ms>`). Says what happened; stores and retries nothing.
   */
  async test(
    memberId: string,
    hook: { readonly url: string; readonly secretNonce: string },
  ): Promise<{ delivered: boolean; status?: number; error?: string }> {
    const now = this.options.now?.() ?? Date.now();
    try {
      const status = await this.deliver(
        { memberId, ...hook },
        JSON.stringify({ test: true, createdAt: new Date(now).toISOString() }),
        `test_${now}`,
      );
      return { delivered: true, status };
    } catch (error) {
      return { delivered: false, error: (error as Error).message };
    }
  }
}
