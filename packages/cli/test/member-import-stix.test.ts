import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { serializeGroupKey } from '@credence/core/oprf/key-set';
import { loadRistretto255 } from '@credence/core/oprf/ristretto255';
import { generateEd25519 } from '@credence/core/signing/ed25519';
import type { Platform } from '@credence/platform/server';
import { CommanderError } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Cluster, startCluster } from '../../member/test/harness.js';
import { livePlatform } from '../../member/test/live-platform.js';
import { buildProgram } from '../src/program.js';

/**
 * `credence member import-stix` as registered with the member's commands, run in this
 * process from the sources (the built CLI is what the other CLI tests run; this one needs
 * no build), against real key servers and a real platform: a dry run, an import, the
 * same import again, and the usage errors.
 */
const FIXTURE = resolve(import.meta.dirname, '../../member/test/fixtures/stix-fraud-bundle.json');
const dir = mkdtempSync(join(tmpdir(), 'credence-cli-import-stix-'));
const home = join(dir, 'bank-a');
const config = join(home, 'member.json');
let cluster: Cluster;
let platform: Platform;

beforeAll(async () => {
  cluster = await startCluster(await loadRistretto255());
  mkdirSync(join(dir, 'platform'));
  const live = await livePlatform(join(dir, 'platform'));
  platform = live.platform;
  const key = generateEd25519();
  const endpoint = await live.enrol('bank-a', 'bank', key.publicKey);
  mkdirSync(home);
  writeFileSync(join(home, 'signing-key.json'), JSON.stringify(key));
  writeFileSync(
    config,
    JSON.stringify({
      memberId: 'bank-a',
      key: serializeGroupKey(cluster.set.group),
      keyServers: cluster.endpoints,
      platform: endpoint,
      signingKeyFile: 'signing-key.json',
    }),
  );
}, 60_000);

afterAll(async () => {
  await platform?.close();
  await cluster?.close();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

/** Runs `credence member …` in this process: what it printed, and its exit code. */
async function member(...args: string[]): Promise<{ out: string; code: number | undefined }> {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
    lines.push(parts.join(' '));
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const program = await buildProgram('member');
  program.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  await program.parseAsync(['member', ...args], { from: 'user' });
  const code = process.exitCode === undefined ? undefined : Number(process.exitCode);
  return { out: lines.join('\n'), code };
}

describe('credence member import-stix', () => {
  it('--dry-run writes the raw reports and says what it made, submitting nothing', async () => {
    const out = join(dir, 'dry.raw.jsonl');
    const r = await member(
      'import-stix',
      FIXTURE,
      '--config',
      config,
      '--category',
      'fake_customer_service',
      '--dry-run',
      '--out',
      out,
    );
    expect(r.out).toContain(
      'stix-fraud-bundle.json: 14 objects, 7 indicators and 3 observables of the types taken.',
    );
    expect(r.out).toContain('Identifiers taken: phone 3, ip 2, domain 1, email 1, url 1.');
    expect(r.out).toMatch(/^ {2}1 stix\.cidr: an address range \(CIDR\) is not one address/m);
    expect(r.out).toContain(
      'indicator--e1a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8, comparison 1: stix.operator',
    );
    expect(r.out).toContain(`6 reports written to ${out}`);
    expect(r.out).toContain('Dry run: nothing was tokenized or submitted.');
    // Values of the file are in the member's own raw file, never in what it printed.
    expect(r.out).not.toContain('2233 4455');
    expect(r.out).not.toContain('45.77.12.34');
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(6);
    expect(existsSync(join(home, 'stix-fraud-bundle.json.tokens.jsonl'))).toBe(false);
    // Identifiers of the file were left out (a range, an operator, a time): exit 4.
    expect(r.code).toBe(4);
  });

  it('imports the file as member submit submits one, and again as already there', async () => {
    const first = await member(
      'import-stix',
      FIXTURE,
      '--config',
      config,
      '--category',
      'fake_customer_service',
    );
    expect(first.out).toContain(
      '6 reports and 0 links submitted: 6 accepted, 0 already there, 0 conflicts',
    );
    expect(first.out).toMatch(/log receipts verified and kept/);
    expect(first.out).toContain(
      `Every item's result: ${join(home, 'stix-fraud-bundle.json.results.jsonl')}`,
    );
    expect(first.code).toBe(4);
    const raw = readFileSync(join(home, 'stix-fraud-bundle.json.raw.jsonl'), 'utf8');

    const again = await member(
      'import-stix',
      FIXTURE,
      '--config',
      config,
      '--category',
      'fake_customer_service',
    );
    expect(again.out).toContain('0 accepted, 6 already there, 0 conflicts');
    expect(readFileSync(join(home, 'stix-fraud-bundle.json.raw.jsonl'), 'utf8')).toBe(raw);
  });

  it('refuses a file that is not STIX with one member.input error', async () => {
    const notStix = join(dir, 'report.json');
    writeFileSync(notStix, '{"type": "report", "name": "x"}');
    await expect(
      member('import-stix', notStix, '--config', config, '--category', 'other'),
    ).rejects.toMatchObject({ code: 'member.input' });
  });

  it('refuses a missing --category, an unknown one, and a bad --observed-at as usage errors', async () => {
    for (const flags of [
      [],
      ['--category', 'rumour'],
      ['--category', 'other', '--observed-at', 'last week'],
      ['--category', 'other', '--type', 'gossip'],
    ]) {
      const error = await member('import-stix', FIXTURE, '--config', config, ...flags).catch(
        (e: unknown) => e,
      );
      expect(error, flags.join(' ')).toBeInstanceOf(CommanderError);
      expect((error as CommanderError).exitCode).toBe(1);
    }
  });
});
