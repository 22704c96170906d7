import type { FilterRelease } from '@credence/core/filters/filter-release';
import type { AuditRecord } from '@credence/core/log/audit-records';
import type { LogEntry } from '@credence/core/log/entries';
import type { StatisticsRule } from '@credence/core/risk/policy';
import type { QualityRule, QualityWeights } from '@credence/core/risk/quality';
import type { AppealReason, AppealStatus } from '@credence/core/wire/appeals';
import type { CaseItemKind } from '@credence/core/wire/cases';
import type { ExposureJson } from '@credence/core/wire/exposures';
import type { StatsCut, StatsRelease } from '@credence/core/wire/statistics';
import type {
  Alert,
  AnalysisHead,
  AuditCounts,
  CaseItem,
  CaseRecord,
  CaseReport,
  Disclosure,
  Enrolment,
  EnrolmentResult,
  EvidenceLinkRow,
  EvidenceReportRow,
  KeyChange,
  LogAppend,
  LogHead,
  Member,
  MemberType,
  OprfUsage,
  PolicyRecord,
  Rotation,
  ShareBinding,
  SigningKeyRow,
  StoredAnalysis,
  StoredCheckpoint,
  StoredRank,
  StoredReport,
  TokenRef,
  WebhookDelivery,
} from '../../domain/types.js';
import type { AuditStatePage, AuditTable } from '../audit-state.js';
import type { AuditSubject } from '../log-append.js';
import * as appeals from './appeals.js';
import * as audit from './audit.js';
import * as cases from './cases.js';
import * as evidenceFiles from './evidence-files.js';
import * as exposures from './exposures.js';
import * as filters from './filters.js';
import * as log from './log.js';
import * as members from './members.js';
import * as outcomes from './outcomes.js';
import * as policies from './policies.js';
import * as reads from './reads.js';
import * as sequence from './sequence.js';
import * as statistics from './statistics.js';
import type { Dialect, Step } from './steps.js';
import * as taxii from './taxii.js';
import * as watch from './watch.js';
import * as webSessions from './web-sessions.js';

/**
 * The part of the Store that both adapters share: each method runs one repository step
 * (storage/sql/*.ts) in a transaction or, where one statement is atomic by itself,
 * outside one. An adapter supplies the two runners and the methods whose SQL differs
 * by more than a branch (bulk ingest, the change feed, tiles, migrations).
 */
export abstract class SqlStore {
  abstract readonly dialect: Dialect;
  /** Runs a step with each statement on its own (reads, and single-statement writes). */
  protected abstract autocommit<T>(step: Step<T>): Promise<T>;
  /** Runs a step in one transaction. */
  protected abstract transaction<T>(step: Step<T>): Promise<T>;

  async createMember(m: {
    id: string;
    name: string;
    type: MemberType;
    createdAt: number;
  }): Promise<void> {
    await this.transaction(members.insertMember(m));
  }

  async enrolMember(e: Enrolment): Promise<EnrolmentResult> {
    try {
      return await this.transaction(members.enrolMember(e));
    } catch (error) {
      // Two enrolments of one share at once: the unique index let one through.
      if (!members.isUniqueViolation(error) || e.shareIndex === undefined) throw error;
      const holder = await this.autocommit(members.shareHolder(e.shareIndex));
      if (holder === undefined || holder === e.id) throw error;
      return { status: 'share_taken', by: holder };
    }
  }

  rotateMember(memberId: string, at: number, rotation: Rotation): Promise<boolean> {
    return this.transaction(members.rotateMember(memberId, at, rotation));
  }

  getMember(id: string): Promise<Member | undefined> {
    return this.autocommit(members.memberById(id));
  }

  listMembers(): Promise<Member[]> {
    return this.autocommit(members.listMembers());
  }

  setMemberStatus(id: string, status: Member['status']): Promise<boolean> {
    return this.transaction(members.setMemberStatus(id, status));
  }

  issueCredential(
    memberId: string,
    sha256: string,
    at: number,
    options: { by: 'operator' | 'member'; replace: boolean },
  ): Promise<LogAppend> {
    return this.transaction(members.issueCredential(memberId, sha256, at, options));
  }

  memberByCredential(sha256: string): Promise<Member | undefined> {
    return this.autocommit(members.memberByCredential(sha256));
  }

  changeSigningKeys(memberId: string, at: number, change: KeyChange): Promise<LogAppend> {
    return this.transaction(members.changeSigningKeys(memberId, at, change));
  }

  signingKeys(memberId: string): Promise<SigningKeyRow[]> {
    return this.autocommit(members.signingKeys(memberId));
  }

  async bindShare(memberId: string, shareIndex: number, at: number): Promise<ShareBinding> {
    try {
      return await this.transaction(members.bindShare(memberId, shareIndex, at));
    } catch (error) {
      // Two binds of one share at once: the unique index let one through.
      const holder = members.isUniqueViolation(error)
        ? await this.autocommit(members.shareHolder(shareIndex))
        : undefined;
      if (holder === undefined) throw error;
      return members.heldBy(memberId, holder);
    }
  }

  memberVersion(): Promise<number> {
    return this.autocommit(sequence.memberVersion());
  }

  currentSeq(): Promise<number> {
    return this.autocommit(sequence.currentSeq());
  }

  takeTurn(job: string, now: number, minGapMs: number, basis: number): Promise<boolean> {
    return this.transaction(sequence.takeTurn(job, now, minGapMs, basis));
  }

  recordOprfUsage(usage: readonly OprfUsage[], at: number): Promise<LogAppend | undefined> {
    return this.transaction(log.recordOprfUsage(usage, at));
  }

  appendLog(entries: readonly LogEntry[]): Promise<LogAppend> {
    return this.transaction(log.appendLog(entries));
  }

  logHead(): Promise<LogHead> {
    return this.autocommit(log.logHead());
  }

  logEntries(start: number, end: number): Promise<string[]> {
    return this.autocommit(log.logEntries(start, end));
  }

  saveCheckpoint(size: number, note: string, at: number): Promise<void> {
    return this.autocommit(log.saveCheckpoint(size, note, at));
  }

  getCheckpoint(size?: number): Promise<StoredCheckpoint | undefined> {
    return this.autocommit(log.getCheckpoint(size));
  }

  latestCosignedCheckpoint(cosignatures: number): Promise<StoredCheckpoint | undefined> {
    return this.autocommit(log.latestCosignedCheckpoint(cosignatures));
  }

  listCheckpoints(fromSize: number, limit: number): Promise<StoredCheckpoint[]> {
    return this.autocommit(log.listCheckpoints(fromSize, limit));
  }

  addCosignature(size: number, witness: string, line: string, at: number): Promise<void> {
    return this.autocommit(log.addCosignature(size, witness, line, at));
  }

  listWitnesses(): Promise<string[]> {
    return this.autocommit(log.listWitnesses());
  }

  addWitness(vkey: string, at: number): Promise<boolean> {
    return this.autocommit(log.addWitness(vkey, at));
  }

  removeWitness(vkey: string): Promise<boolean> {
    return this.autocommit(log.removeWitness(vkey));
  }

  auditRecords(entries: readonly AuditSubject[]): Promise<(AuditRecord | null)[]> {
    return this.autocommit(audit.auditRecords(entries));
  }

  auditCounts(): Promise<AuditCounts> {
    return this.autocommit(audit.auditCounts());
  }

  auditState(
    table: AuditTable,
    after: readonly (string | number)[] | undefined,
    limit: number,
  ): Promise<AuditStatePage> {
    return this.autocommit(audit.auditState(table, after, limit));
  }

  reportsByRef(
    memberId: string,
    refs: readonly string[],
  ): Promise<Map<string, { id: string; fingerprint: boolean }>> {
    return this.autocommit(reads.reportsByRef(memberId, refs));
  }

  getReport(memberId: string, reportId: string): Promise<StoredReport | undefined> {
    return this.autocommit(reads.getReport(memberId, reportId));
  }

  listReports(
    memberId: string,
    afterId: string | undefined,
    limit: number,
  ): Promise<StoredReport[]> {
    return this.autocommit(reads.listReports(memberId, afterId, limit));
  }

  reportEvidence(
    after: { memberId: string; id: string } | undefined,
    limit: number,
  ): Promise<EvidenceReportRow[]> {
    return this.autocommit(reads.reportEvidence(after, limit));
  }

  linkEvidence(
    after: { fromToken: string; id: string } | undefined,
    limit: number,
  ): Promise<EvidenceLinkRow[]> {
    return this.autocommit(reads.linkEvidence(after, limit));
  }

  reassignments(
    after: { fromToken: string; id: string } | undefined,
    limit: number,
  ): Promise<EvidenceLinkRow[]> {
    return this.autocommit(reads.linkEvidence(after, limit, 'reassigned'));
  }

  latestAnalysis(known?: number): Promise<StoredAnalysis | undefined> {
    return this.autocommit(reads.latestAnalysis(known));
  }

  getAnalysis(id: number): Promise<StoredAnalysis | undefined> {
    return this.autocommit(reads.getAnalysis(id));
  }

  latestAnalysisHead(known?: number): Promise<AnalysisHead | undefined> {
    return this.autocommit(reads.latestAnalysisHead(known));
  }

  analysisRanks(run: number, tokens: readonly string[]): Promise<(StoredRank | undefined)[]> {
    return this.autocommit(reads.analysisRanks(run, tokens));
  }

  addWatch(memberId: string, tokens: readonly TokenRef[], at: number): Promise<number> {
    return this.transaction(watch.addWatch(memberId, tokens, at));
  }

  removeWatch(memberId: string, tokens: readonly string[]): Promise<number> {
    return this.transaction(watch.removeWatch(memberId, tokens));
  }

  listWatch(memberId: string, afterToken: string | undefined, limit: number): Promise<TokenRef[]> {
    return this.autocommit(watch.listWatch(memberId, afterToken, limit));
  }

  listAlerts(
    memberId: string,
    after: { seq: number; id: number } | undefined,
    limit: number,
  ): Promise<Alert[]> {
    return this.autocommit(watch.listAlerts(memberId, after, limit));
  }

  setWebhook(memberId: string, url: string, secretNonce: string, at: number): Promise<void> {
    return this.autocommit(watch.setWebhook(memberId, url, secretNonce, at));
  }

  getWebhook(memberId: string): Promise<watch.WebhookRow | undefined> {
    return this.autocommit(watch.getWebhook(memberId));
  }

  deleteWebhook(memberId: string, url?: string): Promise<boolean> {
    return this.autocommit(watch.deleteWebhook(memberId, url));
  }

  claimDeliveries(now: number, leaseMs: number, limit: number): Promise<WebhookDelivery[]> {
    return this.transaction(watch.claimDeliveries(now, leaseMs, limit));
  }

  deliveryDone(alertId: number, at: number): Promise<void> {
    return this.autocommit(watch.deliveryDone(alertId, at));
  }

  deliveryFailed(alertId: number, nextAttemptAt: number, error: string): Promise<void> {
    return this.autocommit(watch.deliveryFailed(alertId, nextAttemptAt, error));
  }

  latestPolicy(): Promise<PolicyRecord | undefined> {
    return this.autocommit(policies.latestPolicy());
  }

  putPolicy(body: unknown, createdBy: string, at: number, quality?: QualityRule): Promise<number> {
    return this.transaction(policies.putPolicy(body, createdBy, at, quality));
  }

  openCase(c: cases.NewCase): Promise<void> {
    return this.transaction(cases.openCase(c));
  }

  getCase(id: string): Promise<CaseRecord | undefined> {
    return this.autocommit(cases.getCase(id));
  }

  listCases(
    police: string | undefined,
    after: string | undefined,
    limit: number,
  ): Promise<CaseRecord[]> {
    return this.autocommit(cases.listCases(police, after, limit));
  }

  closeCase(id: string, police: string, at: number): Promise<boolean> {
    return this.transaction(cases.closeCase(id, police, at));
  }

  reportsWithTokens(tokens: readonly string[]): Promise<cases.ReportKey[]> {
    return this.autocommit(cases.reportsWithTokens(tokens));
  }

  reportExists(key: cases.ReportKey): Promise<boolean> {
    return this.autocommit(cases.reportExists(key));
  }

  attachItems(
    caseId: string,
    police: string,
    items: readonly { kind: CaseItemKind; item: string; reports: readonly cases.ReportKey[] }[],
    at: number,
  ): Promise<{ attached: number; reports: number }> {
    return this.transaction(cases.attachItems(caseId, police, items, at));
  }

  caseItems(caseId: string): Promise<CaseItem[]> {
    return this.autocommit(cases.caseItems(caseId));
  }

  caseReports(
    caseId: string,
    after: cases.ReportKey | undefined,
    limit: number,
  ): Promise<CaseReport[]> {
    return this.autocommit(cases.caseReports(caseId, after, limit));
  }

  requestDisclosures(
    caseId: string,
    police: string,
    reports: readonly cases.ReportKey[],
    at: number,
  ): Promise<{ outside: cases.ReportKey[]; disclosures: Disclosure[]; created: number }> {
    return this.transaction(cases.requestDisclosures(caseId, police, reports, at));
  }

  getDisclosure(id: number): Promise<Disclosure | undefined> {
    return this.autocommit(cases.getDisclosure(id));
  }

  listDisclosures(
    filter: cases.DisclosureFilter,
    after: number,
    limit: number,
  ): Promise<Disclosure[]> {
    return this.autocommit(cases.listDisclosures(filter, after, limit));
  }

  decideDisclosures(
    owner: string,
    decisions: readonly { readonly id: number; readonly decision: cases.Decision }[],
    at: number,
  ): Promise<cases.DecisionOutcome[]> {
    return this.transaction(cases.decideDisclosures(owner, decisions, at));
  }

  disclosureFetched(d: Disclosure, at: number): Promise<void> {
    return this.transaction(cases.disclosureFetched(d, at));
  }

  caseRefusals(
    refusals: readonly { readonly caseId: string; readonly actor: string; readonly code: string }[],
    at: number,
  ): Promise<void> {
    return this.transaction(cases.caseRefusals(refusals, at));
  }

  outcomesWatched(memberId: string, tokens: readonly string[]): Promise<Set<string>> {
    return this.autocommit(outcomes.watchedOf(memberId, tokens));
  }

  recordOutcomes(
    memberId: string,
    items: readonly outcomes.NewOutcome[],
    at: number,
    policy: { readonly version: number; readonly rule: QualityRule },
  ): Promise<outcomes.OutcomeStatus[]> {
    return this.transaction(outcomes.recordOutcomes(memberId, items, at, policy));
  }

  latestQuality(known?: number): Promise<QualityWeights | undefined> {
    return this.autocommit(outcomes.latestQuality(known));
  }

  outcomeRows(): Promise<outcomes.OutcomeRows> {
    return this.autocommit(outcomes.outcomeRows());
  }
  openAppeal(
    memberId: string,
    token: string,
    reason: AppealReason,
    at: number,
  ): Promise<appeals.OpenedAppeal> {
    return this.transaction(appeals.openAppeal(memberId, token, reason, at));
  }

  ruleAppeal(
    id: number,
    ruling: appeals.Ruling,
    by: string,
    at: number,
  ): Promise<appeals.RuledAppeal> {
    return this.transaction(appeals.ruleAppeal(id, ruling, by, at));
  }

  listAppeals(
    filter: { readonly member?: string; readonly status?: AppealStatus },
    after: number,
    limit: number,
  ): Promise<appeals.AppealRow[]> {
    return this.autocommit(appeals.listAppeals(filter, after, limit));
  }

  upheldAppeals(): Promise<Map<string, number>> {
    return this.autocommit(appeals.upheldAppeals());
  }

  releaseStats(
    week: string,
    cut: StatsCut,
    epsilon: number,
    rule: StatisticsRule,
    by: string,
    at: number,
  ): Promise<statistics.Released> {
    return this.transaction(statistics.releaseStats(week, cut, epsilon, rule, by, at));
  }

  statsReleases(
    filter: { readonly from?: string; readonly to?: string; readonly cut?: StatsCut },
    limit: number,
  ): Promise<StatsRelease[]> {
    return this.autocommit(statistics.statsReleases(filter, limit));
  }

  statsSpent(): Promise<number> {
    return this.autocommit(statistics.statsSpent());
  }

  taxiiTokenRows(
    cursor: taxii.TokenCursor,
    limit: number,
    epochMs: number,
    sealedBefore: number,
  ): Promise<taxii.TokenRow[]> {
    return this.autocommit(taxii.tokenRows(cursor, limit, epochMs, sealedBefore));
  }

  taxiiTokenRowsByPrefix(prefix: string, epochMs: number): Promise<taxii.TokenRow[]> {
    return this.autocommit(taxii.tokenRowsByPrefix(prefix, epochMs));
  }

  firstChangeAt(): Promise<number | undefined> {
    return this.autocommit(taxii.firstChangeAt());
  }

  flaggedTokensByKey(): Promise<filters.FlaggedTokens> {
    return this.autocommit(filters.flaggedTokensByKey());
  }

  latestFilters(): Promise<filters.PublishedFilter[]> {
    return this.autocommit(filters.latestFilters());
  }

  filterBytes(keyId: string, bits: number, version: number): Promise<Uint8Array | undefined> {
    return this.autocommit(filters.filterBytes(keyId, bits, version));
  }

  recordFilter(
    filter: filters.FilterToRecord,
    at: number,
  ): Promise<{ release: FilterRelease; log: LogAppend } | undefined> {
    return this.transaction(filters.recordFilter(filter, at));
  }

  recordExposure(
    memberId: string,
    part: { readonly list: string; readonly part: number; readonly seizedAt: number },
    tokens: readonly TokenRef[],
    at: number,
  ): Promise<exposures.RecordedExposure> {
    return this.transaction(exposures.recordExposure(memberId, part, tokens, at));
  }

  listExposures(
    filter: { readonly member?: string },
    after: number,
    limit: number,
  ): Promise<ExposureJson[]> {
    return this.autocommit(exposures.listExposures(filter, after, limit));
  }

  putEvidenceFile(
    member: string,
    report: string,
    index: number,
    sha256: string,
    bytes: Uint8Array,
    at: number,
  ): Promise<'stored' | 'repeat'> {
    return this.transaction(
      evidenceFiles.putEvidenceFile(member, report, index, sha256, bytes, at),
    );
  }

  getEvidenceFile(member: string, report: string, index: number): Promise<Uint8Array | undefined> {
    return this.autocommit(evidenceFiles.getEvidenceFile(member, report, index));
  }

  putUiLink(hash: string, member: string, expiresAt: number, now: number): Promise<void> {
    return this.transaction(webSessions.putUiLink(hash, member, expiresAt, now));
  }

  takeUiLink(hash: string): Promise<{ member: string; expiresAt: number } | undefined> {
    return this.transaction(webSessions.takeUiLink(hash));
  }

  putUiSession(hash: string, member: string, expiresAt: number, now: number): Promise<void> {
    return this.transaction(webSessions.putUiSession(hash, member, expiresAt, now));
  }

  uiSession(hash: string): Promise<{ member: string; expiresAt: number } | undefined> {
    return this.autocommit(webSessions.uiSession(hash));
  }

  endUiSession(hash: string): Promise<void> {
    return this.transaction(webSessions.endUiSession(hash));
  }

  oprfUsageByDay(
    since: string,
  ): Promise<{ reporter: string; shareIndex: number; day: string; evaluations: number }[]> {
    return this.autocommit(webSessions.oprfUsageByDay(since));
  }

  policyVersions(): Promise<{ version: number; createdAt: number; createdBy: string }[]> {
    return this.autocommit(policies.policyVersions());
  }

  caseTokens(caseId: string): Promise<string[]> {
    return this.autocommit(cases.caseTokens(caseId));
  }

  linkBatchesWithTokens(tokens: readonly string[]): Promise<{ member: string; batch: string }[]> {
    return this.autocommit(cases.linkBatchesWithTokens(tokens));
  }

  caseStep(caseId: string, actor: string, step: 'exported', at: number): Promise<void> {
    return this.transaction(cases.caseStep(caseId, actor, step, at));
  }
}
