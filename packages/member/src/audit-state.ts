import { createHash } from 'node:crypto';
import {
  type AuditRecord,
  addEntityRow,
  type EntityRowsDigest,
  type StoredReportRecord,
} from '@credence/core/log/audit-records';
import { type LogEntry, recordDigest } from '@credence/core/log/entries';
import {
  reportFigures,
  reportTokens,
  riskTokens,
  type StatsFigures,
  widen,
} from '@credence/core/risk/token-summary';
import type { Category, ReportType } from '@credence/core/wire/vocabulary';
import { applyKeyEvent, type KeyRow } from './audit-keys.js';
import { type PlatformEndpoint, platformRequest } from './platform-client.js';

/**
 * What the platform's derived tables must hold, rebuilt by the audit from the logged
 * records alone (SPEC §3.4, issue 11): the tokens' summaries and states that checks are
 * answered from, the rings' tokens of the latest analysis run, the members, their
 * credentials and signing keys, the key servers' counts. Each record reaches this class
 * only after its digest matched its entry, so what is rebuilt is what the log says; the
 * platform's tables are then read page by page and every row that differs, is missing
 * or is extra is named, table by table, with its own finding.
 */

export type StateFindingKind =
  | 'altered_summary'
  | 'altered_token_state'
  | 'altered_report_index'
  | 'altered_ring_tokens'
  | 'altered_analysis'
  | 'altered_member'
  | 'altered_credentials'
  | 'altered_signing_keys'
  | 'altered_usage';

export interface StateFinding {
  readonly kind: StateFindingKind;
  readonly message: string;
}

interface StatsRow extends StatsFigures {
  readonly member: string;
  readonly type: string;
}

/** The parts of a kept analysis result the audit reads: each ring's tokens. */
interface KeptResult {
  readonly rings?: readonly {
    readonly id: string;
    readonly tokens: readonly {
      readonly token: string;
      readonly kind: string;
      readonly former?: boolean;
    }[];
  }[];
}

const time = (entry: LogEntry) => Date.parse(entry.time);

export class LoggedState {
  /** Per token, its summary rows from the reports that stand. */
  private readonly stats = new Map<string, StatsRow[]>();
  /** Per token ever reported: the kind and key id of its first mention, in log order. */
  private readonly tokens = new Map<string, { kind: string; keyId: string }>();
  private readonly members = new Map<
    string,
    { name: string; type: string; status: string; createdAt: number; shareIndex: number | null }
  >();
  private readonly credentials = new Map<
    string,
    { createdAt: number; revokedAt: number | null; credential: string | null }[]
  >();
  private readonly keys = new Map<string, Map<string, KeyRow>>();
  private readonly usage = new Map<string, number>();
  /** Per token, the rows its index of reports must hold (core/log/audit-records.ts). */
  private readonly entities = new Map<string, EntityRowsDigest>();
  /** Key events whose record does not show the authorization it claims. */
  private readonly keyProblems: { member: string; message: string }[] = [];
  /** Members created a second time. */
  private readonly recreated: string[] = [];
  /** Tokens named by reports whose stored rows are not what was logged: not compared. */
  private readonly distrusted = new Set<string>();
  /** Members with an event whose record is not what was logged: their rows are not compared. */
  private readonly distrustedMembers = new Set<string>();
  /** Summary rows (token and member) of edited reports, and members with an edited key event. */
  private readonly distrustedRows = new Set<string>();
  private readonly distrustedKeys = new Set<string>();
  /** The newest analysis run the log names: its id and digest. */
  private analysis: { id: number; digest: string } | undefined;

  /** Takes a verified entry and the record its digest matched. */
  take(entry: LogEntry, record: AuditRecord): void {
    if (entry.kind === 'report' && record.type === 'report')
      this.report(entry.member, record.report);
    else if (record.type === 'event') {
      const r = (record.record ?? {}) as Record<string, unknown>;
      if (entry.kind === 'member_event') this.memberEvent(entry, r);
      else if (entry.kind === 'key_event') this.keyEvent(entry, r);
      else if (entry.kind === 'oprf_usage') this.usageEvent(r);
      else if (entry.kind === 'analysis') {
        const id = Number(/^analysis\/(\d+)$/.exec(entry.subject)?.[1]);
        if (Number.isSafeInteger(id)) this.analysis = { id, digest: entry.digest };
      }
    }
  }

  /**
   * An entry whose stored record is not what was logged (the audit names it): what it
   * would rebuild cannot be held to what the log says, so it is not compared, and only
   * that — the reporting member's summary rows of the tokens an edited report names (and
   * those tokens' states and index), a member's row and credentials if a member event's
   * record was edited, its keys if a key event's was.
   */
  distrust(entry: LogEntry, record: AuditRecord | null): void {
    if (record?.type === 'report')
      for (const e of record.report.entities) {
        this.distrusted.add(e.token);
        this.distrustedRows.add(`${e.token}\u0000${entry.member}`);
      }
    if (entry.kind === 'member_event') this.distrustedMembers.add(entry.member);
    if (entry.kind === 'key_event') this.distrustedKeys.add(entry.member);
  }

  /**
   * A report counts into its tokens' summaries unless the store holds it as retracted
   * (then a retraction entry must account for that: the audit counts them).
   */
  private report(member: string, r: StoredReportRecord): void {
    // The index of reports by token: a row per token and role (a repeat adds nothing).
    const indexed = new Set<string>();
    for (const e of r.entities) {
      if (indexed.has(`${e.token}\u0000${e.role}`)) continue;
      indexed.add(`${e.token}\u0000${e.role}`);
      let d = this.entities.get(e.token);
      if (d === undefined) {
        d = { rows: 0, hash: 0 };
        this.entities.set(e.token, d);
      }
      addEntityRow(d, { report: r.id, role: e.role, kind: e.kind, keyId: e.keyId, member });
    }
    for (const e of reportTokens(r.entities))
      if (!this.tokens.has(e.token)) this.tokens.set(e.token, { kind: e.kind, keyId: e.keyId });
    if (r.retractedAt !== null) return;
    const figures = reportFigures({ category: r.category as Category, occurredAt: r.occurredAt });
    // Only the tokens it holds at risk: a victim's own identifiers take no risk.
    for (const e of riskTokens(r.type as ReportType, r.entities)) {
      let rows = this.stats.get(e.token);
      if (rows === undefined) {
        rows = [];
        this.stats.set(e.token, rows);
      }
      const i = rows.findIndex((s) => s.member === member && s.type === r.type);
      const row = { member, type: r.type, ...widen(rows[i], figures) };
      if (i < 0) rows.push(row);
      else rows[i] = row;
    }
  }

  private memberEvent(entry: LogEntry, r: Record<string, unknown>): void {
    const id = entry.member;
    if (r.event === 'created' && this.members.has(id)) this.recreated.push(id);
    else if (r.event === 'created')
      this.members.set(id, {
        name: String(r.name),
        type: String(r.type),
        status: 'active',
        createdAt: time(entry),
        shareIndex: null,
      });
    else if (r.event === 'status') {
      const m = this.members.get(id);
      if (m !== undefined) m.status = String(r.status);
    } else if (r.event === 'share') {
      // A key server bound to the share whose counts it may report.
      const m = this.members.get(id);
      if (m !== undefined) m.shareIndex = Number(r.shareIndex);
    } else if (r.event === 'credential_issued') {
      const list = this.credentials.get(id) ?? [];
      list.push({
        createdAt: Number(r.at),
        revokedAt: null,
        credential: typeof r.credential === 'string' ? r.credential : null,
      });
      this.credentials.set(id, list);
    } else if (r.event === 'credentials_revoked')
      for (const c of this.credentials.get(id) ?? []) c.revokedAt ??= Number(r.at);
  }

  /** A key event applied to the member's keys; one not authorized as it says is a problem. */
  private keyEvent(entry: LogEntry, r: Record<string, unknown>): void {
    let keys = this.keys.get(entry.member);
    if (keys === undefined) {
      keys = new Map();
      this.keys.set(entry.member, keys);
    }
    const refused = applyKeyEvent(keys, entry, r, this.members.get(entry.member)?.createdAt);
    if (refused !== undefined)
      this.keyProblems.push({
        member: entry.member,
        message: `member ${entry.member}'s key event for ${String(r.publicKey)} (${entry.time}): ${refused}`,
      });
  }

  private usageEvent(r: Record<string, unknown>): void {
    const key = JSON.stringify([r.reporter, r.keyId, r.shareIndex, r.day, r.member]);
    this.usage.set(key, Math.max(this.usage.get(key) ?? 0, Number(r.evaluations)));
  }

  /** Reads the platform's tables and names every row that is not what the log says. */
  async compare(
    platform: PlatformEndpoint,
    find: (f: StateFinding) => void,
    pageSize = 5000,
  ): Promise<void> {
    const flagged = new Set<string>();
    for (const [token, rows] of this.stats) if (rows.length > 0) flagged.add(token);
    await this.compareSummaries(platform, find, pageSize);
    await this.compareTokenStates(platform, find, pageSize, flagged);
    await this.compareEntities(platform, find, pageSize);
    await this.compareRings(platform, find, pageSize);
    await this.compareMembers(platform, find);
    await this.compareKeys(platform, find);
    // (A member whose creation's record was edited has no enrolment to hold its keys to.)
    for (const { member, message } of this.keyProblems)
      if (!this.distrustedMembers.has(member) && !this.distrustedKeys.has(member))
        find({ kind: 'altered_signing_keys', message });
    for (const id of this.recreated)
      find({ kind: 'altered_member', message: `member ${id} is created a second time in the log` });
    await this.compareUsage(platform, find);
  }

  private async compareSummaries(
    platform: PlatformEndpoint,
    find: (f: StateFinding) => void,
    pageSize: number,
  ): Promise<void> {
    const named = new Set<string>();
    // The rows of each token the store holds (the comparison may run again: it keeps the
    // rebuilt summaries as they are).
    const matched = new Map<string, Set<StatsRow>>();
    for await (const row of readTable(platform, 'token-stats', pageSize)) {
      const token = String(row.token);
      if (this.distrustedRows.has(`${token}\u0000${String(row.member)}`)) continue;
      const rows = this.stats.get(token) ?? [];
      const i = rows.findIndex((s) => s.member === row.member && s.type === row.type);
      const want = rows[i];
      const same =
        want !== undefined &&
        want.reports === row.reports &&
        want.firstSeen === row.firstSeen &&
        want.lastSeen === row.lastSeen &&
        want.categories === row.categories;
      if (want !== undefined) {
        const seen = matched.get(token) ?? new Set();
        seen.add(want);
        matched.set(token, seen);
      }
      if (!same && !named.has(token)) {
        named.add(token);
        find({
          kind: 'altered_summary',
          message:
            want === undefined
              ? `token ${token}: the store counts ${row.type} reports by ${row.member} that no logged report in the store accounts for`
              : `token ${token}: the store's count of ${row.type} reports by ${row.member} is not what the logged reports say`,
        });
      }
    }
    for (const [token, rows] of this.stats) {
      const missing = rows.filter(
        (r) =>
          matched.get(token)?.has(r) !== true &&
          !this.distrustedRows.has(`${token}\u0000${r.member}`),
      );
      if (missing.length > 0 && !named.has(token))
        find({
          kind: 'altered_summary',
          message: `token ${token}: the logged reports of ${missing.map((r) => r.member).join(', ')} are missing from its summary`,
        });
    }
  }

  private async compareTokenStates(
    platform: PlatformEndpoint,
    find: (f: StateFinding) => void,
    pageSize: number,
    flaggedTokens: ReadonlySet<string>,
  ): Promise<void> {
    const seen = new Set<string>();
    for await (const row of readTable(platform, 'token-state', pageSize)) {
      const token = String(row.token);
      seen.add(token);
      if (this.distrusted.has(token)) continue;
      const want = this.tokens.get(token);
      const flagged = flaggedTokens.has(token);
      if (want === undefined)
        find({
          kind: 'altered_token_state',
          message: `token ${token} has a state, but no logged report names it`,
        });
      else if (want.kind !== row.kind || want.keyId !== row.keyId || flagged !== row.flagged)
        find({
          kind: 'altered_token_state',
          message: `token ${token}: its state (${row.flagged ? 'flagged' : 'not flagged'}, ${String(row.kind)}) is not what the logged reports say (${flagged ? 'flagged' : 'not flagged'}, ${want.kind})`,
        });
    }
    for (const token of this.tokens.keys())
      if (!seen.has(token) && !this.distrusted.has(token))
        find({
          kind: 'altered_token_state',
          message: `token ${token} is named by logged reports, but the store has no state for it`,
        });
  }

  private async compareEntities(
    platform: PlatformEndpoint,
    find: (f: StateFinding) => void,
    pageSize: number,
  ): Promise<void> {
    const seen = new Set<string>();
    for await (const row of readTable(platform, 'report-entities', pageSize)) {
      const token = String(row.token);
      seen.add(token);
      if (this.distrusted.has(token)) continue;
      const want = this.entities.get(token);
      if (want === undefined || want.rows !== row.rows || want.hash !== row.hash)
        find({
          kind: 'altered_report_index',
          message: `token ${token}: the store's index of the reports naming it holds ${String(row.rows)} rows, not those of the logged reports (${want?.rows ?? 0})`,
        });
    }
    for (const token of this.entities.keys())
      if (!seen.has(token) && !this.distrusted.has(token))
        find({
          kind: 'altered_report_index',
          message: `token ${token}: the store's index of reports has no row for it, though logged reports name it`,
        });
  }

  private async compareRings(
    platform: PlatformEndpoint,
    find: (f: StateFinding) => void,
    pageSize: number,
  ): Promise<void> {
    const want = new Map<string, string>();
    if (this.analysis !== undefined) {
      const run = await platformRequest<{ id: number; body: string }>(
        platform,
        'GET',
        '/v1/audit/analysis/latest',
      );
      const digest = recordDigest({
        resultSha256: createHash('sha256').update(run.body).digest('hex'),
      });
      if (run.id !== this.analysis.id || digest !== this.analysis.digest) {
        find({
          kind: 'altered_analysis',
          message: `the latest analysis run kept (${run.id}) is not the one the log names last (${this.analysis.id}), or not as logged`,
        });
        return;
      }
      let result: KeptResult = {};
      try {
        result = JSON.parse(run.body) as KeptResult;
      } catch {}
      // A former holder's epoch (issue 12) is no token of the ring today: not kept.
      for (const ring of result.rings ?? [])
        for (const t of ring.tokens)
          if (t.former !== true) want.set(t.token, JSON.stringify([ring.id, t.kind, run.id]));
    }
    let named = 0;
    const say = (message: string) => {
      if (named++ < 100) find({ kind: 'altered_ring_tokens', message });
    };
    for await (const row of readTable(platform, 'ring-tokens', pageSize)) {
      const token = String(row.token);
      const expected = want.get(token);
      want.delete(token);
      if (expected === undefined)
        say(
          `token ${token} is kept in ring ${String(row.ringId)}, which the latest run does not put it in`,
        );
      else if (expected !== JSON.stringify([row.ringId, row.kind, row.run]))
        say(
          `token ${token} is kept in ring ${String(row.ringId)}, not where the latest run put it`,
        );
    }
    for (const [token, expected] of want)
      say(
        `token ${token} of ring ${String(JSON.parse(expected)[0])} is missing from the ring tokens`,
      );
  }

  private async compareMembers(
    platform: PlatformEndpoint,
    find: (f: StateFinding) => void,
  ): Promise<void> {
    const seen = new Set<string>();
    for await (const row of readTable(platform, 'members', 1000)) {
      const id = String(row.id);
      seen.add(id);
      if (this.distrustedMembers.has(id)) continue;
      const want = this.members.get(id);
      if (
        want === undefined ||
        want.name !== row.name ||
        want.type !== row.type ||
        want.status !== row.status ||
        want.createdAt !== row.createdAt ||
        want.shareIndex !== row.shareIndex
      )
        find({
          kind: 'altered_member',
          message:
            want === undefined
              ? `member ${id} is in the store, but the log never created it`
              : `member ${id} (${String(row.type)}, ${String(row.status)}) is not what its logged events say (${want.type}, ${want.status})`,
        });
    }
    for (const id of this.members.keys())
      if (!seen.has(id) && !this.distrustedMembers.has(id))
        find({
          kind: 'altered_member',
          message: `member ${id} is logged, but missing from the store`,
        });

    const stored = new Map<string, string[]>();
    for await (const row of readTable(platform, 'credentials', 1000)) {
      const list = stored.get(String(row.member)) ?? [];
      list.push(JSON.stringify([row.createdAt, row.revokedAt, row.credential]));
      stored.set(String(row.member), list);
    }
    for (const id of new Set([...stored.keys(), ...this.credentials.keys()])) {
      if (this.distrustedMembers.has(id)) continue;
      const have = (stored.get(id) ?? []).sort();
      const want = (this.credentials.get(id) ?? [])
        .map((c) => JSON.stringify([c.createdAt, c.revokedAt, c.credential]))
        .sort();
      if (JSON.stringify(have) !== JSON.stringify(want)) {
        const live = (list: string[]) => list.filter((c) => JSON.parse(c)[1] === null).length;
        find({
          kind: 'altered_credentials',
          message: `member ${id} has ${have.length} credentials in the store (${live(have)} valid), but its logged events account for ${want.length} (${live(want)} valid)`,
        });
      }
    }
  }

  private async compareKeys(
    platform: PlatformEndpoint,
    find: (f: StateFinding) => void,
  ): Promise<void> {
    const seen = new Set<string>();
    for await (const row of readTable(platform, 'signing-keys', 1000)) {
      const member = String(row.member);
      if (this.distrustedKeys.has(member)) continue;
      const key = String(row.publicKey);
      seen.add(`${member}/${key}`);
      const want = this.keys.get(member)?.get(key);
      if (
        want === undefined ||
        want.createdAt !== row.createdAt ||
        want.activatesAt !== row.activatesAt ||
        want.revokedAt !== row.revokedAt
      )
        find({
          kind: 'altered_signing_keys',
          message:
            want === undefined
              ? `member ${member} has signing key ${key} in the store, but no logged key event added it`
              : `member ${member}'s signing key ${key} is not in the state its logged key events leave it`,
        });
    }
    for (const [member, keys] of this.keys)
      if (!this.distrustedKeys.has(member))
        for (const key of keys.keys())
          if (!seen.has(`${member}/${key}`))
            find({
              kind: 'altered_signing_keys',
              message: `member ${member}'s signing key ${key} is logged, but missing from the store`,
            });
  }

  private async compareUsage(
    platform: PlatformEndpoint,
    find: (f: StateFinding) => void,
  ): Promise<void> {
    const want = new Map(this.usage);
    for await (const row of readTable(platform, 'oprf-usage', 5000)) {
      const key = JSON.stringify([row.reporter, row.keyId, row.shareIndex, row.day, row.member]);
      const logged = want.get(key);
      want.delete(key);
      if (logged !== row.evaluations)
        find({
          kind: 'altered_usage',
          message: `key server ${String(row.reporter)}'s count for ${String(row.member)} on ${String(row.day)} is ${String(row.evaluations)} in the store, ${logged ?? 'none'} in the log`,
        });
    }
    for (const key of want.keys()) {
      const [reporter, , , day, member] = JSON.parse(key) as string[];
      find({
        kind: 'altered_usage',
        message: `key server ${reporter}'s count for ${member} on ${day} is logged, but missing from the store`,
      });
    }
  }
}

/** Every row of a derived table, page by page in key order. */
async function* readTable(
  platform: PlatformEndpoint,
  table: string,
  pageSize: number,
): AsyncGenerator<Record<string, unknown>> {
  let after: unknown[] | null = null;
  do {
    const query: string =
      after === null ? '' : `&after=${encodeURIComponent(JSON.stringify(after))}`;
    const page: { rows: Record<string, unknown>[]; next: unknown[] | null } = await platformRequest(
      platform,
      'GET',
      `/v1/audit/state/${table}?limit=${pageSize}${query}`,
    );
    yield* page.rows;
    after = page.next;
  } while (after !== null);
}
