import { decodeBase64url, encodeBase64url } from '@credence/core/encoding/base64url';
import { constantTimeEqual } from '@credence/core/encoding/bytes';
import type { AuditRecord } from '@credence/core/log/audit-records';
import type { Checkpoint } from '@credence/core/log/checkpoint';
import { type LogEntry, recordDigest } from '@credence/core/log/entries';
import { hashLeaf } from '@credence/core/merkle/hash';
import { TreeBuilder } from '@credence/core/merkle/tree-builder';
import type Database from 'better-sqlite3';
import type { MemberIdentity, VerifyFinding } from './log-monitor.js';
import { judgeOwnName } from './own-name.js';
import { type PlatformEndpoint, platformRequest } from './platform-client.js';

/**
 * The log monitor's watch on the member's own name (SPEC §3.6): the log read window by
 * window from where the last verify stopped, every entry in the member's name judged
 * (own-name.ts), and where the reading got to kept in the monitor's file.
 */

/** What the watch has found so far, window after window. */
interface Scan {
  /** The member's keys: the one it signs with now and every one its tool made. */
  readonly ownKeys: ReadonlySet<string>;
  createdAt: string | undefined;
  enrolmentCredential: boolean;
  /** Checks logged in the member's name, and in how many digests. */
  checks: number;
  windows: number;
  /** Key servers' counts of the member's evaluations. */
  evaluations: number;
  /** Entries in the member's name its tool did not write, kept until accepted. */
  readonly foreign: { idx: number; kind: string; message: string }[];
  readonly notices: string[];
}

/** An entry of the log in the member's name, as served. */
interface Mine {
  readonly index: number;
  readonly entry: LogEntry;
  readonly text: string;
}

function meta(db: Database.Database, key: string): string | undefined {
  return db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get(key)
    ?.value;
}

function setMeta(db: Database.Database, key: string, value: string): void {
  db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
}

/**
 * Reads the log from where the last verify stopped to the newest trusted checkpoint:
 * the entries must be that checkpoint's (the tree, resumed from the frontier kept, must
 * reach its root), and every entry in the member's name is judged (own-name.ts): what
 * its tool did not write is kept and named on every verify until accepted.
 */
export async function watchOwnName(
  db: Database.Database,
  platform: PlatformEndpoint,
  latest: Checkpoint,
  me: MemberIdentity,
  findings: VerifyFinding[],
  notices: string[],
): Promise<void> {
  const scanned = Number(meta(db, 'scanned') ?? '0');
  if (scanned > latest.size) return;
  const frontier = JSON.parse(meta(db, 'frontier') ?? '[]') as string[];
  const builder = TreeBuilder.fromFrontier(
    scanned,
    frontier.map((h) => decodeBase64url(h) ?? new Uint8Array()),
  );
  const ownKeys = new Set(
    db
      .prepare<[], { public_key: string }>('SELECT public_key FROM own_keys')
      .all()
      .map((r) => r.public_key),
  );
  if (me.publicKey !== undefined) ownKeys.add(me.publicKey);
  const held = db.prepare<[number], { entry: string }>('SELECT entry FROM entries WHERE idx = ?');
  const scan: Scan = {
    ownKeys,
    createdAt: meta(db, 'createdAt'),
    enrolmentCredential: meta(db, 'enrolmentCredential') === 'seen',
    checks: 0,
    windows: 0,
    evaluations: 0,
    foreign: [],
    notices,
  };
  for (let start = scanned; start < latest.size; start += 1000) {
    const end = Math.min(latest.size, start + 1000);
    const mine = await readWindow(platform, builder, me, start, end);
    if (mine.length === 0) continue;
    const others = mine.filter((m) => held.get(m.index)?.entry !== m.text);
    const records =
      others.length === 0
        ? new Map<number, AuditRecord | null>()
        : await recordsOf(platform, start, end);
    for (const other of others) judge(scan, other, records.get(other.index) ?? null);
  }
  if (scan.windows > 0)
    notices.push(`${scan.checks} checks in your name, logged in ${scan.windows} digests`);
  if (scan.evaluations > 0)
    notices.push(`${scan.evaluations} counts of your evaluations logged by key servers`);
  if (!constantTimeEqual(builder.root(), latest.rootHash)) {
    findings.push({
      kind: 'altered_entry',
      message: `the entries served from ${scanned} to ${latest.size} are not those the checkpoint of size ${latest.size} signs`,
    });
    return;
  }
  const keep = db.prepare(
    'INSERT OR IGNORE INTO foreign_entries (idx, kind, message) VALUES (?, ?, ?)',
  );
  db.transaction(() => {
    for (const f of scan.foreign) keep.run(f.idx, f.kind, f.message);
    setMeta(db, 'scanned', String(latest.size));
    setMeta(db, 'frontier', JSON.stringify(builder.frontier().map((h) => encodeBase64url(h))));
    if (scan.createdAt !== undefined) setMeta(db, 'createdAt', scan.createdAt);
    if (scan.enrolmentCredential) setMeta(db, 'enrolmentCredential', 'seen');
  })();
}

/** One window of the log, each entry added to the tree; the entries in the member's name. */
async function readWindow(
  platform: PlatformEndpoint,
  builder: TreeBuilder,
  me: MemberIdentity,
  start: number,
  end: number,
): Promise<Mine[]> {
  const { entries } = await platformRequest<{ entries: string[] }>(
    platform,
    'GET',
    `/v1/log/entries?start=${start}&end=${end}`,
  );
  const mine: Mine[] = [];
  for (const [i, text] of entries.entries()) {
    builder.append(hashLeaf(new TextEncoder().encode(text)));
    let e: LogEntry | undefined;
    try {
      e = JSON.parse(text) as LogEntry;
    } catch {}
    if (e?.member === me.id) mine.push({ index: start + i, entry: e, text });
  }
  return mine;
}

/** The records of the window's entries in the member's name, by index. */
async function recordsOf(
  platform: PlatformEndpoint,
  start: number,
  end: number,
): Promise<Map<number, AuditRecord | null>> {
  const { records } = await platformRequest<{
    records: { index: number; record: AuditRecord | null }[];
  }>(platform, 'GET', `/v1/me/records?start=${start}&end=${end}`);
  return new Map(records.map((r) => [r.index, r.record]));
}

/** An entry in the member's name its tool did not write: counted, noticed or kept as foreign. */
function judge(scan: Scan, { index, entry }: Mine, record: AuditRecord | null): void {
  if (entry.kind === 'check_digest') {
    scan.windows++;
    scan.checks += Number(entry.subject.split('/')[1] ?? 0);
    return;
  }
  if (entry.kind === 'oprf_usage') {
    scan.evaluations++;
    return;
  }
  // The first creation, verified, sets the time of the enrolment.
  if (
    scan.createdAt === undefined &&
    entry.kind === 'member_event' &&
    record?.type === 'event' &&
    recordDigest(record.record) === entry.digest &&
    (record.record as { event?: unknown }).event === 'created'
  )
    scan.createdAt = entry.time;
  const verdict = judgeOwnName(index, entry, record, {
    ownKeys: scan.ownKeys,
    createdAt: scan.createdAt,
    enrolmentCredential: scan.enrolmentCredential,
  });
  if (verdict.enrolmentCredential === true) scan.enrolmentCredential = true;
  if (verdict.notice !== undefined) scan.notices.push(verdict.notice);
  if (verdict.finding !== undefined)
    scan.foreign.push({ idx: index, kind: verdict.finding.kind, message: verdict.finding.message });
}
