import { clientOf, type HttpAnswer } from './http-client.js';
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
 * How long a stream may stay silent before it is taken for dead and opened again: the
 * platform sends a heartbeat every 15 s, so four missed ones (a proxy that holds the
 * connection open but passes nothing on, a platform that hangs).
 */
export const ALERT_STREAM_IDLE_MS = 60_000;

/**
 * Follows the member's alerts as server-sent events (GET /v1/alerts/stream) until the
 * signal aborts. A dropped connection, or one silent for `idleMs`, is opened again with
 * Last-Event-ID, so no alert is missed or repeated; a refused one (bad credential, wrong
 * role) ends with its error.
 */
export async function followAlerts(
  platform: PlatformEndpoint,
  after: string | undefined,
  onAlert: (alert: Alert) => void,
  options: {
    readonly signal?: AbortSignal;
    readonly onConnected?: () => void;
    readonly idleMs?: number;
  } = {},
): Promise<string | undefined> {
  const state = { cursor: after };
  let failures = 0;
  const url = `${platform.url.replace(/\/$/, '')}/v1/alerts/stream`;
  const aborted = () => options.signal?.aborted === true;
  while (!aborted()) {
    // Each connection ends when the caller's signal aborts, or when nothing has come for
    // idleMs (the timer starts again at every chunk, heartbeats included).
    const silence = new AbortController();
    let idle: NodeJS.Timeout | undefined;
    const heard = () => {
      clearTimeout(idle);
      idle = setTimeout(
        () => silence.abort(new DOMException('the alert stream fell silent', 'TimeoutError')),
        options.idleMs ?? ALERT_STREAM_IDLE_MS,
      );
    };
    const signal =
      options.signal === undefined
        ? silence.signal
        : AbortSignal.any([options.signal, silence.signal]);
    heard();
    try {
      let response: HttpAnswer;
      try {
        response = await clientOf(platform)(url, {
          headers: {
            authorization: `Bearer ${platform.credential}`,
            accept: 'text/event-stream',
            ...(state.cursor === undefined ? {} : { 'last-event-id': state.cursor }),
          },
          signal,
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
        await readEvents(response.body, state, onAlert, heard);
      } catch {
        // The connection dropped, fell silent, or the signal aborted it: reconnect from the
        // cursor (the loop ends if it was the caller's signal).
      }
    } finally {
      clearTimeout(idle);
    }
  }
  return state.cursor;
}

/** Reads one event stream to its end, moving the cursor past every alert handed on. */
async function readEvents(
  body: AsyncIterable<Uint8Array>,
  state: { cursor: string | undefined },
  onAlert: (alert: Alert) => void,
  heard: () => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    heard();
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
