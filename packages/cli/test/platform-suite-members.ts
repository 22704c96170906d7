import { readFileSync } from 'node:fs';
import { expect, it, vi } from 'vitest';
import { credence, phone, type Scenario, serve } from './platform-scenario.js';

/** Steps of the platform's scenario: the operator enrols members and key servers. */
export function describeEnrolment(scenario: Scenario) {
  it('lists the members, never their credentials', () => {
    const r = credence('members', 'list', '--db', scenario.db);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^bank-a\tbank\tactive\tbank-a$/m);
    expect(r.out).not.toContain('crd_');
    const again = credence('members', 'add', 'bank-a', '--type', 'bank', '--db', scenario.db);
    expect(again.code).toBe(1);
    expect(again.err).toContain('member.exists');
  });

  it('enrols key servers bound to their shares, one key server per share', () => {
    const add = (id: string, ...more: string[]) =>
      credence('members', 'add', id, '--type', 'keyserver', ...more, '--db', scenario.db);
    expect(add('keyserver-1', '--share', '1').code).toBe(0);
    const taken = add('keyserver-2', '--share', '1');
    expect(taken.code).toBe(1);
    expect(taken.err).toContain('member.share_taken');
    // Without a share it is made, but told that its counts are refused until bound.
    const unbound = add('keyserver-2');
    expect(unbound.code, unbound.err).toBe(0);
    expect(unbound.err).toContain('credence members bind-share keyserver-2 --share');
    const bind = credence(
      'members',
      'bind-share',
      'keyserver-2',
      '--share',
      '2',
      '--db',
      scenario.db,
    );
    expect(bind.code, bind.err).toBe(0);
    const notKeyserver = credence(
      'members',
      'bind-share',
      'bank-a',
      '--share',
      '3',
      '--db',
      scenario.db,
    );
    expect(notKeyserver.code).toBe(1);
    expect(notKeyserver.err).toContain('shareIndex');
    const listed = credence('members', 'list', '--db', scenario.db).out;
    expect(listed).toMatch(/^keyserver-1\tkeyserver\tactive\tkeyserver-1\tshare 1$/m);
    expect(listed).toMatch(/^keyserver-2\tkeyserver\tactive\tkeyserver-2\tshare 2$/m);
    expect(listed).toMatch(/^bank-a\tbank\tactive\tbank-a$/m);
  });
}

/** Steps of the platform's scenario: a member disabled on the database, and enabled again. */
export function describeDisabledMembers(scenario: Scenario) {
  const { configs } = scenario;
  const checkAsBankB = () =>
    credence(
      'member',
      'check',
      '--kind',
      'phone',
      phone(1),
      '--config',
      configs['bank-b'] as string,
    );

  it('stops a member disabled on the database while it serves, within a poll, and lets it back in', async () => {
    const credential = (
      JSON.parse(readFileSync(configs['bank-b'] as string, 'utf8')) as {
        platform: { credential: string };
      }
    ).platform.credential;
    const me = async () =>
      (
        await fetch(`${scenario.platform?.url}/v1/me`, {
          headers: { authorization: `Bearer ${credential}` },
        })
      ).status;
    // Until the server's cache holds bank-b, then past its next poll (one second).
    const becomes = (expected: number) =>
      vi.waitFor(async () => expect(await me()).toBe(expected), { timeout: 3000, interval: 50 });
    expect(await me()).toBe(200);
    expect(credence('members', 'disable', 'bank-b', '--db', scenario.db).code).toBe(0);
    await becomes(401);
    const refused = checkAsBankB();
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('401 auth.invalid');
    expect(credence('members', 'enable', 'bank-b', '--db', scenario.db).code).toBe(0);
    await becomes(200);
  }, 60_000);

  it('stops a disabled member and lets it back in when enabled', async () => {
    expect(credence('members', 'disable', 'bank-b', '--db', scenario.db).code).toBe(0);
    await scenario.platform?.stop();
    await serve(scenario);
    const refused = checkAsBankB();
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('401 auth.invalid');
    expect(credence('members', 'enable', 'bank-b', '--db', scenario.db).code).toBe(0);
    await scenario.platform?.stop();
    await serve(scenario);
    expect(checkAsBankB().code).toBe(0);
  }, 60_000);
}
