import type { FilterRelease } from '@credence/core/filters/filter-release';
import type { AuditRecord } from '@credence/core/log/audit-records';
import type { LogEntry } from '@credence/core/log/entries';
import type { NodeId } from '@credence/core/merkle/tree-builder';
import type { StatisticsRule } from '@credence/core/risk/policy';
import type { QualityRule, QualityWeights } from '@credence/core/risk/quality';
import type { AppealReason, AppealStatus } from '@credence/core/wire/appeals';
import type { CaseItemKind } from '@credence/core/wire/cases';
import type { ExposureJson } from '@credence/core/wire/exposures';
import type { StatsCut, StatsRelease } from '@credence/core/wire/statistics';
import type {
  Alert,
  AnalysisHead,
  AnalysisWrite,
  AuditCounts,
  BatchRecord,
  CaseItem,
  CaseRecord,
  CaseReport,
  Disclosure,
  Enrolment,
  EnrolmentResult,
  EvidenceLinkRow,
  EvidenceReportRow,
  IngestLink,
  IngestReport,
  IngestResult,
  IngestScript,
  KeyChange,
  LogAppend,
  LogHead,
  Member,
  MemberType,
  OprfUsage,
  PolicyRecord,
  RankColumns,
  Rotation,
  ShareBinding,
  SigningKeyRow,
  StoredAnalysis,
  StoredCheckpoint,
  StoredRank,
  StoredReport,
  TokenChange,
  TokenRef,
  WebhookDelivery,
} from '../domain/types.js';
import type { AuditStatePage, AuditTable } from './audit-state.js';
import type { AuditSubject } from './log-append.js';
import type { AppealRow, OpenedAppeal, RuledAppeal, Ruling } from './sql/appeals.js';
import type {
  Decision,
  DecisionOutcome,
  DisclosureFilter,
  NewCase,
  ReportKey,
} from './sql/cases.js';
import type { RecordedExposure } from './sql/exposures.js';
import type { FilterToRecord, FlaggedTokens, PublishedFilter } from './sql/filters.js';
import type { NewOutcome, OutcomeRows, OutcomeStatus } from './sql/outcomes.js';
import type { Released } from './sql/statistics.js';
import type { TokenCursor, TokenRow } from './sql/taxii.js';

/** Members, their credentials, signing keys and shares; who may do what. */
export interface MemberStore {
  createMember(member: {
    id: string;
    name: string;
    type: MemberType;
    createdAt: number;
  }): Promise<void>;
  /**
   * Creates a member with its first credential, its enrolment key and its share (if
   * given), each logged, in one transaction: a member is made whole or not at all. An id
   * that exists, or a share bound to another member, changes nothing, also when two
   * enrolments race.
   */
  enrolMember(enrolment: Enrolment): Promise<EnrolmentResult>;
  /**
   * The operator's rotation in one transaction: the member's credentials replaced by the
   * new one and/or a key announced (as changeSigningKeys). False: no such member.
   */
  rotateMember(memberId: string, at: number, rotation: Rotation): Promise<boolean>;
  getMember(id: string): Promise<Member | undefined>;
  listMembers(): Promise<Member[]>;
  setMemberStatus(id: string, status: Member['status']): Promise<boolean>;
  /**
   * Issues a credential (kept as its hash), with `replace` revoking the member's others
   * first, in one transaction; logged as member events that say who did it.
   */
  issueCredential(
    memberId: string,
    sha256: string,
    at: number,
    options: { by: 'operator' | 'member'; replace: boolean },
  ): Promise<LogAppend>;
  memberByCredential(sha256: string): Promise<Member | undefined>;
  /**
   * Applies a change of the member's signing keys and logs it (a key_event whose record
   * is the change), atomically; an announced key also alerts the member.
   */
  changeSigningKeys(memberId: string, at: number, change: KeyChange): Promise<LogAppend>;
  /** Every signing key the member has had, with when each is usable, oldest first. */
  signingKeys(memberId: string): Promise<SigningKeyRow[]>;
  /**
   * Binds a key server member to the share index it evaluates with (the share whose
   * counts it may report), logged as a member event `{event: "share", shareIndex}`. A
   * share is bound to one member at most: one bound to another member is `taken`.
   */
  bindShare(memberId: string, shareIndex: number, at: number): Promise<ShareBinding>;
  /**
   * A counter that every change to who may do what moves, in the change's transaction: a
   * member's status, its credentials, its signing keys. API processes follow it to drop
   * their caches of credentials and keys (services/credentials.ts); 0 before any change.
   */
  memberVersion(): Promise<number>;
  /**
   * For a store other API processes write to (PostgreSQL): tells `onChange` as each of
   * their changes commits ('members': who may do what; 'data': anything else, also after
   * a lost connection is restored, since changes may have been missed meanwhile), and
   * `onError` of each failure of the watch, which reconnects by itself. Absent: no other
   * process writes (SQLite), but for `credence members` on the file, which the member
   * version tells.
   */
  watchChanges?(
    onChange: (what: 'members' | 'data') => void,
    onError: (error: unknown) => void,
  ): Promise<{ close(): Promise<void> }>;
}

/** Reports, links and scripts the members send, and their retractions. */
export interface ContributionStore {
  /**
   * Stores a batch's new reports with their entities, counts them into the per-token
   * statistics, and alerts the members watching their tokens, atomically. A ref seen
   * before is a duplicate (same content) or a conflict (other content) and changes
   * nothing.
   */
  ingestReports(batch: BatchRecord, reports: readonly IngestReport[]): Promise<IngestResult>;
  /**
   * Keeps scripts a member shares for reports it sent before (each a `report_script`
   * entry): a script already kept, or already sent with its report, is a duplicate; any
   * other script for such a report is a conflict. Reports never change.
   */
  shareScripts(batch: BatchRecord, scripts: readonly IngestScript[]): Promise<IngestResult>;
  /** The member's reports by ref: their ids, and whether they carry a fingerprint. */
  reportsByRef(
    memberId: string,
    refs: readonly string[],
  ): Promise<Map<string, { id: string; fingerprint: boolean }>>;
  /** Stores a batch's new links (repeats are duplicates) and alerts watchers. */
  ingestLinks(batch: BatchRecord, links: readonly IngestLink[]): Promise<IngestResult>;
  /** Retracts one of the member's own reports; statistics of its tokens are recounted. */
  retractReport(
    memberId: string,
    reportId: string,
    reason: string,
    at: number,
  ): Promise<{ status: 'retracted' | 'not_found' | 'already'; seq: number; log?: LogAppend }>;
  getReport(memberId: string, reportId: string): Promise<StoredReport | undefined>;
  listReports(
    memberId: string,
    afterId: string | undefined,
    limit: number,
  ): Promise<StoredReport[]>;
}

/** The change sequence and the state of each token it moved (what checks answer from). */
export interface TokenStateStore {
  currentSeq(): Promise<number>;
  /**
   * A job's turn, for jobs every API process runs on a timer but one should run each
   * interval on data not covered yet: true when no process took one, or the last was at
   * least `minGapMs` before `now` and on a change sequence before `basis`, recording both;
   * false otherwise (sql/sequence.ts).
   */
  takeTurn(job: string, now: number, minGapMs: number, basis: number): Promise<boolean>;
  /** Tokens whose state changed after seq, in sequence order, with their statistics. */
  changesSince(seq: number, limit: number): Promise<TokenChange[]>;
  /**
   * The tokens' current states, as their last change left them (tokens never changed:
   * absent). With `freshAs`, states as of that change sequence or later do: a store with
   * hot standbys may read them there (PostgresStore's standby reads).
   */
  tokenStates(tokens: readonly string[], freshAs?: number): Promise<TokenChange[]>;
}

/** Watchlists, alerts and their webhook deliveries. */
export interface WatchStore {
  addWatch(memberId: string, tokens: readonly TokenRef[], at: number): Promise<number>;
  removeWatch(memberId: string, tokens: readonly string[]): Promise<number>;
  listWatch(memberId: string, afterToken: string | undefined, limit: number): Promise<TokenRef[]>;

  listAlerts(
    memberId: string,
    after: { seq: number; id: number } | undefined,
    limit: number,
  ): Promise<Alert[]>;

  /** Registers (or moves) a member's webhook; a fresh nonce rotates its signing secret. */
  setWebhook(memberId: string, url: string, secretNonce: string, at: number): Promise<void>;
  getWebhook(memberId: string): Promise<{ url: string; secretNonce: string } | undefined>;
  /** Removes a member's webhook; with `url`, only while it still points there. */
  deleteWebhook(memberId: string, url?: string): Promise<boolean>;
  /** Claims up to limit deliveries that are due, leasing them so no other process takes them. */
  claimDeliveries(now: number, leaseMs: number, limit: number): Promise<WebhookDelivery[]>;
  deliveryDone(alertId: number, at: number): Promise<void>;
  deliveryFailed(alertId: number, nextAttemptAt: number, error: string): Promise<void>;
}

/** The transparency log: entries, tree nodes, checkpoints, witnesses, key servers' counts. */
export interface LogStore {
  /**
   * Keeps key servers' evaluation counts and logs each count that grew (one `oprf_usage`
   * entry each); counts that did not grow change nothing.
   */
  recordOprfUsage(usage: readonly OprfUsage[], at: number): Promise<LogAppend | undefined>;
  /** Appends entries that no other write carries (check digests). */
  appendLog(entries: readonly LogEntry[]): Promise<LogAppend>;
  logHead(): Promise<LogHead>;
  /** The canonical JSON texts of entries [start, end), in order. */
  logEntries(start: number, end: number): Promise<string[]>;
  /** Hashes of stored perfect subtrees (see @credence/core/merkle); missing ones are absent. */
  logNodes(ids: readonly NodeId[]): Promise<Map<string, Uint8Array>>;
  /** Keeps a signed checkpoint; one of the same size already kept wins. */
  saveCheckpoint(size: number, note: string, at: number): Promise<void>;
  /** The newest kept checkpoint, or the one of this size. */
  getCheckpoint(size?: number): Promise<StoredCheckpoint | undefined>;
  /** The newest kept checkpoint with at least this many cosignatures. */
  latestCosignedCheckpoint(cosignatures: number): Promise<StoredCheckpoint | undefined>;
  /** Kept checkpoints from this size on, oldest first. */
  listCheckpoints(fromSize: number, limit: number): Promise<StoredCheckpoint[]>;
  /** Adds a witness's cosignature line to the checkpoint of this size (once per witness). */
  addCosignature(size: number, witness: string, line: string, at: number): Promise<void>;

  /**
   * Witnesses registered by the operator while the platform runs (`credence witnesses`),
   * besides those `serve --witness` names: the log collects their cosignatures too.
   */
  listWitnesses(): Promise<string[]>;
  /** False when the verifier key was registered already. */
  addWitness(vkey: string, at: number): Promise<boolean>;
  removeWitness(vkey: string): Promise<boolean>;
}

/** What an auditor reads to hold the log to the store. */
export interface AuditStore {
  /**
   * For each entry, what the store holds for its subject now (core/log/audit-records.ts),
   * or null when it holds nothing or the kind has no record (check digests).
   */
  auditRecords(entries: readonly AuditSubject[]): Promise<(AuditRecord | null)[]>;
  /** What the store holds that the log should account for. */
  auditCounts(): Promise<AuditCounts>;
  /** A page of a derived table, in its key's order after `after` (storage/audit-state.ts). */
  auditState(
    table: AuditTable,
    after: readonly (string | number)[] | undefined,
    limit: number,
  ): Promise<AuditStatePage>;
}

/** Evidence for joint analysis, and its runs. */
export interface AnalysisStore {
  /** Reports that stand (not retracted), in (member, id) order after the key given. */
  reportEvidence(
    after: { memberId: string; id: string } | undefined,
    limit: number,
  ): Promise<EvidenceReportRow[]>;
  /** Links, in (from token, id) order after the key given. */
  linkEvidence(
    after: { fromToken: string; id: string } | undefined,
    limit: number,
  ): Promise<EvidenceLinkRow[]>;
  /**
   * The `reassigned` links (a number or account given to a new holder), in (from token,
   * id) order after the key given: analysis declares them before it reads any evidence.
   */
  reassignments(
    after: { fromToken: string; id: string } | undefined,
    limit: number,
  ): Promise<EvidenceLinkRow[]>;
  /**
   * Keeps an analysis run as the latest, replacing the rings' tokens of the one before;
   * alerts the members watching a token that joined a ring it was not in, and logs the
   * run (an `analysis` entry binding the result's digest), in one transaction.
   */
  saveAnalysis(
    run: AnalysisWrite,
  ): Promise<{ id: number; seq: number; alerts: number; log: LogAppend }>;
  /** The latest analysis run, unless it is the one of id `known`. */
  latestAnalysis(known?: number): Promise<StoredAnalysis | undefined>;
  /** The analysis run of this id. */
  getAnalysis(id: number): Promise<StoredAnalysis | undefined>;
  /** What an API node loads of the latest run (its summary), unless it is the one of id `known`. */
  latestAnalysisHead(known?: number): Promise<AnalysisHead | undefined>;
  /**
   * The ranks of these tokens in run `run`, in their order (undefined: not ranked). The
   * store keeps the ranks of the latest run and the one before it.
   */
  analysisRanks(run: number, tokens: readonly string[]): Promise<(StoredRank | undefined)[]>;
  /**
   * Puts a run's ranks back (rows already there stay): PostgreSQL keeps them unlogged,
   * so a crash or a failover loses them, and a node loading the run restores them from
   * its document (AnalysisHead.ranksKept).
   */
  restoreRanks(run: number, ranks: RankColumns): Promise<void>;
}

/** Police cases and disclosure requests (docs/cases.md); every step logged in its transaction. */
export interface CaseStore {
  openCase(c: NewCase): Promise<void>;
  getCase(id: string): Promise<CaseRecord | undefined>;
  /** Cases in id order after `after`: one police member's, or everyone's. */
  listCases(
    police: string | undefined,
    after: string | undefined,
    limit: number,
  ): Promise<CaseRecord[]>;
  /** Closes an open case of this police member; false when there is none. */
  closeCase(id: string, police: string, at: number): Promise<boolean>;
  /** Reports that stand and name one of the tokens, in (member, id) order. */
  reportsWithTokens(tokens: readonly string[]): Promise<ReportKey[]>;
  reportExists(key: ReportKey): Promise<boolean>;
  /** Attaches items and the reports each brings in; repeats add nothing. */
  attachItems(
    caseId: string,
    police: string,
    items: readonly { kind: CaseItemKind; item: string; reports: readonly ReportKey[] }[],
    at: number,
  ): Promise<{ attached: number; reports: number }>;
  caseItems(caseId: string): Promise<CaseItem[]>;
  caseReports(caseId: string, after: ReportKey | undefined, limit: number): Promise<CaseReport[]>;
  /** One request per report of the case (kept when asked before); none if any is outside it. */
  requestDisclosures(
    caseId: string,
    police: string,
    reports: readonly ReportKey[],
    at: number,
  ): Promise<{ outside: ReportKey[]; disclosures: Disclosure[]; created: number }>;
  getDisclosure(id: number): Promise<Disclosure | undefined>;
  listDisclosures(filter: DisclosureFilter, after: number, limit: number): Promise<Disclosure[]>;
  /** The owner's grants and denials, each once, and the refusals logged, in one transaction. */
  decideDisclosures(
    owner: string,
    decisions: readonly { readonly id: number; readonly decision: Decision }[],
    at: number,
  ): Promise<DecisionOutcome[]>;
  disclosureFetched(d: Disclosure, at: number): Promise<void>;
  caseTokens(caseId: string): Promise<string[]>;
  linkBatchesWithTokens(tokens: readonly string[]): Promise<{ member: string; batch: string }[]>;
  /** Logs a step that changes nothing else (the case exported). */
  caseStep(caseId: string, actor: string, step: 'exported', at: number): Promise<void>;
  /** Logs refused steps (a refusal changes nothing else). */
  caseRefusals(
    refusals: readonly { readonly caseId: string; readonly actor: string; readonly code: string }[],
    at: number,
  ): Promise<void>;
}

/** Reports' evidence files: ciphertexts sealed at their members (docs/sealing.md). */
export interface EvidenceFileStore {
  /** Keeps a file's ciphertext; a repeat of one kept before changes nothing. */
  putEvidenceFile(
    member: string,
    report: string,
    index: number,
    sha256: string,
    bytes: Uint8Array,
    at: number,
  ): Promise<'stored' | 'repeat'>;
  getEvidenceFile(member: string, report: string, index: number): Promise<Uint8Array | undefined>;
}

/** Outcomes members report (docs/outcomes.md), each logged, and the rows of their measures. */
export interface OutcomeStore {
  /** Tokens among these that the member watches. */
  outcomesWatched(memberId: string, tokens: readonly string[]): Promise<Set<string>>;
  /** Keeps and logs the member's new outcomes in one transaction; repeats are duplicates. */
  /**
   * …and, when they change any contributor's quality weight under the policy's rule, a
   * new version of the weights, kept and logged in the same transaction.
   */
  recordOutcomes(
    memberId: string,
    outcomes: readonly NewOutcome[],
    at: number,
    policy: { readonly version: number; readonly rule: QualityRule },
  ): Promise<OutcomeStatus[]>;
  /** The latest version of the quality weights, unless it is `known`. */
  latestQuality(known?: number): Promise<QualityWeights | undefined>;
  outcomeRows(): Promise<OutcomeRows>;
}

/** Appeals (docs/appeals.md): opened through members, ruled on by the operator, each step logged. */
export interface AppealStore {
  /** Opens an appeal about a token some report names; one is open per token at a time. */
  openAppeal(
    memberId: string,
    token: string,
    reason: AppealReason,
    at: number,
  ): Promise<OpenedAppeal>;
  /**
   * Upholds or rejects an open appeal, logged in the operator's name; upheld, the token's
   * state moves (checks leave out what was said of it by then) and its reporters and
   * watchers are alerted, in the same transaction.
   */
  ruleAppeal(id: number, ruling: Ruling, by: string, at: number): Promise<RuledAppeal>;
  listAppeals(
    filter: { readonly member?: string; readonly status?: AppealStatus },
    after: number,
    limit: number,
  ): Promise<AppealRow[]>;
  /** When each token's latest upheld appeal was upheld. */
  upheldAppeals(): Promise<Map<string, number>>;
}

/** Public statistics (docs/statistics.md): noised releases, each charged to the budget. */
export interface StatsStore {
  /** Releases a week's cut at ε unless released before or over the rule's budget; logged. */
  releaseStats(
    week: string,
    cut: StatsCut,
    epsilon: number,
    rule: StatisticsRule,
    by: string,
    at: number,
  ): Promise<Released>;
  statsReleases(
    filter: { readonly from?: string; readonly to?: string; readonly cut?: StatsCut },
    limit: number,
  ): Promise<StatsRelease[]>;
  /** The ε all releases spent. */
  statsSpent(): Promise<number>;
}

/** Exposure warnings (docs/exposures.md): seized lists matched against the watchlists. */
export interface ExposureStore {
  /**
   * The flagged tokens under each key id, in token order, with the change sequence each
   * one's state last moved at, and the sequence they were read at (what filters are
   * built from).
   */
  flaggedTokensByKey(): Promise<FlaggedTokens>;
  /**
   * Per key id and width, the newest base and, when there is one, the newest additions
   * filter over it.
   */
  latestFilters(): Promise<PublishedFilter[]>;
  filterBytes(keyId: string, bits: number, version: number): Promise<Uint8Array | undefined>;
  /**
   * Logs and keeps a filter as the next version of its key id and width, unless the
   * newest was built from the same tokens (then undefined).
   */
  recordFilter(
    filter: FilterToRecord,
    at: number,
  ): Promise<{ release: FilterRelease; log: LogAppend } | undefined>;
  /** Matches a part of a seized list (distinct tokens) and alerts each watcher; logged with counts. */
  recordExposure(
    memberId: string,
    part: { readonly list: string; readonly part: number; readonly seizedAt: number },
    tokens: readonly TokenRef[],
    at: number,
  ): Promise<RecordedExposure>;
  listExposures(
    filter: { readonly member?: string },
    after: number,
    limit: number,
  ): Promise<ExposureJson[]>;
}

/** What TAXII pages through (docs/interop.md): flagged tokens by epoch of their last change. */
export interface TaxiiStore {
  /** Up to `limit` rows after `cursor`, of the epochs (of `epochMs`) before `sealedBefore`. */
  taxiiTokenRows(
    cursor: TokenCursor,
    limit: number,
    epochMs: number,
    sealedBefore: number,
  ): Promise<TokenRow[]>;
  /** The flagged tokens starting with `prefix` (at most 64), with their epochs. */
  taxiiTokenRowsByPrefix(prefix: string, epochMs: number): Promise<TokenRow[]>;
  /** When the first change was made (epoch ms), if any was. */
  firstChangeAt(): Promise<number | undefined>;
}

/** The operator's policies, versioned. */
export interface PolicyStore {
  latestPolicy(): Promise<PolicyRecord | undefined>;
  /** With the policy's quality rule, the contributors are weighed again in the same transaction. */
  putPolicy(body: unknown, createdBy: string, at: number, quality?: QualityRule): Promise<number>;
  /** The versions, newest first (at most 100). */
  policyVersions(): Promise<{ version: number; createdAt: number; createdBy: string }[]>;
}

/**
 * The platform dashboard's sign-in links and sessions (docs/dashboard.md), each by the
 * SHA-256 of its secret and the member it is for.
 */
export interface WebSessionStore {
  putUiLink(hash: string, member: string, expiresAt: number, now: number): Promise<void>;
  /** Spends a link: its member and expiry if it was there (it is gone either way). */
  takeUiLink(hash: string): Promise<{ member: string; expiresAt: number } | undefined>;
  putUiSession(hash: string, member: string, expiresAt: number, now: number): Promise<void>;
  uiSession(hash: string): Promise<{ member: string; expiresAt: number } | undefined>;
  endUiSession(hash: string): Promise<void>;
  /** Key servers' evaluations per UTC day from `since` (YYYY-MM-DD), latest first. */
  oprfUsageByDay(
    since: string,
  ): Promise<{ reporter: string; shareIndex: number; day: string; evaluations: number }[]>;
}

/**
 * The platform's storage port: one interface per aggregate, joined here, so that a
 * service can ask for the part it uses. Two adapters: SqliteStore (embedded, run on a
 * writer thread of its own by ThreadedSqliteStore, the default: server.ts openStore) and
 * PostgresStore (production). What their SQL shares is written once (storage/sql/,
 * composed in one transaction by generator steps); one contract suite runs against both.
 *
 * Every write is one transaction and durable when the promise resolves ("acknowledged
 * means durable"). Writes that change what checks answer advance one change sequence,
 * in commit order, so that every API process can bring its in-memory view of flagged
 * tokens up to date by asking for the changes since the sequence it has seen. Every write
 * that matters appends its transparency-log entries in the same transaction
 * (storage/log-append.ts), so a write is in the log before it is acknowledged.
 */
export interface Store
  extends MemberStore,
    ContributionStore,
    TokenStateStore,
    WatchStore,
    LogStore,
    AuditStore,
    AnalysisStore,
    PolicyStore,
    CaseStore,
    EvidenceFileStore,
    WebSessionStore,
    OutcomeStore,
    AppealStore,
    StatsStore,
    ExposureStore,
    TaxiiStore {
  readonly dialect: 'sqlite' | 'postgres';
  migrate(): Promise<void>;
  close(): Promise<void>;
}
