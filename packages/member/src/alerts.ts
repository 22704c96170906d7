import { defaultHttpClient, type HttpAnswer } from './http-client.js';
import { MemberError } from './member-error.js';
import { networkProblem } from './network-errors.js';
import type { PlatformEndpoint } from './platform-client.js';
import { platformRequest } from './platform-client.js';

/** An alert as the platform sends it (GET /v1/alerts, the stream, webhooks). */
export interface Alert {
  /** "<sequence>.<id>": pass as `after` to continue from here. */
  readonly cursor: string;
  readonly token: string;
  readonly kind: string;
  /** key: a signing key the operator announced for this member (token: the public key). */
  readonly source: 'report' | 'link' | 'ring' | 'key';
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Follows the member's alerts as server-sent events (GET /v1/alerts/stream) until the
 * signal aborts. A dropped connection is opened again with Last-Event-ID, so no alert is
 * missed or repeated; a refused one (bad credential, wrong role) ends with its error.
 */
export async function followAlerts(
  platform: PlatformEndpoint,
  after: string | undefined,
  onAlert: (alert: Alert) => void,
  options: { readonly signal?: AbortSignal; readonly onConnected?: () => void } = {},
): Promise<string | undefined> {
  const state = { cursor: after };
  let failures = 0;
  const url = `${platform.url.replace(/\/$/, '')}/v1/alerts/stream`;
  const aborted = () => options.signal?.aborted === true;
  while (!aborted()) {
    let response: HttpAnswer;
    try {
      response = await (platform.http ?? defaultHttpClient())(url, {
        headers: {
          authorization: `Bearer ${platform.credential}`,
          accept: 'text/event-stream',
          ...(state.cursor === undefined ? {} : { 'last-event-id': state.cursor }),
        },
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
    } catch (error) {
      if (aborted()) break;
      if (++failures > 30)
        throw new MemberError(
          'member.platform_unreachable',
          `GET /v1/alerts/stream: ${networkProblem(error)}`,
        );
      await sleep(Math.min(10_000, 250 * 2 ** failures));
      continue;
    }
    if (!response.ok) {
      const problem = (await response.json().catch(() => ({}))) as { code?: string };
      if (response.status >= 500 || response.status === 429) {
        await sleep(Math.min(10_000, 250 * 2 ** ++failures));
        continue;
      }
      throw new MemberError(
        'member.platform_refused',
        `GET /v1/alerts/stream: ${response.status} ${problem.code ?? ''}`,
        { status: response.status, code: problem.code ?? '' },
      );
    }
    failures = 0;
    options.onConnected?.();
    try {
      await readEvents(response.body, state, onAlert);
    } catch {
      // The connection dropped (or the signal aborted it): reconnect from the cursor.
    }
  }
  return state.cursor;
}

/** Reads one event stream to its end, moving the cursor past every alert handed on. */
async function readEvents(
  body: AsyncIterable<Uint8Array>,
  state: { cursor: string | undefined },
  onAlert: (alert: Alert) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let id: string | undefined;
      let data = '';
      for (const line of event.split('\n')) {
        if (line.startsWith('id: ')) id = line.slice(4);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      if (data !== '') {
        onAlert(JSON.parse(data) as Alert);
        if (id !== undefined) state.cursor = id;
      }
      end = buffer.indexOf('\n\n');
    }
  }
}
