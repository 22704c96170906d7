import { resolve } from 'node:path';
import type { PhoneRegion } from '@credence/core/identifiers/phone';
import { type GroupKey, parseGroupKey } from '@credence/core/oprf/key-set';
import type { Ristretto255 } from '@credence/core/oprf/ristretto255';
import { type DisclosurePolicy, parseDisclosurePolicy } from './disclosures.js';
import { type HttpClient, httpClient } from './http-client.js';
import { DEFAULT_RETRY, type KeyServerEndpoint, type RetryPolicy } from './keyserver-client.js';
import type { LogTrust } from './log-monitor.js';
import { MemberError } from './member-error.js';
import type { PlatformEndpoint } from './platform-client.js';
import { readCaFile } from './tls-trust.js';

/**
 * The member side's configuration (a JSON file kept inside the member's network; it
 * holds the member's key server credentials, so it is readable by the member only):
 *
 *   { "memberId": "bank-a", "phoneRegion": "CN",
 *     "key": { …group.json of the current key… },
 *     "keyServers": [{ "index": 1, "url": "http://…", "token": "cks_…" }, …],
 *     "timeoutMs": 15000, "retries": 3, "batchSize": 1000, "concurrency": 4,
 *     "platform": { "url": "http://…", "credential": "crd_…",
 *                   "logKey": "credence.local/log+…+…",
 *                   "witnesses": ["witness.example/w1+…+…"], "requiredWitnesses": 1 },
 *     "signingKeyFile": "signing-key.json", "sealingKeyFile": "sealing-key.json",
 *     "caFile": "consortium-ca.pem" }
 *
 * `platform` and `signingKeyFile` (a private Ed25519 JWK, relative to the configuration
 * file) are needed to submit, check, watch and follow alerts; tokenizing needs neither.
 * `sealingKeyFile` (sealing-key.ts) seals each report's narrative and exact loss into it.
 * `caFile` (optional, relative to the configuration file) adds CA certificates that
 * servers' HTTPS certificates may chain to, besides the public roots.
 */
export interface MemberConfig {
  readonly memberId: string;
  readonly phoneRegion: PhoneRegion;
  /**
   * Whether tokenizing gives a report without `region` the province of its victim's
   * Chinese fixed-line number (core/identifiers/phone-province.ts). Off unless the member
   * says so: it sends a fact about the victim the member did not write down, and it
   * changes what a resubmitted old file says (its reports would conflict with their
   * earlier selves).
   */
  readonly regionFromPhone: boolean;
  readonly key: GroupKey;
  readonly keyServers: readonly KeyServerEndpoint[];
  readonly retry: RetryPolicy;
  readonly batchSize: number;
  readonly concurrency: number;
  readonly platform: PlatformEndpoint | undefined;
  readonly signingKeyFile: string | undefined;
  /** The sealing key pair (sealing-key.ts); without it, narratives stay at the member only. */
  readonly sealingKeyFile: string | undefined;
  /** What the member's agent decides on its own about disclosure requests (disclosures.ts). */
  readonly disclosurePolicy: DisclosurePolicy;
  /** Whom to trust about the platform's log (LogMonitor); empty: pin the log key on first use. */
  readonly log: LogTrust;
}

const invalid = (field: string, why: string) =>
  new MemberError('member.config', `${field} ${why}`, { field });

/** An optional file name relative to member.json's folder. */
function fileName(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '')
    throw invalid(field, "must name a file (relative to member.json's folder)");
  return value;
}

function platformOf(value: unknown, reach: Reach): PlatformEndpoint | undefined {
  if (value === undefined) return undefined;
  const p = (value ?? {}) as Record<string, unknown>;
  if (typeof p.url !== 'string' || !/^https?:\/\//.test(p.url))
    throw invalid('platform.url', 'must be an http(s) URL');
  if (typeof p.credential !== 'string' || p.credential.length < 8)
    throw invalid('platform.credential', 'must be the bearer credential');
  return { url: p.url, credential: p.credential, ...reach };
}

/** How endpoints are reached: a client trusting caFile's authorities too, when there is one. */
type Reach = { readonly http?: HttpClient };

function reachOf(caFile: unknown, home: string): Reach {
  if (caFile === undefined) return {};
  if (typeof caFile !== 'string' || caFile === '')
    throw invalid(
      'caFile',
      "must name a PEM file of CA certificates (relative to member.json's folder)",
    );
  return { http: httpClient({ ca: readCaFile(resolve(home, caFile)) }) };
}

/**
 * member.json, checked; `home` is its folder, against which the files it names are read
 * (caFile here, signingKeyFile when used).
 */
export function parseMemberConfig(group: Ristretto255, value: unknown, home: string): MemberConfig {
  const json = (typeof value === 'object' && value !== null ? value : {}) as Record<
    string,
    unknown
  >;
  if (typeof json.memberId !== 'string' || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(json.memberId))
    throw invalid('memberId', 'must be a member id such as bank-a');
  const phoneRegion = json.phoneRegion ?? 'CN';
  if (typeof phoneRegion !== 'string' || !/^[A-Z]{2}$/.test(phoneRegion))
    throw invalid('phoneRegion', 'must be a two-letter region code');
  const regionFromPhone = json.regionFromPhone ?? false;
  if (typeof regionFromPhone !== 'boolean')
    throw invalid('regionFromPhone', 'must be true or false');
  let key: GroupKey;
  try {
    key = parseGroupKey(group, json.key);
  } catch (error) {
    throw invalid('key', `is not a valid group key (${(error as Error).message})`);
  }
  const reach = reachOf(json.caFile, home);
  if (!Array.isArray(json.keyServers) || json.keyServers.length === 0)
    throw invalid('keyServers', 'must list the key servers');
  const keyServers = json.keyServers.map((s: unknown, i): KeyServerEndpoint => {
    const e = (s ?? {}) as Record<string, unknown>;
    if (typeof e.index !== 'number' || !Number.isInteger(e.index))
      throw invalid(`keyServers[${i}].index`, 'must be the share index');
    if (typeof e.url !== 'string' || !/^https?:\/\//.test(e.url))
      throw invalid(`keyServers[${i}].url`, 'must be an http(s) URL');
    if (typeof e.token !== 'string' || e.token.length < 8)
      throw invalid(`keyServers[${i}].token`, 'must be the bearer credential');
    return { index: e.index, url: e.url, token: e.token, ...reach };
  });
  const positive = (field: string, fallback: number, max = Number.MAX_SAFE_INTEGER) => {
    const v = json[field] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max)
      throw invalid(field, `must be an integer from 0 to ${max}`);
    return v;
  };
  return {
    memberId: json.memberId,
    phoneRegion: phoneRegion as PhoneRegion,
    regionFromPhone,
    key,
    keyServers,
    retry: {
      ...DEFAULT_RETRY,
      timeoutMs: positive('timeoutMs', DEFAULT_RETRY.timeoutMs),
      retries: positive('retries', DEFAULT_RETRY.retries, 10),
    },
    batchSize: Math.max(1, positive('batchSize', 1000, 1000)),
    concurrency: Math.max(1, positive('concurrency', 4, 64)),
    platform: platformOf(json.platform, reach),
    signingKeyFile: typeof json.signingKeyFile === 'string' ? json.signingKeyFile : undefined,
    sealingKeyFile: fileName(json.sealingKeyFile, 'sealingKeyFile'),
    disclosurePolicy: parseDisclosurePolicy(json.disclosurePolicy),
    log: logTrustOf(json.platform),
  };
}

/**
 * platform.witnesses and platform.requiredWitnesses (default: all of them), as member.json
 * and a platform enrolment file hold them.
 */
export function witnessesOf(
  p: Record<string, unknown>,
  fail: (field: string, why: string) => Error,
): { witnesses: string[]; required: number } {
  const witnesses = p.witnesses ?? [];
  if (!Array.isArray(witnesses) || witnesses.some((w) => typeof w !== 'string'))
    throw fail('platform.witnesses', "must list the witnesses' verifier keys");
  const required = p.requiredWitnesses ?? witnesses.length;
  if (
    typeof required !== 'number' ||
    !Number.isInteger(required) ||
    required < 0 ||
    required > witnesses.length
  )
    throw fail(
      'platform.requiredWitnesses',
      'must be an integer from 0 to the number of witnesses',
    );
  return { witnesses: witnesses as string[], required };
}

/** platform.logKey, platform.witnesses and platform.requiredWitnesses, checked when used. */
function logTrustOf(value: unknown): LogTrust {
  const p = (value ?? {}) as Record<string, unknown>;
  if (p.logKey !== undefined && typeof p.logKey !== 'string')
    throw invalid('platform.logKey', "must be the log's verifier key");
  const { witnesses, required } = witnessesOf(p, invalid);
  return {
    ...(typeof p.logKey === 'string' ? { logKey: p.logKey } : {}),
    witnesses,
    requiredWitnesses: required,
  };
}
