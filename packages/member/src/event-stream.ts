import { clientOf, type HttpAnswer } from './http-client.js';
import { MemberError } from './member-error.js';
import { networkProblem } from './network-errors.js';
import type { PlatformEndpoint } from './platform-client.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * How long a stream may stay silent before it is taken for dead and opened again: the
 * platform sends a heartbeat every 15 s, so four missed ones (a proxy that holds the
 * connection open but passes nothing on, a platform that hangs).
 */
export const STREAM_IDLE_MS = 60_000;

export interface StreamOptions {
  readonly signal?: AbortSignal;
  readonly onConnected?: () => void;
  readonly idleMs?: number;
}

/**
 * Follows one of the platform's server-sent event streams (`path`) until the signal
 * aborts, handing on each event's data. A dropped connection, or one silent for
 * `idleMs`, is opened again with Last-Event-ID, so no event is missed or repeated; a
 * refused one (bad credential, wrong role) ends with its error.
 */
export async function followEvents<T>(
  platform: PlatformEndpoint,
  path: string,
  after: string | undefined,
  onEvent: (event: T) => void,
  options: StreamOptions = {},
): Promise<string | undefined> {
  const state = { cursor: after };
  let failures = 0;
  const url = `${platform.url.replace(/\/$/, '')}${path}`;
  const aborted = () => options.signal?.aborted === true;
  while (!aborted()) {
    // Each connection ends when the caller's signal aborts, or when nothing has come for
    // idleMs (the timer starts again at every chunk, heartbeats included).
    const silence = new AbortController();
    let idle: NodeJS.Timeout | undefined;
    const heard = () => {
      clearTimeout(idle);
      idle = setTimeout(
        () => silence.abort(new DOMException(`${path} fell silent`, 'TimeoutError')),
        options.idleMs ?? STREAM_IDLE_MS,
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
            `GET ${path}: ${networkProblem(error)}`,
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
          `GET ${path}: ${response.status} ${problem.code ?? ''}`,
          { status: response.status, code: problem.code ?? '' },
        );
      }
      failures = 0;
      options.onConnected?.();
      try {
        await readEvents(response.body, state, onEvent, heard);
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

/** Reads one event stream to its end, moving the cursor past every event handed on. */
async function readEvents<T>(
  body: AsyncIterable<Uint8Array>,
  state: { cursor: string | undefined },
  onEvent: (event: T) => void,
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
        onEvent(JSON.parse(data) as T);
        if (id !== undefined) state.cursor = id;
      }
      end = buffer.indexOf('\n\n');
    }
  }
}
