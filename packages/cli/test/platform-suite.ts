import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { spawnKeyserver } from '../src/commands/keyserver-process.js';
import {
  credence,
  freePort,
  type Scenario,
  serve,
  type TestDatabase,
} from './platform-scenario.js';
import { describeAudit } from './platform-suite-audit.js';
import { describeCases } from './platform-suite-cases.js';
import { describeFilters } from './platform-suite-filters.js';
import { describeImpersonation } from './platform-suite-impersonation.js';
import { describeDisabledMembers, describeEnrolment } from './platform-suite-members.js';
import { describeNewMember } from './platform-suite-new-member.js';
import { describeOutcomes } from './platform-suite-outcomes.js';
import { describeAppealsAndStatistics } from './platform-suite-public.js';
import { describeStoreEdits } from './platform-suite-store-edits.js';
import { describeDurability, describeSubmissions } from './platform-suite-submissions.js';
import { describeTampering } from './platform-suite-tampering.js';

export { freePort, type TestDatabase } from './platform-scenario.js';

/**
 * The platform and the member side as their users run them: `credence members add` on
 * the platform's host, `credence serve`, and `credence member keygen/watch/submit/check/
 * alerts` at two members, all real processes over loopback. Runs on SQLite, and on
 * PostgreSQL when a URL is given.
 *
 * The tests are the steps of one scenario, in this order: each finds the platform, its
 * store and its members as the steps before it left them (a member enrolled, a report
 * submitted, an auditor's credential), so the themes share one set-up and run in turn.
 */
export function describePlatformCli(name: string, database: () => Promise<TestDatabase>) {
  describe(`the platform from the command line (${name})`, () => {
    const scenario: Scenario = {
      dir: mkdtempSync(join(tmpdir(), 'credence-platform-')),
      keyservers: [],
      configs: {},
      platform: undefined,
      port: 0,
      db: '',
      database: undefined,
      auditor: '',
    };

    beforeAll(async () => {
      scenario.database = await database();
      scenario.db = scenario.database.db;
      scenario.port = await freePort();
      expect(credence('keys', 'init', '--out', join(scenario.dir, 'keys')).code).toBe(0);
      const tokens = await startKeyservers(scenario);
      const credentials = enrolMembers(scenario);
      await serve(scenario);
      writeMemberConfigs(scenario, tokens, credentials);
    }, 120_000);

    afterAll(async () => {
      await scenario.platform?.stop();
      await Promise.all(scenario.keyservers.map((k) => k.stop()));
      await scenario.database?.drop();
      rmSync(scenario.dir, { recursive: true, force: true });
    });

    describeEnrolment(scenario);
    describeNewMember(scenario);
    describeSubmissions(scenario);
    describeDurability(scenario);
    describeDisabledMembers(scenario);
    describeAudit(scenario);
    describeCases(scenario);
    describeOutcomes(scenario);
    describeAppealsAndStatistics(scenario);
    describeFilters(scenario);
    describeStoreEdits(scenario);
    describeImpersonation(scenario);
    describeTampering(scenario);
  });
}

const BANKS = ['bank-a', 'bank-b'];

/** The three key servers, each with its share; each bank's credential at each, in order. */
async function startKeyservers(scenario: Scenario) {
  const { dir, keyservers } = scenario;
  const tokens: Record<string, string[]> = { 'bank-a': [], 'bank-b': [] };
  for (const index of [1, 2, 3]) {
    const members = join(dir, 'keys', `members-${index}.json`);
    for (const member of BANKS)
      tokens[member]?.push(
        credence('keyserver', 'credential', '--members', members, '--member', member).out.trim(),
      );
    keyservers.push(
      await spawnKeyserver({
        share: join(dir, 'keys', `share-${index}.json`),
        members,
        state: join(dir, `usage-${index}.json`),
        port: 0,
        logLevel: 'warn',
      }),
    );
  }
  return tokens;
}

/**
 * The operator makes the store, then enrolls the members with the public keys they made;
 * each bank's platform credential.
 */
function enrolMembers(scenario: Scenario) {
  const { dir, db } = scenario;
  const init = credence('store', 'init', '--db', db);
  expect(init.code, init.err).toBe(0);
  const credentials: Record<string, string> = {};
  for (const member of BANKS) {
    const keygen = credence('member', 'keygen', '--out', join(dir, member, 'signing-key.json'));
    expect(keygen.code, keygen.err).toBe(0);
    const sealing = join(dir, member, 'sealing-key.json');
    const sealingKey = credence('member', 'keygen', '--sealing', '--out', sealing);
    expect(sealingKey.code, sealingKey.err).toBe(0);
    // A sealing key is never replaced: what it sealed would be lost.
    expect(credence('member', 'keygen', '--sealing', '--force', '--out', sealing).code).not.toBe(0);
    const added = credence(
      'members',
      'add',
      member,
      '--type',
      'bank',
      '--public-key',
      keygen.out.trim(),
      '--db',
      db,
    );
    expect(added.code, added.err).toBe(0);
    credentials[member] = added.out.trim();
  }
  return credentials;
}

/** Each bank's member.json: the group key, its key servers and the running platform. */
function writeMemberConfigs(
  scenario: Scenario,
  tokens: Record<string, string[]>,
  credentials: Record<string, string>,
) {
  const { dir, configs, keyservers } = scenario;
  for (const member of BANKS) {
    configs[member] = join(dir, member, 'member.json');
    writeFileSync(
      configs[member],
      JSON.stringify({
        memberId: member,
        key: JSON.parse(readFileSync(join(dir, 'keys', 'group.json'), 'utf8')),
        keyServers: keyservers.map((k, i) => ({
          index: i + 1,
          url: k.url,
          token: tokens[member]?.[i],
        })),
        platform: { url: scenario.platform?.url, credential: credentials[member] },
        signingKeyFile: 'signing-key.json',
        sealingKeyFile: 'sealing-key.json',
      }),
    );
  }
}
