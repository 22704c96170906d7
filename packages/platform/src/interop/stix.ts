import { createHash, randomUUID } from 'node:crypto';
import type { Assessment } from '@credence/core/risk/policy';
import type { CampaignSummary, RingDetail } from '../services/analysis-records.js';

/**
 * STIX 2.1 objects of what a member may see (issue 18, docs/interop.md): an indicator per
 * flagged token, whose pattern names the token in a custom cyber-observable type
 * (`x-credence-token`, declared by an extension definition: STIX has no phone-number or
 * bank-account object, and a token is not the raw value); rings as infrastructure that
 * consists of their tokens (as observables of that type); campaigns that use those rings, with their masked script where shared;
 * the platform as the identity that made them. Pure: the caller gives the facts and the
 * times.
 */

export type StixObject = { readonly type: string; readonly id: string } & Record<string, unknown>;

export const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';

/** The platform, as the identity that creates every object (a fixed id: one platform). */
export const PLATFORM_IDENTITY_ID = 'identity--6b1b3d0e-3c3e-4f0a-9d4c-0c1a7f2e5b91';
/** The extension definition declaring `x-credence-token`. */
export const TOKEN_EXTENSION_ID = 'extension-definition--1f5c8a52-7d3b-4e86-a0c1-3f9d6b2e8c47';
/** When both were defined: their `created` and `modified`. */
const DEFINED = '2026-12-07T00:00:00.000Z';
/** The namespace of the name-based (version 5) ids of groupings, campaigns, relationships. */
const NAMESPACE = '7a4e9c1d-2b6f-4d83-9e15-5c0b8f3a6d27';

/** STIX timestamps: RFC 3339 in UTC, to the millisecond. */
export const stixTime = (ms: number): string => new Date(ms).toISOString();

function uuidOf(bytes: Uint8Array, version: 4 | 5): string {
  const b = Buffer.from(bytes.subarray(0, 16));
  b[6] = ((b[6] as number) & 0x0f) | (version << 4);
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** RFC 9562 §5.5: a name-based UUID (SHA-1 of the namespace's bytes and the name). */
export function uuidV5(namespace: string, name: string): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  return uuidOf(hash, 5);
}

/**
 * A token's indicator id, the same for every version of its indicator: a version-4 UUID
 * whose first 6 bytes are the token's (its first 8 characters: they lead back to the
 * token's row, which no hash could) and whose other 74 free bits are its SHA-256's. A
 * member may send any 43 characters as a token, so a token made to share another's first
 * bytes must not share its id (which would make its indicator a "new version" of the other
 * in every consumer's store): that would take about 2^74 tries.
 */
export function indicatorId(token: string): string {
  const bytes = new Uint8Array(16);
  bytes.set(createHash('sha256').update(token, 'utf8').digest().subarray(0, 16));
  // Its first 8 characters are 6 whole bytes (a token's last character may carry spare bits).
  bytes.set(Buffer.from(token.slice(0, 8), 'base64url').subarray(0, 6));
  return `indicator--${uuidOf(bytes, 4)}`;
}

/** The token prefix (8 base64url characters) an indicator id leads back to; undefined if none. */
export function tokenPrefixOf(id: string): string | undefined {
  const m =
    /^indicator--([0-9a-f]{8})-([0-9a-f]{4})-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.exec(id);
  if (m === null) return undefined;
  return Buffer.from(`${m[1]}${m[2]}`, 'hex').toString('base64url');
}

export function platformIdentity(): StixObject {
  return {
    type: 'identity',
    spec_version: '2.1',
    id: PLATFORM_IDENTITY_ID,
    created: DEFINED,
    modified: DEFINED,
    name: 'Credence platform',
    description:
      "The consortium's fraud-data platform: it pools its members' tokenized reports and finds what no member sees alone.",
    identity_class: 'system',
  };
}

export function tokenExtensionDefinition(): StixObject {
  return {
    type: 'extension-definition',
    spec_version: '2.1',
    id: TOKEN_EXTENSION_ID,
    created_by_ref: PLATFORM_IDENTITY_ID,
    created: DEFINED,
    modified: DEFINED,
    name: 'x-credence-token',
    description:
      'A Credence token: the output of a threshold OPRF over an identifier (a phone number, bank card or account, URL, …) under the consortium key `key_id`. Only a member holding the identifier can compute its token, through the consortium key servers; the token says nothing of the identifier.',
    schema:
      'A cyber-observable object of type x-credence-token with the properties token (43 base64url characters: 32 bytes), key_id (the OPRF key id; optional) and identifier_kind (phone, bank_card, bank_account, id_number, imei, device_id, ip, url, domain, email, app, wallet, im_account). Its id contributing property is token.',
    version: '1.0.0',
    extension_types: ['new-sco'],
  };
}

/** A STIX pattern's string literal (STIX 2.1 patterning: quote and backslash escaped). */
const literal = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** What an indicator of a token states: its row and its reports' assessment. */
export interface TokenFacts {
  readonly token: string;
  readonly keyId: string;
  readonly kind: string;
  /** When it was first known: the end of that epoch (epoch ms), the same for every version. */
  readonly created: number;
  /** The end of the epoch of the change that last moved it (epoch ms): this version's time. */
  readonly modified: number;
  /** Its reports' assessment as of `modified`. */
  readonly assessment: Pick<
    Assessment,
    'verdict' | 'score' | 'reporters' | 'categories' | 'firstSeen' | 'explanation'
  >;
  /** When its reports stop making it suspicious (epoch ms), if ever. */
  readonly clearsAt?: number;
}

const INDICATOR_TYPES = {
  fraud: ['malicious-activity'],
  suspicious: ['anomalous-activity'],
  clear: ['benign'],
} as const;

/**
 * A flagged token's indicator. Never revoked (STIX revocation is for good, and a token
 * reported again after its reports were retracted is flagged again): one whose reports no
 * longer make it suspicious, or no longer stand (an upheld appeal), is valid until then.
 */
export function tokenIndicator(f: TokenFacts): StixObject {
  const a = f.assessment;
  const validFrom = a.firstSeen ?? f.created;
  // valid_until must be after valid_from.
  const validUntil = f.clearsAt === undefined ? undefined : Math.max(f.clearsAt, validFrom + 1);
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: indicatorId(f.token),
    created_by_ref: PLATFORM_IDENTITY_ID,
    created: stixTime(f.created),
    modified: stixTime(Math.max(f.created, f.modified)),
    name: `Flagged ${f.kind} token`,
    description: a.explanation,
    indicator_types: [...INDICATOR_TYPES[a.verdict]],
    confidence: Math.round(a.score * 100),
    ...(a.categories.length === 0 ? {} : { labels: [...a.categories] }),
    pattern: `[x-credence-token:token = ${literal(f.token)} AND x-credence-token:key_id = ${literal(f.keyId)}]`,
    pattern_type: 'stix',
    pattern_version: '2.1',
    valid_from: stixTime(validFrom),
    ...(validUntil === undefined ? {} : { valid_until: stixTime(validUntil) }),
    x_credence_identifier_kind: f.kind,
    x_credence_verdict: a.verdict,
    x_credence_reporters: a.reporters,
  };
}

/** The STIX namespace of cyber-observable ids (STIX 2.1 §2.9). */
const SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';

/**
 * A token as a cyber-observable of the extension's type, its id name-based on its id
 * contributing property (the token) as STIX asks of observables.
 */
export function tokenObservable(token: string, kind: string): StixObject {
  return {
    type: 'x-credence-token',
    spec_version: '2.1',
    id: `x-credence-token--${uuidV5(SCO_NAMESPACE, JSON.stringify({ token }))}`,
    token,
    identifier_kind: kind,
    extensions: { [TOKEN_EXTENSION_ID]: { extension_type: 'new-sco' } },
  };
}

const ringId = (runId: number, id: string) =>
  `infrastructure--${uuidV5(NAMESPACE, `ring/${runId}/${id}`)}`;

/**
 * A ring of an analysis run, as STIX infrastructure (the accounts, numbers and devices a
 * fraud operation runs on) that `consists-of` its tokens, each as an `x-credence-token`
 * observable: the tokens nobody reported, which joint analysis found, have no indicator.
 * Not a grouping: the OASIS bundle schema does not list grouping among the objects a
 * bundle holds, and takes one for a custom object that then matches two schemas.
 */
export function ringObjects(
  run: { id: number; createdAt: number },
  ring: RingDetail,
): StixObject[] {
  const at = stixTime(run.createdAt);
  const id = ringId(run.id, ring.id);
  const tokens = [
    ...new Map(
      ring.tokens
        // A former holder's epoch of a reassigned token is the same token.
        .map((n) => [n.token.split('@')[0] as string, n.kind] as const),
    ),
  ];
  const observables = tokens.map(([token, kind]) => tokenObservable(token, kind));
  return [
    {
      type: 'infrastructure',
      spec_version: '2.1',
      id,
      created_by_ref: PLATFORM_IDENTITY_ID,
      created: at,
      modified: at,
      name: `Ring ${ring.id} (analysis ${run.id})`,
      description: ring.explanation,
      infrastructure_types: ['unknown'],
      confidence: Math.round(ring.score * 100),
      ...(ring.categories.length === 0 ? {} : { labels: [...ring.categories] }),
      x_credence_ring: ring.id,
      x_credence_analysis: run.id,
      x_credence_members: ring.members,
      x_credence_tokens: tokens.length,
    },
    ...observables.flatMap((o) => [
      o,
      {
        type: 'relationship',
        spec_version: '2.1',
        id: `relationship--${uuidV5(NAMESPACE, `ring-token/${run.id}/${ring.id}/${o.token as string}`)}`,
        created_by_ref: PLATFORM_IDENTITY_ID,
        created: at,
        modified: at,
        relationship_type: 'consists-of',
        source_ref: id,
        target_ref: o.id,
      },
    ]),
  ];
}

export const campaignId = (runId: number, id: string) =>
  `campaign--${uuidV5(NAMESPACE, `campaign/${runId}/${id}`)}`;

/** A campaign of an analysis run, with its masked script where its members shared it. */
export function campaignObject(
  run: { id: number; createdAt: number },
  c: CampaignSummary,
): StixObject {
  const at = stixTime(run.createdAt);
  return {
    type: 'campaign',
    spec_version: '2.1',
    id: campaignId(run.id, c.id),
    created_by_ref: PLATFORM_IDENTITY_ID,
    created: at,
    modified: at,
    name: `Campaign ${c.id}: ${c.category} (analysis ${run.id})`,
    ...(c.script === null ? {} : { description: c.script }),
    labels: Object.keys(c.categories).length === 0 ? [c.category] : Object.keys(c.categories),
    first_seen: stixTime(Date.parse(c.firstSeen)),
    last_seen: stixTime(Date.parse(c.lastSeen)),
    x_credence_campaign: c.id,
    x_credence_analysis: run.id,
    x_credence_reports: c.size,
    x_credence_members: c.members,
    x_credence_weekly: [...c.weekly],
  };
}

/** A campaign's use of a ring its reports name tokens of. */
export function campaignRingRelationship(
  run: { id: number; createdAt: number },
  campaign: string,
  ring: string,
): StixObject {
  const at = stixTime(run.createdAt);
  return {
    type: 'relationship',
    spec_version: '2.1',
    id: `relationship--${uuidV5(NAMESPACE, `campaign-ring/${run.id}/${campaign}/${ring}`)}`,
    created_by_ref: PLATFORM_IDENTITY_ID,
    created: at,
    modified: at,
    relationship_type: 'uses',
    source_ref: campaignId(run.id, campaign),
    target_ref: ringId(run.id, ring),
  };
}

/** A bundle's id: random, as STIX 2.1 asks of bundles. */
export const bundleId = (): string => `bundle--${randomUUID()}`;
