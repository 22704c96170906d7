import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import type { TokenStats } from '@credence/core/risk/token-summary';
import type { SealedGrant } from '@credence/core/sealing/grant';
import type { SealedDetail } from '@credence/core/sealing/sealed-detail';
import type { AmountBand } from '@credence/core/wire/amount-band';
import type {
  CaseItemKind,
  DisclosureState,
  LegalBasis,
  LegalBasisType,
} from '@credence/core/wire/cases';
import type { SignedKeyStatement } from '@credence/core/wire/key-statements';
import type { Category, EntityRole, LinkType, ReportType } from '@credence/core/wire/vocabulary';

/** Who a credential belongs to (SPEC §2). Members of the first four types contribute. */
export const MEMBER_TYPES = [
  'bank',
  'payment',
  'telecom',
  'internet',
  'police',
  'auditor',
  'operator',
  'keyserver',
] as const;
export type MemberType = (typeof MEMBER_TYPES)[number];

/** What a member may do follows from its type: roles decide every endpoint. */
export type Role = 'member' | 'police' | 'auditor' | 'operator' | 'keyserver';

export function roleOf(type: MemberType): Role {
  switch (type) {
    case 'police':
      return 'police';
    case 'auditor':
      return 'auditor';
    case 'operator':
      return 'operator';
    case 'keyserver':
      // A key server run by another body: it reports its evaluation counts to the log.
      return 'keyserver';
    default:
      return 'member';
  }
}

export interface Member {
  readonly id: string;
  readonly name: string;
  readonly type: MemberType;
  readonly status: 'active' | 'disabled';
  readonly createdAt: number;
  /**
   * A key server's share index: the one share whose evaluation counts it may report
   * (services/oprf-usage.ts). Bound by the operator; absent for every other member.
   */
  readonly shareIndex?: number;
}

/** Whether members of this type evaluate tokens at the key servers (tokenize, check). */
export function evaluatesTokens(type: MemberType): boolean {
  const role = roleOf(type);
  return role === 'member' || role === 'police';
}

export interface TokenRef {
  readonly token: string;
  readonly kind: IdentifierKind;
  readonly keyId: string;
}

export interface IngestEntity extends TokenRef {
  readonly role: EntityRole;
}

/** A validated report of a signed batch, ready to store. Times are epoch milliseconds. */
export interface IngestReport {
  readonly ref: string;
  readonly type: ReportType;
  readonly category: Category;
  readonly occurredAt: number;
  readonly loss: AmountBand | undefined;
  /** Where the victim lives (ISO 3166-2), where the member said. */
  readonly region?: string | undefined;
  readonly entities: readonly IngestEntity[];
  /** The script's fingerprint and, where the member opted in, the masked narrative. */
  readonly fingerprint?: string | undefined;
  readonly script?: string | undefined;
  /** The narrative and exact loss sealed to the member's own key: ciphertext only. */
  readonly sealed?: SealedDetail | undefined;
  /** SHA-256 (hex) of the report's canonical JSON: equal refs with equal hashes are repeats. */
  readonly contentHash: string;
}

export interface IngestLink {
  readonly link: LinkType;
  readonly from: TokenRef;
  readonly to: TokenRef;
  readonly at: number;
  readonly count: number;
  readonly amount: AmountBand | undefined;
  readonly contentHash: string;
}

/** A script a member shares for one of its reports after sending it (a `report_script`). */
export interface IngestScript {
  readonly ref: string;
  readonly script: string;
}

/** The signed envelope of a batch, kept so that the platform can show who signed what. */
export interface BatchRecord {
  readonly memberId: string;
  readonly batchId: string;
  readonly kind: 'reports' | 'links' | 'scripts';
  /** SHA-256 (hex) of the canonical JSON of the signed batch. */
  readonly digest: string;
  readonly publicKey: string;
  readonly signature: string;
  readonly items: number;
  readonly receivedAt: number;
}

export type ItemStatus = 'accepted' | 'duplicate' | 'conflict';

export interface ItemOutcome {
  readonly index: number;
  readonly status: ItemStatus;
  readonly id: string;
  /**
   * For a report answered as a duplicate: the batch that first brought it, so that the
   * member can compute the entry that logged it (core/log/entries.ts, reportDigest).
   */
  readonly batchId?: string;
}

export interface IngestResult {
  readonly outcomes: readonly ItemOutcome[];
  /** The change sequence after this write: pass it as `after` to read your own writes. */
  readonly seq: number;
  readonly alerts: number;
  /** Where the write's log entries went; undefined when the batch changed nothing. */
  readonly log: LogAppend | undefined;
  /**
   * Reports: the latest reassignment (epoch ms; issue 12) of each of the batch's tokens
   * that was given to a new holder, as the write saw it (for the check view).
   */
  readonly reassigned?: Readonly<Record<string, number>>;
}

/** Entries appended to the transparency log by one write, and the tree they made. */
export interface LogAppend {
  /** Index of the first entry. */
  readonly first: number;
  readonly count: number;
  /** Tree size right after this write's entries, and its root. */
  readonly size: number;
  readonly root: Uint8Array;
}

/** What binding a key server to a share did (Store.bindShare). */
export type ShareBinding =
  | { readonly status: 'bound' | 'unchanged' | 'not_found' }
  | { readonly status: 'taken'; readonly by: string };

/**
 * A member as the operator enrols it (SPEC §2): its first credential (kept as its hash),
 * and, if given, the signing key it gave and the share a key server evaluates with.
 */
export interface Enrolment {
  readonly id: string;
  readonly name: string;
  readonly type: MemberType;
  readonly at: number;
  readonly credentialSha256: string;
  readonly publicKey?: string;
  readonly shareIndex?: number;
}

/** What enrolling did: made the member, or nothing (the id, or the share, was taken). */
export type EnrolmentResult =
  | { readonly status: 'created' | 'exists' }
  | { readonly status: 'share_taken'; readonly by: string };

/** The operator's rotation of a member: a new credential, an announced key, or both. */
export interface Rotation {
  readonly credentialSha256?: string;
  readonly announce?: KeyChange;
}

/** A key server's count of evaluations for one member on one UTC day, so far. */
export interface OprfUsage {
  /** The key server's platform member id: a key server reports, and is counted, for itself. */
  readonly reporter: string;
  readonly keyId: string;
  readonly shareIndex: number;
  readonly day: string;
  readonly member: string;
  readonly evaluations: number;
}

/** What the store holds that the log accounts for, one entry each. */
export interface AuditCounts {
  readonly reports: number;
  readonly retractions: number;
  readonly linkBatches: number;
  /** Scripts shared after their reports, alerts, policy versions, analysis runs. */
  readonly scripts: number;
  readonly alerts: number;
  readonly policies: number;
  readonly analyses: number;
  readonly outcomes: number;
  readonly qualityWeights: number;
  /** Appeals opened, and those ruled on. */
  readonly appeals: number;
  readonly appealRulings: number;
  /** Releases of public statistics. */
  readonly statsReleases: number;
  /** Parts of seized lists uploaded (exposure warnings). */
  readonly exposures: number;
  /** Compact filters published. */
  readonly filters: number;
}

/** A tree head of the log: its size and RFC 9162 root. */
export interface LogHead {
  readonly size: number;
  readonly root: Uint8Array;
}

/** A signed checkpoint kept in the log's history, with the witnesses' cosignature lines. */
export interface StoredCheckpoint {
  readonly size: number;
  /** The signed note text: the checkpoint and the log's signature. */
  readonly note: string;
  readonly createdAt: number;
  readonly cosignatures: readonly string[];
}

export interface StoredReport {
  readonly id: string;
  readonly ref: string;
  readonly type: ReportType;
  readonly category: Category;
  readonly occurredAt: number;
  readonly loss: AmountBand | undefined;
  readonly region: string | undefined;
  readonly entities: readonly IngestEntity[];
  readonly createdAt: number;
  readonly retractedAt: number | undefined;
  readonly retractReason: string | undefined;
  /** The sealed detail as the member sent it (which only its key, or a disclosure, opens). */
  readonly sealed: SealedDetail | undefined;
}

/** What one member's reports of one type say about one token (the summary at ingest). */
export type { TokenStats };

/**
 * A change of a member's signing keys, as the store applies it and logs it (a key_event
 * whose record is this change; docs/log.md). Only the member's own signed statement adds
 * or revokes a key at once; the operator announces a key for a member that lost its own,
 * and the key starts only after a waiting period the member is alerted of.
 */
export interface KeyChange {
  readonly event: 'added' | 'announced' | 'objected' | 'revoked';
  readonly publicKey: string;
  /**
   * added: the member's other keys that stop now (replace); announced: those that stop
   * when it starts; objected: those the objection keeps (they no longer stop).
   */
  readonly replaces: readonly string[];
  /** announced: when the key starts (epoch milliseconds). */
  readonly activatesAt?: number;
  /** Who made the change: the member (by a signed statement) or the operator. */
  readonly by: 'member' | 'operator';
  /** The member's signed statement, for the changes the member made. */
  readonly authorization?: SignedKeyStatement;
}

/** A member's signing key and when it is usable: from `activatesAt` (if set), until `revokedAt`. */
export interface SigningKeyRow {
  readonly publicKey: string;
  readonly createdAt: number;
  readonly activatesAt: number | undefined;
  readonly revokedAt: number | undefined;
}

/** Whether a key may sign at this time. */
export const usableAt = (k: SigningKeyRow, at: number): boolean =>
  (k.activatesAt === undefined || k.activatesAt <= at) &&
  (k.revokedAt === undefined || k.revokedAt > at);

/** A token whose state changed at seq; flagged tokens carry their statistics. */
export interface TokenChange {
  readonly token: string;
  readonly kind: IdentifierKind;
  readonly keyId: string;
  readonly seq: number;
  /**
   * The log's size right after the write that made this change: the token's summary is
   * what the logged reports and retractions below that size say (an auditor recomputes it).
   */
  readonly logSize: number;
  /**
   * When the token was last given to a new holder (its latest `reassigned` link, epoch
   * ms; issue 12): reports before that concern an earlier holder. Absent: never.
   */
  readonly reassignedAt?: number;
  /**
   * When the token's latest appeal was upheld (epoch ms; issue 17): what members said of
   * it by then no longer counts (core/risk/appeals.ts). Absent: never.
   */
  readonly appealUpheldAt?: number;
  readonly flagged: boolean;
  readonly stats: readonly TokenStats[];
}

export interface Alert {
  readonly seq: number;
  readonly id: number;
  readonly token: string;
  readonly kind: IdentifierKind;
  /**
   * What raised it: a report or link naming the token, an analysis run putting it in a
   * ring, or (`key`) a signing key the operator announced for the member itself (the
   * token is then the public key, the kind `signing_key`, occurredAt when it starts), or
   * (`appeal`) an appeal about the token upheld: the member's reports of it until then no
   * longer count, or a token it watches was cleared, or (`exposed`) a token it watches was
   * on a list of personal data the police seized from fraudsters (occurredAt: when seized).
   */
  readonly source: 'report' | 'link' | 'ring' | 'key' | 'appeal' | 'exposed';
  readonly reportType: ReportType | undefined;
  readonly category: Category | undefined;
  readonly linkType: LinkType | undefined;
  /** The ring the token joined (source `ring`). */
  readonly ringId: string | undefined;
  readonly occurredAt: number;
  readonly createdAt: number;
}

export interface WebhookDelivery {
  readonly alert: Alert;
  readonly memberId: string;
  readonly url: string;
  /** What the webhook's signing secret is derived from (services/webhooks.ts, webhookSecret). */
  readonly secretNonce: string;
  readonly attempts: number;
}

export interface PolicyRecord {
  readonly version: number;
  readonly body: unknown;
  readonly createdAt: number;
  readonly createdBy: string;
}

/** A report as analysis reads it: who filed it, what it says, its tokens. */
export interface EvidenceReportRow {
  readonly memberId: string;
  readonly id: string;
  readonly type: ReportType;
  readonly category: Category;
  readonly occurredAt: number;
  readonly entities: readonly IngestEntity[];
  readonly fingerprint: string | undefined;
  readonly script: string | undefined;
}

/** A link as analysis reads it. */
export interface EvidenceLinkRow {
  readonly memberId: string;
  readonly id: string;
  readonly link: LinkType;
  readonly from: TokenRef;
  readonly to: TokenRef;
  readonly at: number;
  readonly count: number;
}

/** An analysis run to keep: its result as one document, and the tokens its rings hold. */
/** A run's per-token ranks as columns: the i-th of each is one token's. */
export interface RankColumns {
  readonly tokens: string[];
  readonly score: Float64Array;
  readonly percentile: Float64Array;
  /** Distinct reported neighbours. */
  readonly near: Int32Array;
  /** The edge type the token's strongest path came over, or null. */
  readonly via: (string | null)[];
}

/** What one analysis run computes, in the parts the store keeps. */
export interface AnalysisParts {
  /** The result (rings with their tokens, campaigns, every token's rank), JSON: what the log binds. */
  readonly body: string;
  /** The body's SHA-256 (analysisRecord), computed once, on the analysis thread. */
  readonly resultSha256: string;
  /** The same document with the ranking's token list emptied: what every API node loads. */
  readonly summary: string;
  readonly ringTokens: readonly {
    readonly token: string;
    readonly kind: IdentifierKind;
    readonly ringId: string;
  }[];
  /** The ranking's tokens, as in the body, read a token at a time by checks. */
  readonly ranks: RankColumns;
  /**
   * A binary fuse filter (16-bit fingerprints) of the ranked tokens, in its byte form:
   * a node asks the store only for tokens it may hold, so that a check of a token no run
   * ranked (most checks) reads nothing. Null when a ranked token is not a 43-character
   * token (the filter keys only those): every token is then read.
   */
  readonly rankFilter: Uint8Array | null;
}

export interface AnalysisWrite extends AnalysisParts {
  readonly createdAt: number;
  /** The operator or process that ran it. */
  readonly createdBy: string;
}

export interface StoredAnalysis {
  readonly id: number;
  readonly createdAt: number;
  readonly body: string;
}

/**
 * What an API node holds of the latest run: its summary, and the digest of the whole
 * document. A run kept before ranks had rows of their own (ranked: false) gives its
 * whole document as the summary, ranks and all.
 */
export interface AnalysisHead {
  readonly id: number;
  readonly createdAt: number;
  readonly resultSha256: string;
  readonly summary: string;
  readonly ranked: boolean;
  /** The ranked tokens' filter (AnalysisParts.rankFilter); null: none. */
  readonly rankFilter: Uint8Array | null;
  /** Whether the store holds the run's ranks (false after a crash or a failover lost them). */
  readonly ranksKept: boolean;
}

/** One token's rank in a run, as kept. */
export interface StoredRank {
  readonly token: string;
  readonly score: number;
  readonly percentile: number;
  readonly near: number;
  readonly via: string | null;
}

/** A police case as the store keeps it (docs/cases.md). */
export interface CaseRecord {
  readonly id: string;
  /** The police member that opened it: the only member that sees it. */
  readonly police: string;
  readonly basis: LegalBasis;
  /** The investigator's sealing key (raw X25519, base64url): grants are sealed to it. */
  readonly recipient: string;
  readonly expiresAt: number;
  readonly createdAt: number;
  readonly closedAt: number | undefined;
  readonly items: number;
  readonly reports: number;
}

/** Something attached to a case, and how many reports it brought in. */
export interface CaseItem {
  readonly kind: CaseItemKind;
  readonly item: string;
  readonly reports: number;
  readonly attachedAt: number;
}

/** A report in a case: whose, which, and the item that brought it in. */
export interface CaseReport {
  readonly member: string;
  readonly report: string;
  readonly via: string;
  readonly attachedAt: number;
}

/** A disclosure request and what became of it. */
export interface Disclosure {
  readonly id: number;
  readonly case: string;
  readonly police: string;
  readonly owner: string;
  readonly report: string;
  readonly status: DisclosureState;
  readonly basisType: LegalBasisType;
  /** The case's legal basis and recipient key: what the owner decides on and seals to. */
  readonly basis: LegalBasis;
  readonly recipient: string;
  /** The report as stored now (undefined only if the store lost it). */
  readonly reportRecord: StoredReport | undefined;
  readonly requestedAt: number;
  readonly decidedAt: number | undefined;
  readonly grant: SealedGrant | undefined;
  readonly reason: string | undefined;
  readonly fetchedAt: number | undefined;
}
