import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';

/** One request as the member side makes it: a JSON or text body, or bytes (an evidence file). */
export interface HttpRequest {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  /** Ends the request, or the reading of its answer, with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** An answer: its status and headers at once, its body read when asked. */
export interface HttpAnswer {
  readonly status: number;
  /** A 2xx status. */
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  /** The body as it arrives (an event stream reads it so). */
  readonly body: AsyncIterable<Uint8Array>;
  text(): Promise<string>;
  json(): Promise<unknown>;
}

/**
 * How the member side reaches the key servers and the platform. A request fails with the
 * system's error (its `code`: ECONNREFUSED, CERT_HAS_EXPIRED…) or the signal's reason.
 */
export type HttpClient = (url: string, request?: HttpRequest) => Promise<HttpAnswer>;

function answerOf(message: IncomingMessage): HttpAnswer {
  const status = message.statusCode ?? 0;
  let read: Promise<string> | undefined;
  const text = () => {
    read ??= (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of message) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    })();
    return read;
  };
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: {
      get: (name) => {
        const value = message.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
    },
    body: message,
    text,
    json: async () => JSON.parse(await text()) as unknown,
  };
}

/**
 * An HTTP client on Node.js's own `http` and `https` (kept-alive connections, one pool
 * per client). Server certificates are always verified, host name included; `ca` adds
 * authorities (a consortium's own CA, member.json's `caFile`) to the public roots.
 *
 * Not the global fetch: a one-shot command such as `member check` would spend about a
 * tenth of a second at exit while V8 finishes compiling fetch's HTTP parser (issue 13
 * §6, start-up), and these requests need nothing fetch adds.
 */
export function httpClient(options: { readonly ca?: readonly string[] } = {}): HttpClient {
  const plain = { request: httpRequest, agent: new HttpAgent({ keepAlive: true }) };
  // node:https (and TLS) load at the first https URL: a demo on http never needs them.
  let secure: Promise<typeof plain> | undefined;
  const secureTransport = () => {
    secure ??= Promise.all([import('node:https'), import('node:tls')]).then(
      ([https, { rootCertificates }]) => ({
        request: https.request,
        agent: new https.Agent({
          keepAlive: true,
          ...(options.ca === undefined ? {} : { ca: [...rootCertificates, ...options.ca] }),
        }),
      }),
    );
    return secure;
  };
  return async (url, request = {}) => {
    const target = new URL(url);
    if (target.protocol !== 'http:' && target.protocol !== 'https:')
      throw new TypeError(`${url}: only http and https are spoken here`);
    const transport = target.protocol === 'https:' ? await secureTransport() : plain;
    const { signal } = request;
    if (signal?.aborted === true) throw signal.reason;
    return new Promise<HttpAnswer>((resolve, reject) => {
      const outgoing = transport.request(target, {
        method: request.method ?? 'GET',
        // A body's length is said whatever the method: Node frames no DELETE body by itself.
        headers: {
          ...request.headers,
          ...(request.body === undefined
            ? {}
            : {
                'content-length': String(
                  typeof request.body === 'string'
                    ? Buffer.byteLength(request.body)
                    : request.body.byteLength,
                ),
              }),
        },
        agent: transport.agent,
      });
      // An abort ends the request, or the body being read: either way with the reason.
      let incoming: IncomingMessage | undefined;
      const abort = () => {
        incoming?.destroy(signal?.reason as Error);
        outgoing.destroy(signal?.reason as Error);
      };
      signal?.addEventListener('abort', abort, { once: true });
      outgoing.on('close', () => signal?.removeEventListener('abort', abort));
      outgoing.on('error', (error: NodeJS.ErrnoException) => reject(named(error)));
      outgoing.on('response', (message) => {
        incoming = message;
        resolve(answerOf(message));
      });
      outgoing.end(request.body);
    });
  };
}

/**
 * An https URL at a port that speaks plain HTTP fails in OpenSSL's words ("wrong version
 * number") under a generic EPROTO; it gets the code that says it, as the TLS layer gives
 * it when it notices first, so that it is said in words and not retried.
 */
function named(error: NodeJS.ErrnoException): NodeJS.ErrnoException {
  if (error.code === 'EPROTO' && /wrong version number/i.test(error.message))
    return Object.assign(error, { code: 'ERR_SSL_WRONG_VERSION_NUMBER' });
  return error;
}

let shared: HttpClient | undefined;

/**
 * How an endpoint is reached: its own client (one trusting member.json's caFile), else
 * the shared one, which trusts the public roots only.
 */
export function clientOf(endpoint: { readonly http?: HttpClient }): HttpClient {
  if (endpoint.http !== undefined) return endpoint.http;
  shared ??= httpClient();
  return shared;
}
