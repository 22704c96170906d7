import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateEd25519, privateKeyFromJwk } from '@credence/core/signing/ed25519';
import { signBatch } from '@credence/core/wire/batches';
import { expect, it } from 'vitest';
import { audited, credence, type Scenario, serve } from './platform-scenario.js';

/**
 * A step of the platform's scenario: no one speaks in a member's name. A key the operator
 * announces waits, and the member names what it did not do: a key, a credential, an entry.
 */
export function describeImpersonation(scenario: Scenario) {
  const { dir } = scenario;
  it("lets no one speak in a member's name: a key the operator announces waits, and the member names what it did not do", async () => {
    const ownKey = (
      JSON.parse(readFileSync(join(dir, 'bank-b', 'signing-key.json'), 'utf8')) as { x: string }
    ).x;
    expect(verifyAsBankB(scenario).code, verifyAsBankB(scenario).out).toBe(0);
    rotatingChangesNothing(scenario, ownKey);
    const forger = await announcedKeyWaits(scenario, ownKey);
    await issuedCredentialIsNamed(scenario, forger);
    await keyWithoutWaitingIsNamed(scenario, ownKey);
  }, 300_000);
}

/** bank-b's member.json. */
const configOf = (scenario: Scenario) => scenario.configs['bank-b'] as string;

/** The credential bank-b's member.json holds now. */
const credentialOf = (scenario: Scenario) =>
  (JSON.parse(readFileSync(configOf(scenario), 'utf8')) as { platform: { credential: string } })
    .platform.credential;

/** `credence member verify` at bank-b, in JSON. */
const verifyAsBankB = (scenario: Scenario, ...more: string[]) =>
  credence('member', 'verify', '--config', configOf(scenario), '--json', ...more);

/** The findings in the JSON of a `member verify`. */
const findingsOf = (r: { out: string }) =>
  (JSON.parse(r.out) as { findings: { kind: string; message: string; index: number }[] }).findings;

/** bank-b accepts that it saw these findings. */
function acceptAll(scenario: Scenario, found: { index: number }[]) {
  const accepted = verifyAsBankB(scenario, ...found.flatMap((f) => ['--accept', String(f.index)]));
  expect(accepted.code, accepted.out).toBe(0);
}

/**
 * A confirmed-fraud batch in bank-b's name, signed with someone else's key, sent with a
 * credential that works for bank-b.
 */
const submitInBankBsName = (
  scenario: Scenario,
  key: ReturnType<typeof generateEd25519>,
  credential: string,
) =>
  fetch(`${scenario.platform?.url}/v1/reports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
    body: JSON.stringify(
      signBatch(
        {
          member: 'bank-b',
          batchId: `forged-${key.publicKey.slice(0, 8)}`,
          createdAt: new Date().toISOString(),
          reports: [
            {
              ref: `forged-${key.publicKey.slice(0, 8)}`,
              type: 'confirmed_fraud',
              category: 'fake_loan',
              occurredAt: new Date(Date.now() - 60_000).toISOString(),
              entities: [{ role: 'caller', kind: 'phone', token: key.publicKey, keyId: 'k' }],
            },
          ],
        },
        privateKeyFromJwk(key.privateJwk),
        key.publicKey,
      ),
    ),
  });

/** Rotating to the key it has, or to nothing, changes nothing and says so. */
function rotatingChangesNothing(scenario: Scenario, ownKey: string) {
  const same = credence('members', 'rotate', 'bank-b', '--public-key', ownKey, '--db', scenario.db);
  expect(same.code).toBe(1);
  expect(same.err).toContain('key.current');
  expect(same.err).not.toMatch(/key \S+ announced|rotated/);
  const none = credence('members', 'rotate', 'bank-b', '--db', scenario.db);
  expect(none.code).toBe(1);
  expect(none.err).toContain('request.invalid');
}

/**
 * The operator announces a key of its own for bank-b: a batch signed with it is refused
 * while it waits; bank-b is alerted, its verify names the key, it objects.
 */
async function announcedKeyWaits(scenario: Scenario, ownKey: string) {
  const configFile = configOf(scenario);
  const forger = generateEd25519();
  const announced = credence(
    'members',
    'rotate',
    'bank-b',
    '--public-key',
    forger.publicKey,
    '--db',
    scenario.db,
  );
  expect(announced.code, announced.err).toBe(0);
  expect(announced.err).toMatch(/announced; it starts at \S+ unless bank-b objects/);
  const refused = await submitInBankBsName(scenario, forger, credentialOf(scenario));
  expect(refused.status).toBe(400);
  expect(((await refused.json()) as { code: string }).code).toBe('batch.key_pending');
  const alerts = credence('member', 'alerts', '--config', configFile);
  expect(alerts.out).toContain(`the operator announced signing key ${forger.publicKey} for you`);
  const seen = verifyAsBankB(scenario);
  expect(seen.code).toBe(1);
  const found = findingsOf(seen);
  expect(found.map((f) => f.kind)).toEqual(['foreign_key']);
  expect(found[0]?.message).toContain(forger.publicKey);
  const objected = credence('member', 'keys', 'object', forger.publicKey, '--config', configFile);
  expect(objected.code, objected.err).toBe(0);
  const listed = credence('member', 'keys', 'list', '--config', configFile);
  expect(listed.out).toContain(`${ownKey}  current`);
  expect(listed.out).toContain(`${forger.publicKey}  revoked`);
  // Named until bank-b accepts that it saw it.
  expect(verifyAsBankB(scenario).code).toBe(1);
  acceptAll(scenario, found);
  return forger;
}

/**
 * A credential the operator issues for bank-b locks bank-b's own out (which bank-b notices
 * at once); given the new one, bank-b's verify names it; bank-b renews its own, and the
 * operator's stops.
 */
async function issuedCredentialIsNamed(
  scenario: Scenario,
  forger: ReturnType<typeof generateEd25519>,
) {
  const configFile = configOf(scenario);
  const issued = credence('members', 'rotate', 'bank-b', '--credential', '--db', scenario.db);
  expect(issued.code, issued.err).toBe(0);
  // (The server's process learns of a change made on its database within a while.)
  await scenario.platform?.stop();
  await serve(scenario);
  const locked = verifyAsBankB(scenario);
  expect(locked.code).toBe(1);
  expect(locked.out).toContain('401 auth.invalid');
  const operators = issued.out.trim();
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as {
    platform: { credential: string };
  };
  config.platform.credential = operators;
  writeFileSync(configFile, JSON.stringify(config));
  const seen = verifyAsBankB(scenario);
  const found = findingsOf(seen);
  expect(found.map((f) => f.kind)).toEqual(['foreign_credential']);
  const renewed = credence('member', 'credential', 'renew', '--config', configFile);
  expect(renewed.code, renewed.err).toBe(0);
  expect(credentialOf(scenario)).not.toBe(operators);
  expect((await submitInBankBsName(scenario, forger, operators)).status).toBe(401);
  acceptAll(scenario, found);
}

/**
 * An operator who sets no waiting period makes its key work at once: bank-b's verify names
 * the key, and the report in its name that it did not send.
 */
async function keyWithoutWaitingIsNamed(scenario: Scenario, ownKey: string) {
  const { dir } = scenario;
  await scenario.platform?.stop();
  await serve(scenario, '--key-waiting-period', '0');
  const other = generateEd25519();
  expect(
    credence(
      'members',
      'rotate',
      'bank-b',
      '--public-key',
      other.publicKey,
      '--waiting',
      '0',
      '--db',
      scenario.db,
    ).code,
  ).toBe(0);
  expect((await submitInBankBsName(scenario, other, credentialOf(scenario))).status).toBe(200);
  let seen = verifyAsBankB(scenario);
  expect(seen.code).toBe(1);
  const found = findingsOf(seen);
  expect(found.map((f) => f.kind).sort()).toEqual(['foreign_entry', 'foreign_key']);
  // Done through the front door, in the log: the store is what the log says.
  expect(audited(scenario).code, audited(scenario).out).toBe(0);
  // bank-b, its key now stopped, makes a new one and asks the operator to announce it
  // (the lost-key path, here without waiting); the rest it accepts, having seen it.
  // Its old key, which may have leaked, is not announced again.
  expect(
    credence(
      'members',
      'rotate',
      'bank-b',
      '--public-key',
      ownKey,
      '--waiting',
      '0',
      '--db',
      scenario.db,
    ).err,
  ).toContain('key.current');
  const fresh = credence(
    'member',
    'keygen',
    '--out',
    join(dir, 'bank-b', 'signing-key.json'),
    '--force',
  );
  expect(fresh.code, fresh.err).toBe(0);
  expect(
    credence(
      'members',
      'rotate',
      'bank-b',
      '--public-key',
      fresh.out.trim(),
      '--waiting',
      '0',
      '--db',
      scenario.db,
    ).code,
  ).toBe(0);
  seen = verifyAsBankB(scenario);
  acceptAll(scenario, findingsOf(seen));
  await scenario.platform?.stop();
  await serve(scenario);
}
