import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseGroupKey } from '@credence/core/oprf/key-set';
import { loadRistretto255 } from '@credence/core/oprf/ristretto255';
import { generateEd25519 } from '@credence/core/signing/ed25519';
import { assembleMemberConfig, readEnrolment } from './enrolment.js';
import { httpClient } from './http-client.js';
import { MemberError } from './member-error.js';
import { MemberSession } from './member-session.js';
import { addFirstKey } from './own-keys.js';
import { type PlatformEndpoint, platformRequest } from './platform-client.js';
import { writeSealingKey } from './sealing-key.js';
import { readCaFile } from './tls-trust.js';

export interface InitOptions {
  /** The member's folder: member.json, signing-key.json, sealing-key.json and the local state go there. */
  readonly out: string;
  readonly enrol: readonly string[];
  /** group.json: the key servers' group key, from the key's owner. */
  readonly group: string;
  readonly phoneRegion?: string;
  /** Register the new signing key with the platform (default); false: print it for the operator. */
  readonly register?: boolean;
  /**
   * A PEM file of the CA certificates that signed the servers' HTTPS certificates, when
   * they are not public ones: copied into the folder as ca.pem, named by member.json's caFile.
   */
  readonly ca?: string;
}

export interface InitResult {
  readonly config: string;
  readonly signingKey: string;
  readonly publicKey: string;
  readonly keyServers: readonly number[];
  readonly platform: string | undefined;
  /** Registered with the platform, in its log, the receipt verified. */
  readonly registered: boolean;
}

const SIGNING_KEY_FILE = 'signing-key.json';
const SEALING_KEY_FILE = 'sealing-key.json';
const CA_FILE = 'ca.pem';

/** GET /v1/me once: the platform answers over a trusted connection and takes the credential. */
async function reachPlatform(platform: PlatformEndpoint): Promise<void> {
  try {
    await platformRequest(platform, 'GET', '/v1/me', undefined, { retries: 0, timeoutMs: 15_000 });
  } catch (error) {
    throw new MemberError(
      'member.enrolment',
      `nothing written: the platform at ${platform.url} ${error instanceof MemberError && error.details.status === 401 ? 'refuses the credential of the enrolment file (ask its operator for a new one)' : `did not answer as it should (${(error as Error).message})`}`,
    );
  }
}

/**
 * `credence member init`: the member's folder from the enrolment files the operators
 * gave it and the group key. Writes member.json (readable by the member only), makes the
 * signing key, and registers its public key with the platform: the member's first key,
 * signed by itself, sent with its credential, held to the log's receipt. Nothing is
 * overwritten: an existing member.json or signing key stops it before anything is made.
 */
export async function initMember(options: InitOptions): Promise<InitResult> {
  const dir = resolve(options.out);
  const config = join(dir, 'member.json');
  const keyFile = join(dir, SIGNING_KEY_FILE);
  const sealingFile = join(dir, SEALING_KEY_FILE);
  for (const f of [config, keyFile, sealingFile])
    if (existsSync(f))
      throw new MemberError(
        'member.config',
        `${f} exists already: init makes a new member folder and never overwrites one (name another --out)`,
      );
  const enrolments = options.enrol.map((file) => ({ file, enrolment: readEnrolment(file) }));
  let group: unknown;
  try {
    group = JSON.parse(readFileSync(options.group, 'utf8'));
    parseGroupKey(await loadRistretto255(), group);
  } catch (error) {
    throw new MemberError(
      'member.config',
      `${options.group} is not the group key (group.json, from credence keys init): ${(error as Error).message}`,
    );
  }
  const json = assembleMemberConfig({
    enrolments,
    group,
    phoneRegion: options.phoneRegion ?? 'CN',
    signingKeyFile: SIGNING_KEY_FILE,
  });
  const ca = options.ca === undefined ? undefined : readCaFile(options.ca);
  if (ca !== undefined) json.caFile = CA_FILE;
  const platformEnrolment = json.platform as { url: string; credential: string } | undefined;
  // The platform is asked before anything is written: a certificate this member does not
  // trust, a wrong address or a refused credential leaves no half-made folder behind.
  if (platformEnrolment !== undefined && options.register !== false)
    await reachPlatform({
      ...platformEnrolment,
      ...(ca === undefined ? {} : { http: httpClient({ ca }) }),
    });
  mkdirSync(dir, { recursive: true });
  if (ca !== undefined)
    writeFileSync(join(dir, CA_FILE), `${ca.join('\n')}\n`, { mode: 0o644, flag: 'wx' });
  const key = generateEd25519();
  writeFileSync(keyFile, `${JSON.stringify(key.privateJwk, null, 2)}\n`, {
    mode: 0o600,
    flag: 'wx',
  });
  await writeSealingKey(sealingFile);
  json.sealingKeyFile = SEALING_KEY_FILE;
  writeFileSync(config, `${JSON.stringify(json, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  const platform = (json.platform as { url: string } | undefined)?.url;
  let registered = false;
  if (platform !== undefined && options.register !== false) {
    const session = await MemberSession.open(config, { cache: false, threads: 0 });
    try {
      const monitor = await session.logMonitor();
      try {
        await addFirstKey({
          platform: session.platform,
          monitor,
          memberId: session.config.memberId,
          key: session.signingKey(),
        });
        registered = true;
      } finally {
        monitor.close();
      }
    } finally {
      await session.close();
    }
  }
  return {
    config,
    signingKey: keyFile,
    publicKey: key.publicKey,
    keyServers: (json.keyServers as { index: number }[]).map((k) => k.index),
    platform,
    registered,
  };
}
