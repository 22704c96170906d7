import { randomBytes } from 'node:crypto';
import { encodeBase64url } from '@credence/core/encoding/base64url';
import type { SealedGrant } from '@credence/core/sealing/grant';
import { grantDigest } from '@credence/core/sealing/grant';
import {
  type CaseItemKind,
  type CaseStep,
  caseSubject,
  type DisclosureState,
  type LegalBasis,
  type LegalBasisType,
} from '@credence/core/wire/cases';
import type { CaseItem, CaseRecord, CaseReport, Disclosure } from '../../domain/types.js';
import { type EntryToAppend, eventEntry } from '../log-append.js';
import { getReport } from './reads.js';
import { announce } from './sequence.js';
import { all, append, dialect, get, inList, run, type Step } from './steps.js';

/**
 * Police cases and disclosures (docs/cases.md), written once for both stores. Each step
 * is one `case_event` entry in the step's own transaction; its record, kept beside the
 * log for auditors, is salted so that the log alone confirms no guessed token or report.
 */

/** A report by its member and id. */
export interface ReportKey {
  readonly member: string;
  readonly report: string;
}

/** A step's log entry: the actor took `step` on the case. */
function caseEntry(
  actor: string,
  caseId: string,
  step: CaseStep,
  qualifier: string | undefined,
  at: number,
  record: Record<string, unknown>,
): EntryToAppend {
  return eventEntry('case_event', actor, caseSubject(caseId, step, qualifier), at, {
    event: step,
    case: caseId,
    salt: encodeBase64url(randomBytes(16)),
    ...record,
  });
}

interface CaseRow {
  id: string;
  member_id: string;
  basis: string;
  recipient: string;
  expires_at: number;
  created_at: number;
  closed_at: number | null;
  items: number;
  reports: number;
}

const CASE_COLUMNS = `c.*,
  (SELECT count(*) FROM case_items i WHERE i.case_id = c.id) AS items,
  (SELECT count(*) FROM case_reports r WHERE r.case_id = c.id) AS reports`;

const caseOf = (r: CaseRow): CaseRecord => ({
  id: r.id,
  police: r.member_id,
  basis: JSON.parse(r.basis) as LegalBasis,
  recipient: r.recipient,
  expiresAt: Number(r.expires_at),
  createdAt: Number(r.created_at),
  closedAt: r.closed_at === null ? undefined : Number(r.closed_at),
  items: Number(r.items),
  reports: Number(r.reports),
});

/** A case as it is opened: its id, police member, legal basis and recipient key. */
export interface NewCase {
  readonly id: string;
  readonly police: string;
  readonly basis: LegalBasis;
  readonly recipient: string;
  readonly expiresAt: number;
  readonly at: number;
}

export function* openCase(c: NewCase): Step<void> {
  yield* run(
    'INSERT INTO cases (id, member_id, basis, basis_type, recipient, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    c.id,
    c.police,
    JSON.stringify(c.basis),
    c.basis.type,
    c.recipient,
    c.expiresAt,
    c.at,
  );
  yield* append([
    caseEntry(c.police, c.id, 'opened', c.basis.type, c.at, {
      police: c.police,
      basis: c.basis,
      recipient: c.recipient,
    }),
  ]);
}

export function* getCase(id: string): Step<CaseRecord | undefined> {
  const row = yield* get<CaseRow>(`SELECT ${CASE_COLUMNS} FROM cases c WHERE c.id = ?`, id);
  return row === undefined ? undefined : caseOf(row);
}

/** Cases in id order after `after`: one police member's, or everyone's (auditors). */
export function* listCases(
  police: string | undefined,
  after: string | undefined,
  limit: number,
): Step<CaseRecord[]> {
  const rows =
    police === undefined
      ? yield* all<CaseRow>(
          `SELECT ${CASE_COLUMNS} FROM cases c WHERE c.id > ? ORDER BY c.id LIMIT ?`,
          after ?? '',
          limit,
        )
      : yield* all<CaseRow>(
          `SELECT ${CASE_COLUMNS} FROM cases c WHERE c.member_id = ? AND c.id > ? ORDER BY c.id LIMIT ?`,
          police,
          after ?? '',
          limit,
        );
  return rows.map(caseOf);
}

export function* closeCase(id: string, police: string, at: number): Step<boolean> {
  const changed = yield* run(
    'UPDATE cases SET closed_at = ? WHERE id = ? AND member_id = ? AND closed_at IS NULL',
    at,
    id,
    police,
  );
  if (changed === 0) return false;
  yield* append([caseEntry(police, id, 'closed', undefined, at, {})]);
  return true;
}

/** Reports that stand (not retracted) and name one of the tokens, in (member, id) order. */
export function* reportsWithTokens(tokens: readonly string[]): Step<ReportKey[]> {
  const found = new Map<string, ReportKey>();
  for (let at = 0; at < tokens.length; at += 500) {
    const list = yield* inList('e.token', tokens.slice(at, at + 500), 'text');
    const rows = yield* all<{ member_id: string; report_id: string }>(
      `SELECT DISTINCT e.member_id, e.report_id FROM report_entities e
       JOIN reports r ON r.member_id = e.member_id AND r.id = e.report_id
       WHERE ${list.text} AND r.retracted_at IS NULL`,
      ...list.params,
    );
    for (const r of rows)
      found.set(`${r.member_id}\u0000${r.report_id}`, { member: r.member_id, report: r.report_id });
  }
  return [...found.values()].sort((a, b) =>
    a.member === b.member ? (a.report < b.report ? -1 : 1) : a.member < b.member ? -1 : 1,
  );
}

/** The tokens of the reports in a case. */
export function* caseTokens(caseId: string): Step<string[]> {
  const rows = yield* all<{ token: string }>(
    `SELECT DISTINCT e.token FROM case_reports c
     JOIN report_entities e ON e.member_id = c.member_id AND e.report_id = c.report_id
     WHERE c.case_id = ? ORDER BY e.token`,
    caseId,
  );
  return rows.map((r) => r.token);
}

/** The link batches (member, batch id) with a link from or to one of the tokens. */
export function* linkBatchesWithTokens(
  tokens: readonly string[],
): Step<{ member: string; batch: string }[]> {
  const found = new Map<string, { member: string; batch: string }>();
  for (let at = 0; at < tokens.length; at += 500)
    for (const column of ['from_token', 'to_token']) {
      const list = yield* inList(column, tokens.slice(at, at + 500), 'text');
      const rows = yield* all<{ member_id: string; batch_id: string }>(
        `SELECT DISTINCT member_id, batch_id FROM links WHERE ${list.text}`,
        ...list.params,
      );
      for (const r of rows)
        found.set(`${r.member_id}\u0000${r.batch_id}`, { member: r.member_id, batch: r.batch_id });
    }
  return [...found.values()];
}

/** A step with nothing but its name in the record (the case exported for a court). */
export function* caseStep(caseId: string, actor: string, step: 'exported', at: number): Step<void> {
  yield* append([caseEntry(actor, caseId, step, undefined, at, {})]);
}

/** Whether the member has a report of this id (retracted or not). */
export function* reportExists(key: ReportKey): Step<boolean> {
  return (
    (yield* get(
      'SELECT 1 AS one FROM reports WHERE member_id = ? AND id = ?',
      key.member,
      key.report,
    )) !== undefined
  );
}

/**
 * Attaches items with the reports each brings in; an item attached before adds nothing.
 * One `attached` entry per new item, naming it (the record is salted).
 */
export function* attachItems(
  caseId: string,
  police: string,
  items: readonly { kind: CaseItemKind; item: string; reports: readonly ReportKey[] }[],
  at: number,
): Step<{ attached: number; reports: number }> {
  const entries: EntryToAppend[] = [];
  let reports = 0;
  for (const it of items) {
    const added = yield* run(
      'INSERT INTO case_items (case_id, kind, item, reports, attached_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      caseId,
      it.kind,
      it.item,
      it.reports.length,
      at,
    );
    if (added === 0) continue;
    for (const r of it.reports)
      reports += yield* run(
        'INSERT INTO case_reports (case_id, member_id, report_id, via, attached_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
        caseId,
        r.member,
        r.report,
        `${it.kind}:${it.item}`,
        at,
      );
    entries.push(
      caseEntry(police, caseId, 'attached', it.kind, at, {
        item: { kind: it.kind, id: it.item },
        reports: it.reports.length,
      }),
    );
  }
  yield* append(entries);
  return { attached: entries.length, reports };
}

export function* caseItems(caseId: string): Step<CaseItem[]> {
  const rows = yield* all<{
    kind: CaseItemKind;
    item: string;
    reports: number;
    attached_at: number;
  }>(
    'SELECT kind, item, reports, attached_at FROM case_items WHERE case_id = ? ORDER BY attached_at, kind, item',
    caseId,
  );
  return rows.map((r) => ({
    kind: r.kind,
    item: r.item,
    reports: Number(r.reports),
    attachedAt: Number(r.attached_at),
  }));
}

/** The reports in a case, in (member, id) order after the key given. */
export function* caseReports(
  caseId: string,
  after: ReportKey | undefined,
  limit: number,
): Step<CaseReport[]> {
  const rows = yield* all<{
    member_id: string;
    report_id: string;
    via: string;
    attached_at: number;
  }>(
    `SELECT member_id, report_id, via, attached_at FROM case_reports
     WHERE case_id = ? AND (member_id > ? OR (member_id = ? AND report_id > ?))
     ORDER BY member_id, report_id LIMIT ?`,
    caseId,
    after?.member ?? '',
    after?.member ?? '',
    after?.report ?? '',
    limit,
  );
  return rows.map((r) => ({
    member: r.member_id,
    report: r.report_id,
    via: r.via,
    attachedAt: Number(r.attached_at),
  }));
}

interface DisclosureRow {
  id: number;
  case_id: string;
  police_id: string;
  owner_id: string;
  report_id: string;
  status: DisclosureState;
  basis: string;
  basis_type: LegalBasisType;
  recipient: string;
  requested_at: number;
  decided_at: number | null;
  grant_box: string | null;
  reason: string | null;
  fetched_at: number | null;
}

const DISCLOSURE_SELECT = `SELECT d.*, c.basis, c.basis_type, c.recipient FROM disclosures d JOIN cases c ON c.id = d.case_id`;

/** A disclosure with its case's basis and recipient, and the report as stored now. */
function* disclosureOf(r: DisclosureRow): Step<Disclosure> {
  return {
    ...disclosureFields(r),
    basis: JSON.parse(r.basis) as LegalBasis,
    recipient: r.recipient,
    reportRecord: yield* getReport(r.owner_id, r.report_id),
  };
}

const disclosureFields = (r: DisclosureRow) => ({
  id: Number(r.id),
  case: r.case_id,
  police: r.police_id,
  owner: r.owner_id,
  report: r.report_id,
  status: r.status,
  basisType: r.basis_type,
  requestedAt: Number(r.requested_at),
  decidedAt: r.decided_at === null ? undefined : Number(r.decided_at),
  grant: r.grant_box === null ? undefined : (JSON.parse(r.grant_box) as SealedGrant),
  reason: r.reason ?? undefined,
  fetchedAt: r.fetched_at === null ? undefined : Number(r.fetched_at),
});

/**
 * Requests disclosure of reports in the case: one request per report, numbered in
 * commit order (the owners' agents follow that order); a report asked for before keeps
 * its request. Reports not in the case: none is made, and they are returned.
 */
export function* requestDisclosures(
  caseId: string,
  police: string,
  reports: readonly ReportKey[],
  at: number,
): Step<{ outside: ReportKey[]; disclosures: Disclosure[]; created: number }> {
  const outside: ReportKey[] = [];
  for (const r of reports) {
    const inCase = yield* get(
      'SELECT 1 AS one FROM case_reports WHERE case_id = ? AND member_id = ? AND report_id = ?',
      caseId,
      r.member,
      r.report,
    );
    if (inCase === undefined) outside.push(r);
  }
  if (outside.length > 0) return { outside, disclosures: [], created: 0 };
  // Ids are max + 1: on PostgreSQL two writers take turns on the table's lock.
  if ((yield* dialect()) === 'postgres') yield* run('LOCK TABLE disclosures IN EXCLUSIVE MODE');
  let next =
    Number((yield* get<{ v: number | null }>('SELECT max(id) AS v FROM disclosures'))?.v ?? 0) + 1;
  const ids: number[] = [];
  const entries: EntryToAppend[] = [];
  for (const r of reports) {
    const existing = yield* get<{ id: number }>(
      'SELECT id FROM disclosures WHERE case_id = ? AND owner_id = ? AND report_id = ?',
      caseId,
      r.member,
      r.report,
    );
    if (existing !== undefined) {
      ids.push(Number(existing.id));
      continue;
    }
    const id = next++;
    yield* run(
      "INSERT INTO disclosures (id, case_id, police_id, owner_id, report_id, status, requested_at) VALUES (?, ?, ?, ?, ?, 'requested', ?)",
      id,
      caseId,
      police,
      r.member,
      r.report,
      at,
    );
    ids.push(id);
    entries.push(
      caseEntry(police, caseId, 'requested', String(id), at, {
        disclosure: id,
        owner: r.member,
        report: r.report,
      }),
    );
  }
  yield* append(entries);
  if (entries.length > 0) yield* announce('disclosures');
  const disclosures: Disclosure[] = [];
  for (const id of ids) disclosures.push((yield* getDisclosure(id)) as Disclosure);
  return { outside: [], disclosures, created: entries.length };
}

export function* getDisclosure(id: number): Step<Disclosure | undefined> {
  const row = yield* get<DisclosureRow>(`${DISCLOSURE_SELECT} WHERE d.id = ?`, id);
  return row === undefined ? undefined : yield* disclosureOf(row);
}

/** Whose disclosures a page lists: an owner's, a police member's, a case's. */
export interface DisclosureFilter {
  readonly owner?: string;
  readonly police?: string;
  readonly case?: string;
  readonly status?: DisclosureState;
}

/** Disclosures in id order (the order they were asked for) after `after`. */
export function* listDisclosures(
  filter: DisclosureFilter,
  after: number,
  limit: number,
): Step<Disclosure[]> {
  const where = ['d.id > ?'];
  const params: unknown[] = [after];
  const add = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    where.push(`${column} = ?`);
    params.push(value);
  };
  add('d.owner_id', filter.owner);
  add('d.police_id', filter.police);
  add('d.case_id', filter.case);
  add('d.status', filter.status);
  const rows = yield* all<DisclosureRow>(
    `${DISCLOSURE_SELECT} WHERE ${where.join(' AND ')} ORDER BY d.id LIMIT ?`,
    ...params,
    limit,
  );
  const page: Disclosure[] = [];
  for (const row of rows) page.push(yield* disclosureOf(row));
  return page;
}

export type Decision =
  | { readonly grant: SealedGrant; readonly recipient: string }
  | { readonly deny: string };

/** What became of one decision: done, or the code it was refused with. */
export type DecisionOutcome =
  | 'ok'
  | 'disclosure.not_found'
  | 'disclosure.decided'
  | 'disclosure.recipient';

/**
 * The owner's decisions on requests for its reports, each once, in one transaction:
 * `disclosure.not_found` where there is no such request for this owner's report,
 * `disclosure.decided` where it was granted or denied before (earlier in the batch too),
 * `disclosure.recipient` for a grant to another key than its case's; one `granted` or
 * `denied` step for each of the rest, then one `refused` step for each refusal on a
 * request of the owner's.
 */
export function* decideDisclosures(
  owner: string,
  decisions: readonly { readonly id: number; readonly decision: Decision }[],
  at: number,
): Step<DecisionOutcome[]> {
  const steps: EntryToAppend[] = [];
  const refusals: EntryToAppend[] = [];
  const results: DecisionOutcome[] = [];
  for (const { id, decision } of decisions) {
    const d = yield* get<{ case_id: string; owner_id: string; recipient: string }>(
      'SELECT d.case_id, d.owner_id, c.recipient FROM disclosures d JOIN cases c ON c.id = d.case_id WHERE d.id = ?',
      id,
    );
    if (d === undefined || d.owner_id !== owner) {
      results.push('disclosure.not_found');
      continue;
    }
    const refuse = (code: DecisionOutcome) => {
      results.push(code);
      refusals.push(refusalEntry(d.case_id, owner, code, at));
    };
    if ('grant' in decision && decision.recipient !== d.recipient) {
      refuse('disclosure.recipient');
      continue;
    }
    const changed =
      'grant' in decision
        ? yield* run(
            "UPDATE disclosures SET status = 'granted', decided_at = ?, grant_box = ? WHERE id = ? AND status = 'requested'",
            at,
            JSON.stringify(decision.grant),
            id,
          )
        : yield* run(
            "UPDATE disclosures SET status = 'denied', decided_at = ?, reason = ? WHERE id = ? AND status = 'requested'",
            at,
            decision.deny,
            id,
          );
    if (changed === 0) {
      refuse('disclosure.decided');
      continue;
    }
    results.push('ok');
    steps.push(
      'grant' in decision
        ? caseEntry(owner, d.case_id, 'granted', String(id), at, {
            disclosure: id,
            grant: grantDigest(decision.grant),
          })
        : caseEntry(owner, d.case_id, 'denied', String(id), at, {
            disclosure: id,
            reason: decision.deny,
          }),
    );
  }
  yield* append([...steps, ...refusals]);
  return results;
}

/** The police member fetched a granted disclosure's details: logged each time. */
export function* disclosureFetched(d: Disclosure, at: number): Step<void> {
  yield* run('UPDATE disclosures SET fetched_at = ? WHERE id = ? AND fetched_at IS NULL', at, d.id);
  yield* append([caseEntry(d.police, d.case, 'fetched', String(d.id), at, { disclosure: d.id })]);
}

/** Requests refused (not police, a closed or expired case, a report outside it): logged. */
export function* caseRefusals(
  refusals: readonly { readonly caseId: string; readonly actor: string; readonly code: string }[],
  at: number,
): Step<void> {
  yield* append(refusals.map((r) => refusalEntry(r.caseId, r.actor, r.code, at)));
}

const refusalEntry = (caseId: string, actor: string, code: string, at: number) =>
  caseEntry(actor, caseId, 'refused', code, at, { actor, code });
