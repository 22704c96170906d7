import { followEvents, type StreamOptions } from './event-stream.js';
import type { PlatformEndpoint } from './platform-client.js';
import { platformRequest } from './platform-client.js';

/** An alert as the platform sends it (GET /v1/alerts, the stream, webhooks). */
export interface Alert {
  /** "<sequence>.<id>": pass as `after` to continue from here. */
  readonly cursor: string;
  readonly token: string;
  readonly kind: string;
  /**
   * key: a signing key the operator announced for this member (token: the public key);
   * exposed: a watched token was on a list the police seized from fraudsters.
   */
  readonly source: 'report' | 'link' | 'ring' | 'key' | 'appeal' | 'exposed';
  readonly ringId?: string;
  readonly reportType?: string;
  readonly category?: string;
  readonly linkType?: string;
  readonly occurredAt: string;
  readonly createdAt: string;
}

/** Every alert after the cursor, page by page; resolves with the cursor to go on from. */
export async function fetchAlerts(
  platform: PlatformEndpoint,
  after: string | undefined,
  onAlert: (alert: Alert) => void,
): Promise<string | undefined> {
  let cursor = after;
  for (;;) {
    const query = new URLSearchParams({ limit: '1000', ...(cursor ? { after: cursor } : {}) });
    const page = await platformRequest<{ alerts: Alert[]; next: string }>(
      platform,
      'GET',
      `/v1/alerts?${query}`,
    );
    for (const a of page.alerts) onAlert(a);
    if (page.alerts.length > 0) cursor = page.next;
    if (page.alerts.length < 1000) return cursor;
  }
}

/**
 * Follows the member's alerts as server-sent events (GET /v1/alerts/stream) until the
 * signal aborts (event-stream.ts: reconnects with Last-Event-ID, nothing missed or
 * repeated).
 */
export const followAlerts = (
  platform: PlatformEndpoint,
  after: string | undefined,
  onAlert: (alert: Alert) => void,
  options: StreamOptions = {},
): Promise<string | undefined> =>
  followEvents(platform, '/v1/alerts/stream', after, onAlert, options);
