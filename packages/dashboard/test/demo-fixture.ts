import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { ServiceProcess } from '@credence/cli/commands/service-process';
import { startDemo } from '@credence/cli/commands/start';

/**
 * The demo consortium, small (scale 0.1: about 15 s on two cores), with its services
 * running: what the dashboard's tests sign in to. The same code as `npm start`, so the
 * views are tested on the demo's data.
 */
export interface Demo {
  readonly data: string;
  readonly services: ServiceProcess[];
  /** A member's member.json. */
  config(member: string): string;
  stop(): Promise<void>;
}

const portFree = (port: number) =>
  new Promise<boolean>((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });

/** Three consecutive free ports for the key servers (the demo numbers them from a base). */
async function portBase(): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    if ((await portFree(base)) && (await portFree(base + 1)) && (await portFree(base + 2)))
      return base;
  }
}

export async function startSmallDemo(data: string): Promise<Demo> {
  const services = await startDemo({
    data,
    host: '127.0.0.1',
    portBase: await portBase(),
    port: 0,
    exit: false,
    scale: 0.1,
    quiet: true,
    hold: true,
  });
  return {
    data,
    services,
    config: (member) => join(data, 'members', member, 'member.json'),
    stop: async () => void (await Promise.all(services.map((s) => s.stop()))),
  };
}

interface RawReport {
  readonly ref: string;
  readonly narrative?: string;
  readonly lossCny?: number;
  readonly entities: readonly { role: string; kind: string; value: string }[];
}

/** A demo member's raw reports, as the demo world wrote them (its own data). */
export const rawReportsOf = (demo: Demo, member: string): RawReport[] =>
  readFileSync(join(demo.data, 'demo', 'members', member, 'reports.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as RawReport);

/**
 * An identifier a demo member reported (from its own raw reports, as the demo world wrote
 * them), in normalized form and as a person would type it: a phone number without its
 * country code and in groups, an account number in groups of four.
 */
export function reportedIdentifier(demo: Demo, member: string) {
  const entities = rawReportsOf(demo, member).flatMap((r) => r.entities);
  const found =
    entities.find((e) => e.kind === 'phone' && /^\+861\d{10}$/.test(e.value)) ??
    entities.find((e) => e.kind === 'bank_account' && /^\d{12,19}$/.test(e.value));
  if (found === undefined) throw new Error(`${member} reported no phone number or account`);
  const typed =
    found.kind === 'phone'
      ? found.value.replace(/^\+86(\d{3})(\d{4})(\d{4})$/, '$1 $2 $3')
      : found.value.replace(/(\d{4})(?=\d)/g, '$1 ');
  return { kind: found.kind, value: found.value, typed };
}

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/**
 * An HTTP request with exactly the headers given (fetch would set Origin and refuses Host):
 * what a browser, or a page on another site, would send.
 */
export function call(
  url: string,
  method: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
): Promise<Answer> {
  return new Promise((done, fail) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        done({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      // A server may close a connection whose body it refused before reading it all.
      if (error.code === 'EPIPE' || error.code === 'ECONNRESET')
        done({ status: -1, headers: {}, body: '' });
      else fail(error);
    });
    if (body !== undefined) req.write(body);
    req.end();
  });
}
