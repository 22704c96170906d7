import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { KeyserverProcess } from '../src/commands/keyserver-process.js';
import { type ServiceProcess, spawnService } from '../src/commands/service-process.js';

/**
 * What the steps of the platform's command-line scenario (platform-suite.ts) share: the
 * real processes they drive, the one platform and its members that every step finds as
 * the steps before it left them.
 */
export const BIN = resolve(import.meta.dirname, '../bin/credence.js');
export const RECORD_MODULES = resolve(import.meta.dirname, 'record-modules.mjs');

export function credence(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** `credence` without blocking this process (which may have to answer the command meanwhile). */
export function credenceAsync(
  ...args: string[]
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args]);
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('close', (code) => done({ code, out, err }));
  });
}

/** A port nobody listens on now, so that a restarted server comes back at the same URL. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export const phone = (i: number) => `1380013${String(i).padStart(4, '0')}`;
export const NARRATIVE = 'the caller said he was from the police and asked for a safe account';

export interface TestDatabase {
  /** What --db takes. */
  readonly db: string;
  /** Everything the store holds, as text (to look for what must not be there). */
  dump(): Promise<string>;
  drop(): Promise<void>;
  /** Runs SQL on the store behind the platform's back (to tamper with it). */
  sql(query: string): Promise<Record<string, unknown>[]>;
  /** Puts a row back as it was read by sql(). */
  insert(table: string, row: Record<string, unknown>): Promise<void>;
}

/**
 * The scenario's state: made empty when the suite is declared, filled in by its set-up,
 * and changed by the steps (a restarted platform, the auditor one step enrols).
 */
export interface Scenario {
  /** The folder of keys, members' files, the platform's key and its log. */
  readonly dir: string;
  readonly keyservers: KeyserverProcess[];
  /** Each member's member.json, by member id. */
  readonly configs: Record<string, string>;
  platform: ServiceProcess | undefined;
  port: number;
  /** What --db takes. */
  db: string;
  database: TestDatabase | undefined;
  /** The auditor's credential, once a step has enrolled one. */
  auditor: string;
}

/** `credence serve` on the scenario's store, port and key; the running platform from then on. */
export async function serve(scenario: Scenario, ...more: string[]) {
  scenario.platform = await spawnService(
    'platform',
    [
      'serve',
      '--db',
      scenario.db,
      '--key',
      join(scenario.dir, 'platform-key.json'),
      '--port',
      String(scenario.port),
      '--log-level',
      'info',
      // A receiver on this machine, for the members' webhook tests.
      '--webhook-allow',
      '127.0.0.1/32',
      ...more,
    ],
    { log: join(scenario.dir, 'platform.log') },
  );
  return scenario.platform;
}

/** `credence audit` of the running platform's log, as the scenario's auditor, in JSON. */
export function audited(scenario: Scenario, ...more: string[]) {
  return credence(
    'audit',
    '--log',
    scenario.platform?.url as string,
    '--credential',
    scenario.auditor,
    '--json',
    ...more,
  );
}
