import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { encodeBase64url } from '@credence/core/encoding/base64url';
import { verifyCheckpoint } from '@credence/core/log/checkpoint';
import { loadRistretto255, type Ristretto255 } from '@credence/core/oprf/ristretto255';
import { privateKeyFromJwk } from '@credence/core/signing/ed25519';
import { InlineClientCrypto } from './client-crypto.js';
import { clientOf, type HttpClient } from './http-client.js';
import { describeServer, evaluateOnServer, type KeyServerEndpoint } from './keyserver-client.js';
import { type MemberConfig, parseMemberConfig } from './member-config.js';
import { networkProblem } from './network-errors.js';

/** One finding of `credence member doctor`, in plain words. */
export interface DoctorCheck {
  readonly ok: boolean;
  /** What was checked: "key server #1 (https://…)", "the platform", "the clock". */
  readonly subject: string;
  readonly message: string;
}

/** How far the member's clock may be from the platform's (the platform's skew for a batch). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
const TIMEOUT_MS = 10_000;

async function get(
  endpoint: { readonly http?: HttpClient },
  url: string,
  credential?: string,
): Promise<{ status: number; body: string; date: string | null }> {
  const response = await clientOf(endpoint)(url, {
    ...(credential === undefined ? {} : { headers: { authorization: `Bearer ${credential}` } }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  return {
    status: response.status,
    body: await response.text(),
    date: response.headers.get('date'),
  };
}

const base = (url: string) => url.replace(/\/$/, '');

/**
 * One key server: reachable, serving the share group.json names, taking the member's
 * credential, and evaluating with that share (one evaluation of a random element, its
 * proof verified against group.json: it counts once against the member's daily quota).
 */
async function checkKeyServer(
  group: Ristretto255,
  config: MemberConfig,
  server: KeyServerEndpoint,
): Promise<{ checks: DoctorCheck[]; works: boolean }> {
  const subject = describeServer(server);
  const share = config.key.sharePublicKeys.find((s) => s.index === server.index);
  const failed = (message: string) => ({ checks: [{ ok: false, subject, message }], works: false });
  let keys: { keyId: string; shareIndex: number; sharePublicKey: string }[];
  try {
    const answer = await get(server, `${base(server.url)}/v1/oprf/keys`);
    if (answer.status !== 200)
      return failed(
        `answered ${answer.status} where it lists its keys: is this a Credence key server?`,
      );
    keys = (JSON.parse(answer.body) as { keys: typeof keys }).keys;
  } catch (error) {
    return failed(
      `cannot be reached (${networkProblem(error)}): check the address, the network path and that it runs`,
    );
  }
  const out: DoctorCheck[] = [{ ok: true, subject, message: 'reachable' }];
  const served = keys.find((k) => k.keyId === config.key.keyId);
  const expected = share === undefined ? undefined : encodeBase64url(share.publicKey);
  if (
    served === undefined ||
    served.shareIndex !== server.index ||
    served.sharePublicKey !== expected
  ) {
    out.push({
      ok: false,
      subject,
      message:
        served === undefined
          ? `does not serve key ${config.key.keyId} of group.json: is group.json the current key?`
          : `serves share ${served.shareIndex} with another public key than group.json's share ${server.index}: the wrong server or the wrong group.json`,
    });
    return { checks: out, works: false };
  }
  out.push({
    ok: true,
    subject,
    message: `serves share ${server.index} of key ${config.key.keyId}, as group.json says`,
  });
  const crypto = new InlineClientCrypto(group);
  let works = false;
  try {
    const { elements } = await crypto.blind([randomBytes(32)]);
    const answer = await evaluateOnServer(server, config.key.keyId, elements, {
      ...config.retry,
      retries: 0,
      timeoutMs: TIMEOUT_MS,
    });
    const verified = await crypto.verify(
      (share as { publicKey: Uint8Array }).publicKey,
      elements,
      answer.evaluated,
      answer.proof,
    );
    works = verified;
    out.push(
      verified
        ? {
            ok: true,
            subject,
            message: 'takes your credential, and its evaluation proof verifies against group.json',
          }
        : {
            ok: false,
            subject,
            message:
              "takes your credential, but its evaluation proof does not verify against group.json's share: tell its operator",
          },
    );
  } catch (error) {
    out.push({ ok: false, subject, message: (error as Error).message.replace(/^[^:]+: /, '') });
  } finally {
    await crypto.close();
  }
  return { checks: out, works };
}

/**
 * The platform: reachable, taking the member's credential as the member's; then the
 * clock, the log key and the signing key against it.
 */
async function checkPlatform(home: string, config: MemberConfig): Promise<DoctorCheck[]> {
  const platform = config.platform;
  if (platform === undefined)
    return [
      {
        ok: true,
        subject: 'the platform',
        message:
          'not configured: this member can tokenize, not submit or check (add a platform enrolment)',
      },
    ];
  const subject = `the platform (${platform.url})`;
  let me: { status: number; body: string; date: string | null };
  try {
    me = await get(platform, `${base(platform.url)}/v1/me`, platform.credential);
  } catch (error) {
    return [{ ok: false, subject, message: `cannot be reached (${networkProblem(error)})` }];
  }
  if (me.status === 401)
    return [
      {
        ok: false,
        subject,
        message:
          'refuses your credential: ask the operator for a new one, or renew it (credence member credential renew)',
      },
    ];
  if (me.status !== 200)
    return [{ ok: false, subject, message: `answered ${me.status} to GET /v1/me` }];
  const member = JSON.parse(me.body) as { id: string; type: string; status?: string };
  const out: DoctorCheck[] = [];
  out.push(
    member.id === config.memberId
      ? {
          ok: true,
          subject,
          message: `takes your credential: you are ${member.id} (${member.type})${member.status === 'disabled' ? ', but disabled' : ''}`,
        }
      : {
          ok: false,
          subject,
          message: `the credential is ${member.id}'s, not ${config.memberId}'s`,
        },
  );
  const clock = checkClock(me.date);
  if (clock !== undefined) out.push(clock);
  out.push(await checkLogKey(platform, config));
  out.push(await checkSigningKey(home, platform, config));
  return out;
}

/** The platform a member is enrolled with, as member.json names it. */
type PlatformConfig = NonNullable<MemberConfig['platform']>;

/** The clock: batches more than the skew away from the platform's are refused. */
function checkClock(date: string | null): DoctorCheck | undefined {
  const theirs = Date.parse(date ?? '');
  if (!Number.isFinite(theirs)) return undefined;
  const off = Date.now() - theirs;
  return {
    ok: Math.abs(off) <= MAX_CLOCK_SKEW_MS,
    subject: 'your clock',
    message:
      Math.abs(off) <= MAX_CLOCK_SKEW_MS
        ? `within ${Math.max(1, Math.ceil(Math.abs(off) / 1000))} s of the platform's`
        : `${Math.round(off / 1000)} s off the platform's (at most ${MAX_CLOCK_SKEW_MS / 1000} s): batches would be refused; set the clock (NTP)`,
  };
}

/** The log: the key member.json pins, and a checkpoint that verifies with it and the witnesses. */
async function checkLogKey(platform: PlatformConfig, config: MemberConfig): Promise<DoctorCheck> {
  try {
    const key = JSON.parse(
      (await get(platform, `${base(platform.url)}/v1/log/key`, platform.credential)).body,
    ) as { vkey: string };
    const pinned = config.log.logKey;
    if (pinned === undefined)
      return {
        ok: false,
        subject: 'the log key',
        message: `not pinned in member.json: set platform.logKey from the operator's enrolment (the platform says ${key.vkey})`,
      };
    if (pinned !== key.vkey)
      return {
        ok: false,
        subject: 'the log key',
        message:
          'member.json pins another key than the platform signs with: a different platform, or a key changed without notice; ask the operator',
      };
    const note = await get(
      platform,
      `${base(platform.url)}/v1/log/checkpoint`,
      platform.credential,
    );
    const witnesses = config.log.witnesses ?? [];
    const required = config.log.requiredWitnesses ?? witnesses.length;
    const { checkpoint } = verifyCheckpoint(note.body, {
      logKey: pinned,
      witnesses,
      requiredWitnesses: required,
    });
    return {
      ok: true,
      subject: 'the log key',
      message: `matches; the newest checkpoint (size ${checkpoint.size}) verifies${witnesses.length === 0 ? '' : ` with ${required} of ${witnesses.length} witnesses`}`,
    };
  } catch (error) {
    return {
      ok: false,
      subject: 'the log key',
      message: `the newest checkpoint does not verify: ${(error as Error).message}`,
    };
  }
}

/** The signing key: readable, and one of the member's current keys. */
async function checkSigningKey(
  home: string,
  platform: PlatformConfig,
  config: MemberConfig,
): Promise<DoctorCheck> {
  const file =
    config.signingKeyFile === undefined ? undefined : resolve(home, config.signingKeyFile);
  if (file === undefined)
    return {
      ok: false,
      subject: 'the signing key',
      message: 'signingKeyFile is not set in member.json',
    };
  try {
    const jwk = JSON.parse(readFileSync(file, 'utf8')) as { x: string };
    privateKeyFromJwk(jwk);
    const answer = await get(platform, `${base(platform.url)}/v1/me/keys`, platform.credential);
    const keys = (JSON.parse(answer.body) as { keys: { publicKey: string; state: string }[] }).keys;
    const mine = keys.find((k) => k.publicKey === jwk.x);
    return mine !== undefined && (mine.state === 'current' || mine.state === 'retiring')
      ? { ok: true, subject: 'the signing key', message: `${file} is your current key` }
      : {
          ok: false,
          subject: 'the signing key',
          message: `${file} is not a current key of yours at the platform (${mine?.state ?? 'unknown to it'}): register it (credence member init does) or ask the operator`,
        };
  } catch (error) {
    return {
      ok: false,
      subject: 'the signing key',
      message: `${file} cannot be read as an Ed25519 private key (${(error as Error).message})`,
    };
  }
}

/** The folder the member's local state lives in must take new files. */
function checkWritable(home: string): DoctorCheck {
  const probe = join(home, `.doctor-${process.pid}`);
  try {
    writeFileSync(probe, '');
    rmSync(probe);
    return {
      ok: true,
      subject: 'the local state',
      message: `${home} is writable (token cache, log state, results)`,
    };
  } catch (error) {
    return {
      ok: false,
      subject: 'the local state',
      message: `${home} is not writable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): the token cache and log state go there`,
    };
  }
}

/**
 * `credence member doctor`: every connection a member needs, checked in plain words —
 * each key server reachable, serving group.json's share, taking the credential, its proof
 * verifying; enough of them for the threshold; the platform taking the credential; the
 * clock within the skew; the log key matching and the newest checkpoint verifying; the
 * signing key current; the local folder writable. Nothing is sent but one evaluation of
 * a random element per key server.
 */
export async function diagnose(configFile: string): Promise<DoctorCheck[]> {
  const group = await loadRistretto255();
  const home = dirname(resolve(configFile));
  let config: MemberConfig;
  try {
    config = parseMemberConfig(group, JSON.parse(readFileSync(configFile, 'utf8')), home);
  } catch (error) {
    return [{ ok: false, subject: configFile, message: (error as Error).message }];
  }
  const checks: DoctorCheck[] = [
    {
      ok: true,
      subject: configFile,
      message: `member ${config.memberId}, key ${config.key.keyId} (${config.key.threshold} of ${config.key.sharePublicKeys.length})`,
    },
  ];
  const servers = await Promise.all(config.keyServers.map((s) => checkKeyServer(group, config, s)));
  for (const server of servers) checks.push(...server.checks);
  const working = servers.filter((s) => s.works).length;
  checks.push({
    ok: working >= config.key.threshold,
    subject: 'the key servers',
    message: `${working} of ${config.keyServers.length} work; tokenizing needs ${config.key.threshold}`,
  });
  checks.push(...(await checkPlatform(home, config)));
  checks.push(checkWritable(home));
  return checks;
}
