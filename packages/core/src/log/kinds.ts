/**
 * The kinds of log entry, declared once (SPEC §3.4; docs/log.md): what each is about,
 * who may write one, which stored record an auditor holds its digest to, and whether a
 * member logs one subject once. The platform (what it reads for an audit), the member's
 * monitor (which entries in its name its own tool made) and the audit (which records to
 * check, which repeats to flag, how to name an entry) read this table; a new kind
 * (disclosures, filters, statistics releases, outcomes, appeals) is one more row here, and a test
 * holds docs/log.md's table of kinds to it.
 */

/**
 * What kind of thing an entry records:
 * - `contribution`: a write the member signed (its own tool knows every one it made);
 * - `bookkeeping`: what the platform or a key server counts of a member's use (checks,
 *   evaluations, the alerts a write raised), which the member sums up but never made;
 * - `event`: a change to a member, its keys, the policy or the analysis, whose record
 *   says what changed and who made it.
 */
export type EntryRole = 'contribution' | 'bookkeeping' | 'event';

/** Who may append an entry of a kind (the platform appends; this is on whose word). */
export type EntryWriter = 'member' | 'operator' | 'key_server' | 'platform';

/**
 * The record in the store an auditor recomputes an entry's digest from
 * (`GET /v1/audit/entries`; core/log/audit-records.ts): a report row, a batch's links, a
 * shared script, the alerts with their salt, or an event's record kept beside the log.
 */
export type EntryRecordType = 'report' | 'links' | 'script' | 'alerts' | 'event';

export interface EntryKindDeclaration {
  readonly role: EntryRole;
  readonly writers: readonly EntryWriter[];
  /** What the subject names, as docs/log.md writes it. */
  readonly subject: string;
  /** The stored record its digest is of; absent where nothing is stored to hold it to. */
  readonly record?: EntryRecordType;
  /** A member logs each subject once: a second entry with the same member and subject is a finding. */
  readonly unique: boolean;
  /**
   * The entry's record commits to the alerts its write raised (an `alertsDigest` under the
   * record's own `salt`), where a separate `alerts` entry would show who was alerted how
   * often; the store serves those alerts with the record, and the audit holds them to it.
   */
  readonly commitsAlerts?: true;
  /** How a person is told which entry is meant. */
  readonly describe: (entry: { readonly member: string; readonly subject: string }) => string;
}

const plain =
  (what: string) =>
  (e: { member: string; subject: string }): string =>
    `the ${what} ${e.subject} of ${e.member}`;

export const ENTRY_KINDS = {
  report: {
    role: 'contribution',
    writers: ['member'],
    subject: "the report's id",
    record: 'report',
    unique: true,
    describe: (e) => `report ${e.subject} of ${e.member}`,
  },
  retraction: {
    role: 'contribution',
    writers: ['member'],
    subject: "the report's id",
    record: 'report',
    unique: true,
    describe: (e) => `the retraction of report ${e.subject} of ${e.member}`,
  },
  link_batch: {
    role: 'contribution',
    writers: ['member'],
    subject: 'the batch id',
    record: 'links',
    unique: true,
    describe: (e) => `link batch ${e.subject} of ${e.member}`,
  },
  check_digest: {
    role: 'bookkeeping',
    writers: ['platform'],
    subject: 'checks/<count>/<first>/<last>',
    unique: false,
    describe: plain('check digest'),
  },
  oprf_usage: {
    role: 'bookkeeping',
    writers: ['key_server'],
    subject: 'oprf/<key server>/<key id>/<share>/<day>/<count>',
    record: 'event',
    unique: false,
    describe: plain('oprf usage'),
  },
  member_event: {
    role: 'event',
    writers: ['operator', 'member'],
    subject: 'the member id',
    record: 'event',
    unique: false,
    describe: plain('member event'),
  },
  key_event: {
    role: 'event',
    writers: ['operator', 'member'],
    subject: 'the public key',
    record: 'event',
    unique: false,
    describe: plain('key event'),
  },
  policy_change: {
    role: 'event',
    writers: ['operator'],
    subject: 'policy/<version>',
    record: 'event',
    unique: true,
    describe: plain('policy change'),
  },
  analysis: {
    role: 'event',
    writers: ['platform'],
    subject: 'analysis/<id>',
    record: 'event',
    unique: true,
    describe: plain('analysis'),
  },
  report_script: {
    role: 'contribution',
    writers: ['member'],
    subject: "the report's id",
    record: 'script',
    unique: true,
    describe: (e) => `the script shared for report ${e.subject} of ${e.member}`,
  },
  alerts: {
    role: 'bookkeeping',
    writers: ['platform'],
    subject: 'alerts/<count>',
    record: 'alerts',
    unique: false,
    describe: (e) => `the ${e.subject.split('/')[1] ?? ''} alerts raised by a write of ${e.member}`,
  },
  case_event: {
    role: 'event',
    writers: ['member'],
    subject: 'case/<case id>/<step>[/<legal basis type, disclosure id or refusal>]',
    record: 'event',
    unique: false,
    describe: (e) => `the ${e.subject} step of ${e.member}`,
  },
  outcome: {
    role: 'event',
    writers: ['member'],
    subject: 'outcome/<id>',
    record: 'event',
    unique: true,
    describe: (e) => `the ${e.subject} reported by ${e.member}`,
  },
  quality_weights: {
    role: 'event',
    writers: ['platform'],
    subject: 'quality/<version>',
    record: 'event',
    unique: true,
    describe: (e) => `the quality weights ${e.subject}`,
  },
  appeal: {
    role: 'event',
    writers: ['member'],
    subject: 'appeal/<id>',
    record: 'event',
    unique: true,
    describe: (e) => `the ${e.subject} opened through ${e.member}`,
  },
  appeal_ruling: {
    role: 'event',
    writers: ['operator'],
    subject: 'appeal/<id>',
    record: 'event',
    unique: true,
    describe: (e) => `the ruling on ${e.subject} by ${e.member}`,
  },
  stats_release: {
    role: 'event',
    writers: ['operator'],
    subject: 'stats/<week>/<cut>',
    record: 'event',
    unique: true,
    describe: (e) => `the public statistics ${e.subject} released by ${e.member}`,
  },
  exposure: {
    role: 'event',
    writers: ['platform'],
    subject: 'exposure/<id>',
    record: 'event',
    unique: true,
    commitsAlerts: true,
    describe: (e) => `the part of a seized list ${e.subject} a police member uploaded`,
  },
  filter: {
    role: 'event',
    writers: ['platform'],
    subject: 'filter/<key id>/<bits>/<version>',
    record: 'event',
    unique: true,
    describe: (e) => `the compact filter ${e.subject} the platform published`,
  },
} as const satisfies Readonly<Record<string, EntryKindDeclaration>>;

export type LogEntryKind = keyof typeof ENTRY_KINDS;

/** Every kind, in the order declared. */
export const LOG_ENTRY_KINDS = Object.keys(ENTRY_KINDS) as readonly LogEntryKind[];

export const isLogEntryKind = (kind: string): kind is LogEntryKind =>
  Object.hasOwn(ENTRY_KINDS, kind);

/** The declaration of a kind, typed as the general shape (optional fields readable). */
export const entryKind = (kind: LogEntryKind): EntryKindDeclaration => ENTRY_KINDS[kind];
