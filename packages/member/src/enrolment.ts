import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { witnessesOf } from './member-config.js';
import { MemberError } from './member-error.js';

/**
 * Enrolment files (issue 13): what each party hands a new member, so that nobody writes
 * `member.json` by hand. The platform's operator writes one with the platform's address,
 * the member's credential, the log's verifier key and the witnesses members require
 * (`credence members add … --enrol-out`); each key server's operator writes one with its
 * address, its share index and the member's credential there (`credence keyserver
 * credential … --enrol-out`). The member assembles them with the group key into
 * `member.json` (`credence member init`). Each file holds a credential: it is written
 * readable by its owner only and travels as a secret (docs/deployment.md).
 */
export const ENROLMENT_FORMAT = 'credence-enrolment/1';

export interface PlatformEnrolment {
  readonly format: typeof ENROLMENT_FORMAT;
  readonly memberId: string;
  readonly platform: {
    readonly url: string;
    readonly credential: string;
    readonly logKey: string;
    readonly witnesses: readonly string[];
    readonly requiredWitnesses: number;
  };
}

export interface KeyServerEnrolment {
  readonly format: typeof ENROLMENT_FORMAT;
  readonly memberId: string;
  readonly keyServer: { readonly index: number; readonly url: string; readonly token: string };
}

export type Enrolment = PlatformEnrolment | KeyServerEnrolment;

/** An http(s) URL, as an enrolment names the platform or a key server. */
export const isHttpUrl = (url: string): boolean => /^https?:\/\/\S+$/.test(url);

/**
 * Refuses a file that exists: an enrolment holds a credential, so it is never replaced.
 * The commands that write one check this before they make the credential, too.
 */
export function checkEnrolmentTarget(file: string): void {
  if (existsSync(file))
    throw new MemberError(
      'member.enrolment',
      `${file} exists already: an enrolment holds a credential, so it is never overwritten (remove it, or name another file)`,
    );
}

/** Writes an enrolment file, readable by its owner only; refuses to replace one. */
export function writeEnrolment(file: string, enrolment: Enrolment): void {
  checkEnrolmentTarget(file);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(enrolment, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
}

/** Reads and checks an enrolment file; every problem names the file and the field. */
export function readEnrolment(file: string): Enrolment {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new MemberError(
      'member.enrolment',
      missing
        ? `${file} does not exist: name the enrolment files the operators gave you`
        : `${file} is not an enrolment file (not JSON)`,
    );
  }
  const bad = (field: string, why: string) =>
    new MemberError('member.enrolment', `${file}: ${field} ${why}`, { field });
  if (typeof json !== 'object' || json === null || json.format !== ENROLMENT_FORMAT)
    throw bad('format', `must be ${ENROLMENT_FORMAT}: this is not an enrolment file`);
  if (typeof json.memberId !== 'string' || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(json.memberId))
    throw bad('memberId', 'must be a member id such as bank-a');
  const memberId = json.memberId;
  const text = (o: Record<string, unknown>, field: string, path: string, min = 1) => {
    const v = o[field];
    if (typeof v !== 'string' || v.length < min) throw bad(path, 'is missing');
    return v;
  };
  if (typeof json.platform === 'object' && json.platform !== null) {
    const p = json.platform as Record<string, unknown>;
    const url = text(p, 'url', 'platform.url');
    if (!isHttpUrl(url)) throw bad('platform.url', 'must be an http(s) URL');
    const { witnesses, required } = witnessesOf(p, bad);
    return {
      format: ENROLMENT_FORMAT,
      memberId,
      platform: {
        url,
        credential: text(p, 'credential', 'platform.credential', 8),
        logKey: text(p, 'logKey', 'platform.logKey'),
        witnesses,
        requiredWitnesses: required,
      },
    };
  }
  if (typeof json.keyServer === 'object' && json.keyServer !== null) {
    const k = json.keyServer as Record<string, unknown>;
    if (typeof k.index !== 'number' || !Number.isInteger(k.index) || k.index < 1)
      throw bad('keyServer.index', 'must be the share index, 1 or more');
    const url = text(k, 'url', 'keyServer.url');
    if (!isHttpUrl(url)) throw bad('keyServer.url', 'must be an http(s) URL');
    return {
      format: ENROLMENT_FORMAT,
      memberId,
      keyServer: { index: k.index, url, token: text(k, 'token', 'keyServer.token', 8) },
    };
  }
  throw bad('platform', 'or keyServer must be there: this enrolment names neither');
}

/**
 * `member.json` from the enrolments and the group key (group.json of the key servers'
 * key): one member, each key server once, at most one platform. Without a platform
 * enrolment the member can tokenize but not submit.
 */
export function assembleMemberConfig(options: {
  readonly enrolments: readonly { readonly file: string; readonly enrolment: Enrolment }[];
  readonly group: unknown;
  readonly phoneRegion: string;
  readonly signingKeyFile: string;
}): Record<string, unknown> {
  const ids = new Set(options.enrolments.map((e) => e.enrolment.memberId));
  if (ids.size !== 1)
    throw new MemberError(
      'member.enrolment',
      ids.size === 0
        ? 'no enrolment file given (--enrol)'
        : `the enrolment files are for different members: ${options.enrolments.map((e) => `${e.file} (${e.enrolment.memberId})`).join(', ')}`,
    );
  const keyServers: KeyServerEnrolment['keyServer'][] = [];
  let platform: PlatformEnrolment['platform'] | undefined;
  for (const { file, enrolment } of options.enrolments) {
    if ('keyServer' in enrolment) {
      if (keyServers.some((k) => k.index === enrolment.keyServer.index))
        throw new MemberError(
          'member.enrolment',
          `${file}: key server ${enrolment.keyServer.index} is enrolled twice`,
        );
      keyServers.push(enrolment.keyServer);
    } else {
      if (platform !== undefined)
        throw new MemberError('member.enrolment', `${file}: a second platform enrolment`);
      platform = enrolment.platform;
    }
  }
  if (keyServers.length === 0)
    throw new MemberError(
      'member.enrolment',
      'no key server enrolment: each key server operator gives one (credence keyserver credential --enrol-out)',
    );
  keyServers.sort((a, b) => a.index - b.index);
  return {
    memberId: [...ids][0] as string,
    phoneRegion: options.phoneRegion,
    key: options.group,
    keyServers,
    ...(platform === undefined ? {} : { platform, signingKeyFile: options.signingKeyFile }),
  };
}
