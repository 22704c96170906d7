/**
 * What the demo does once its services run, and says as it goes: the members watch their
 * customers and submit their files, the witness cosigns and an audit re-checks the log,
 * joint analysis finds rings and campaigns, and bank-a's view: its ranked identifiers,
 * checks to paste and where to look.
 */
import { closeSync, createReadStream, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { NoteSigner } from '@credence/core/log/signed-note';
import { auditLog } from '@credence/member/audit';
import { checkIdentifiers, type IdentifierCheck } from '@credence/member/checks';
import { MemberSession } from '@credence/member/member-session';
import { type PlatformEndpoint, platformRequest } from '@credence/member/platform-client';
import { rankOwnIdentifiers } from '@credence/member/rank';
import { submitFile } from '@credence/member/submit';
import { watchFile } from '@credence/member/watch';
import { Witness } from '@credence/member/witness';
import { demoOutcomes } from './demo-outcomes.js';
import { memberConfigFile, type WorldMember } from './demo-setup.js';
import { existsSync, readJson } from './files.js';
import { type Progress, progress } from './progress.js';

/** Prints a line of the demo's story (nothing when quiet). */
export type Say = (text: string) => void;

interface RawLine {
  link?: string;
  from?: { kind: string; value: string };
  to?: { kind: string; value: string };
}

const n = (x: number) => x.toLocaleString('en-US');

/** Rows as a table: the first column aligned left, the others right. */
function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  '),
    )
    .join('\n');
}

/** The values of a JSON Lines file, none if there is no such file. */
export async function* jsonLines<T>(path: string): AsyncGenerator<T> {
  if (!existsSync(path)) return;
  for await (const line of createInterface({
    input: createReadStream(path),
    crlfDelay: Number.POSITIVE_INFINITY,
  }))
    if (line.length > 0) yield JSON.parse(line) as T;
}

/** Distinct (kind, token) pairs of a tokenized file. */
async function tokensOf(path: string, into: Set<string>): Promise<void> {
  for await (const record of jsonLines<{
    entities?: { kind: string; token: string }[];
    from?: { kind: string; token: string };
    to?: { kind: string; token: string };
  }>(path))
    for (const e of record.entities ?? [record.from, record.to])
      if (e) into.add(`${e.kind}:${e.token}`);
}

/**
 * A member's watch file: both ends of its `registered_with` links, the identifiers its
 * own customers registered with it. A customer reported elsewhere raises an alert.
 */
async function writeWatchFile(links: string, out: string): Promise<number> {
  const seen = new Set<string>();
  for await (const l of jsonLines<RawLine>(links)) {
    if (l.link !== 'registered_with') continue;
    for (const e of [l.from, l.to]) if (e) seen.add(`${e.kind},${e.value}`);
  }
  writeFileSync(out, `${[...seen].join('\n')}\n`);
  return seen.size;
}

/**
 * Picks, among identifiers of the demo's rings and customers, one of each verdict; and
 * bank-a says what it did with the answers that warned it (demo-outcomes.ts).
 */
async function exampleChecks(
  configFile: string,
  truth: { rings: { identifiers: Record<string, string[]> }[] },
  customers: string,
): Promise<{
  examples: IdentifierCheck[];
  outcomes: { recorded: number; falsePositives: number };
}> {
  // Fraud and suspicious from the rings' identifiers; clear from bank-a's own customers
  // (a ring's identifier nobody reported is clear too, but would make a poor example).
  const candidates: { kind: string; value: string; customer: boolean }[] = [];
  for (const ring of truth.rings.slice(0, 20))
    for (const kind of ['phone', 'bank_account', 'bank_card', 'url'])
      for (const value of (ring.identifiers[kind] ?? []).slice(0, 3))
        candidates.push({ kind, value, customer: false });
  for await (const line of createInterface({ input: createReadStream(customers) })) {
    if (line.startsWith('phone,'))
      candidates.push({ kind: 'phone', value: line.slice('phone,'.length), customer: true });
    if (candidates.length > 400) break;
  }
  const session = await MemberSession.open(configFile, { threads: 0 });
  try {
    const check = (customer: boolean) =>
      checkIdentifiers(
        session,
        candidates
          .filter((c) => c.customer === customer)
          .map(({ kind, value }) => ({ kind, value })),
      );
    const [rings, customers] = [await check(false), await check(true)];
    const pick = (checks: IdentifierCheck[], verdict: string) =>
      checks.find((c) => c.answer.verdict === verdict && c.identifier.kind !== 'domain');
    const inRings = new Set(truth.rings.flatMap((r) => Object.values(r.identifiers).flat()));
    return {
      examples: [pick(rings, 'fraud'), pick(rings, 'suspicious'), pick(customers, 'clear')].filter(
        (c): c is IdentifierCheck => c !== undefined,
      ),
      outcomes: await demoOutcomes(session, [...customers, ...rings], inRings),
    };
  } finally {
    await session.close();
  }
}

const shellQuote = (s: string) => (/^[\w+.:/@-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The lines of a file (its newlines, and a last line without one), read in chunks. */
function countLines(file: string): number {
  const fd = openSync(file, 'r');
  try {
    const chunk = Buffer.alloc(1 << 20);
    let lines = 0;
    let last = 0x0a;
    for (let read = readSync(fd, chunk); read > 0; read = readSync(fd, chunk)) {
      for (let i = 0; i < read; i++) if (chunk[i] === 0x0a) lines++;
      last = chunk[read - 1] as number;
    }
    return last === 0x0a ? lines : lines + 1;
  } finally {
    closeSync(fd);
  }
}

/** Demo members that send their reports' masked narratives (the others, fingerprints only). */
const SHARING_SCRIPTS: ReadonlySet<string> = new Set(['bank-b', 'internet-a']);

/** What left the members of their narratives, exactly: the demo says it as it is. */
export function sharedScriptsSentence(members: readonly string[]): string {
  const sharing = members.filter((m) => SHARING_SCRIPTS.has(m));
  const others = members.length - sharing.length;
  if (sharing.length === 0) return 'No narrative left any member: only fingerprints were sent.';
  return `${sharing.join(' and ')} opted to share their narratives masked (numbers, links, addresses and handles replaced, as the scripts below show); the other ${others} member${others === 1 ? '' : 's'} sent fingerprints only, and no raw narrative left any member.`;
}

/** Each member's customers watched, before anyone submits, so that every submission can alert. */
export async function watchCustomers(
  data: string,
  world: string,
  members: readonly WorldMember[],
): Promise<Map<string, number>> {
  const watched = new Map<string, number>();
  for (const { id } of members) {
    const file = join(data, 'members', id, 'watchlist.txt');
    await writeWatchFile(join(world, 'members', id, 'links.jsonl'), file);
    const session = await MemberSession.open(memberConfigFile(data, id));
    try {
      watched.set(id, (await watchFile(session, file)).identifiers);
    } finally {
      await session.close();
    }
  }
  return watched;
}

/** The lines of every member's files submitted so far, out of them all, as the progress shows. */
interface Submitting {
  readonly shown: Progress;
  readonly all: number;
  done: number;
}

/** What one member submitted: its row's counts, its evaluations, and the tokens it sent. */
interface Submitted {
  readonly reports: number;
  readonly links: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly alerts: number;
  readonly evaluated: number;
  readonly tokens: Set<string>;
}

/** One member's reports and links tokenized, signed and submitted from its side. */
async function submitMember(
  data: string,
  world: string,
  id: string,
  at: Submitting,
): Promise<Submitted> {
  const dir = join(data, 'members', id);
  mkdirSync(join(dir, 'tokens'), { recursive: true });
  const session = await MemberSession.open(memberConfigFile(data, id));
  const row = { reports: 0, links: 0, accepted: 0, rejected: 0, alerts: 0 };
  const tokens = new Set<string>();
  try {
    for (const file of ['reports', 'links']) {
      const tokensFile = join(dir, 'tokens', `${file}.jsonl`);
      const { tokenized, submitted } = await submitFile(session, {
        // Two of the demo's members opt in to share their reports' masked scripts.
        shareScripts: SHARING_SCRIPTS.has(id),
        input: join(world, 'members', id, `${file}.jsonl`),
        tokens: tokensFile,
        errors: join(dir, 'tokens', `${file}.errors.jsonl`),
        results: join(dir, 'tokens', `${file}.results.jsonl`),
        onTokenizing: (p) => at.shown.update(at.done + p.lines, at.all, `${id} ${file}`),
      });
      at.done += tokenized.lines;
      at.shown.update(at.done, at.all, `${id} ${file}`);
      row.reports += submitted.reports;
      row.links += submitted.links;
      row.accepted += submitted.accepted + submitted.duplicates;
      row.rejected += tokenized.rejectedLines + tokenized.rejectedIdentifiers;
      row.alerts += submitted.alerts;
      await tokensOf(tokensFile, tokens);
    }
  } finally {
    await session.close();
  }
  return { ...row, evaluated: session.tokenizer.stats.evaluated, tokens };
}

/**
 * Every member's files submitted, one member after the other, with a table of what each
 * sent; then the totals, the tokens the members share, and the alerts raised.
 */
export async function submitAll(
  data: string,
  world: string,
  members: readonly WorldMember[],
  watched: ReadonlyMap<string, number>,
  output: { readonly quiet: boolean; readonly say: Say; readonly operator: PlatformEndpoint },
): Promise<void> {
  const { say } = output;
  const rows: string[][] = [
    ['member', 'reports', 'links', 'stored', 'rejected', 'watched', 'alerts raised', 'evaluated'],
  ];
  const tokenSets = new Map<string, Set<string>>();
  const started = performance.now();
  const totals = { reports: 0, links: 0, accepted: 0, alerts: 0, evaluated: 0 };
  // Most of the demo's time is here: its progress on stderr (a line rewritten on a
  // terminal; elsewhere a whole line every 10 s, with the rate and the time left).
  const inputs = members.flatMap(({ id }) =>
    ['reports', 'links'].map((file) => join(world, 'members', id, `${file}.jsonl`)),
  );
  const allLines = inputs.reduce((sum, file) => sum + countLines(file), 0);
  const shown = progress('tokenizing and submitting', 'lines', { enabled: !output.quiet });
  const at: Submitting = { shown, all: allLines, done: 0 };
  for (const { id } of members) {
    const row = await submitMember(data, world, id, at);
    totals.reports += row.reports;
    totals.links += row.links;
    totals.accepted += row.accepted;
    totals.alerts += row.alerts;
    totals.evaluated += row.evaluated;
    tokenSets.set(id, row.tokens);
    rows.push([
      id,
      n(row.reports),
      n(row.links),
      n(row.accepted),
      n(row.rejected),
      n(watched.get(id) ?? 0),
      n(row.alerts),
      n(row.evaluated),
    ]);
  }
  shown.done();
  say(table(rows));
  const seconds = (performance.now() - started) / 1000;
  const count = new Map<string, number>();
  for (const set of tokenSets.values()) for (const t of set) count.set(t, (count.get(t) ?? 0) + 1);
  const shared = [...count.values()].filter((c) => c >= 2).length;
  const health = await platformRequest<{ flaggedTokens: number; sequence: number }>(
    output.operator,
    'GET',
    '/healthz',
  );
  say(
    `\n${n(totals.reports)} reports and ${n(totals.links)} links in ${seconds.toFixed(1)} s (${n(totals.evaluated)} OPRF evaluations; a second run answers from each member's cache and the platform treats repeats as no-ops).`,
  );
  say(
    `${n(count.size)} distinct tokens; ${n(shared)} of them appear in the data of two or more members: that overlap is what joint analysis works on.`,
  );
  say(
    `${n(health.flaggedTokens)} tokens are flagged by reports; ${n(totals.alerts)} alerts went to members watching them in this run.`,
  );
}

/**
 * The witness cosigns the log's checkpoint (and goes on doing so while the demo runs);
 * an audit re-checks the whole log. Returns the witness.
 */
export async function witnessAndAudit(
  data: string,
  log: {
    readonly operator: PlatformEndpoint;
    readonly logKey: string;
    readonly signer: NoteSigner;
  },
  say: Say,
): Promise<Witness> {
  const { operator, logKey } = log;
  const witness = new Witness({
    log: operator,
    logKey,
    signer: log.signer,
    stateFile: join(data, 'witness', 'state.json'),
  });
  await witness.step();
  const checkpoint = await platformRequest<string>(
    operator,
    'GET',
    '/v1/log/checkpoint',
    undefined,
    {
      text: true,
    },
  );
  const auditStarted = performance.now();
  const audit = await auditLog({ platform: operator, logKey });
  say(
    `\nThe transparency log: every write above is an entry; its checkpoint, signed by the platform and cosigned by a witness:\n\n${checkpoint
      .trimEnd()
      .split('\n')
      .map((l) => (l === '' ? l : `  ${l}`))
      .join('\n')}\n`,
  );
  say(
    `Audited in ${((performance.now() - auditStarted) / 1000).toFixed(1)} s: ${n(audit.entries)} entries, ${n(audit.checkpoints)} checkpoints, ${audit.findings.length === 0 ? 'everything verifies' : `${audit.findings.length} findings`}. Audit it yourself:\n  npx credence audit --config ${data}/operator.json --log-key '${logKey}'`,
  );
  return witness;
}

/** Joint analysis over everything the members sent: rings no member sees alone, and campaigns. */
export async function analyseAndSay(
  data: string,
  operator: PlatformEndpoint,
  memberIds: readonly string[],
  say: Say,
): Promise<void> {
  const run = await platformRequest<{
    rings: number;
    ringTokens: number;
    campaigns: number;
    alerts: number;
    seconds: number;
    stats: { nodes: number; edges: number; reported: number };
  }>(operator, 'POST', '/v1/analysis');
  const { rings: top, total } = await platformRequest<{
    rings: { id: string; explanation: string; members: number; size: number; reported: number }[];
    total: number;
  }>(operator, 'GET', '/v1/rings?limit=3');
  say(
    `\nJoint analysis: ${n(run.stats.nodes)} tokens and ${n(run.stats.edges)} edges from every member's data → ${n(run.rings)} rings holding ${n(run.ringTokens)} tokens; ${n(run.alerts)} alerts to members watching a token that joined one (${run.seconds.toFixed(1)} s). The strongest:`,
  );
  for (const r of top) say(`  ${r.id}: ${r.explanation}`);
  say(`  (${n(total)} in all: npx credence rings --config ${data}/members/bank-a/member.json)`);
  const { campaigns } = await platformRequest<{
    campaigns: {
      id: string;
      category: string;
      size: number;
      members: number;
      script: string | null;
      rings: { id: string }[];
    }[];
  }>(operator, 'GET', '/v1/campaigns?limit=3');
  say(
    `\nCampaigns: ${n(run.campaigns)} scripts told to victims at several members, found from fingerprints of masked narratives. ${sharedScriptsSentence(memberIds)} The largest:`,
  );
  for (const c of campaigns)
    say(
      `  ${c.id}: ${c.category}, ${n(c.size)} reports at ${c.members} members, by ${c.rings.length} rings${c.script === null ? '' : `; as told: "${c.script.slice(0, 80)}…"`}`,
    );
  say(`  (npx credence campaigns --config ${data}/members/bank-a/member.json)`);
}

/** What an analyst at bank-a works down: its own identifiers no member reported, ranked. */
async function rankAndSay(bankA: string, bankAFiles: readonly string[], say: Say): Promise<void> {
  const ranked = await (async () => {
    const session = await MemberSession.open(bankA, { threads: 0 });
    try {
      return await rankOwnIdentifiers(session, bankAFiles, { top: 5 });
    } finally {
      await session.close();
    }
  })();
  say(
    `
Ranked risk: of bank-a's ${n(ranked.identifiers)} identifiers, ${n(ranked.unreported)} were reported by no member; the highest ranked of the ${n(ranked.ranked)} near reported ones, with why:`,
  );
  for (const r of ranked.top)
    say(
      `  ${r.identifier.kind} ${r.identifier.value}: risk ${r.rank.score.toFixed(3)} (${r.verdict}${r.ring === null ? '' : `, ${r.ring.id}`}). ${r.rank.reason}`,
    );
  say(`  (npx credence member rank --config ${bankA} ${bankAFiles.map(shellQuote).join(' ')})`);
}

/** The files and commands to look at next, each with what it shows. */
function whereToLook(
  data: string,
  world: string,
  bankA: string,
  platformUrl: string,
): [string, string][] {
  const cli = 'npx credence';
  return [
    [`${world}/members/bank-a/reports.jsonl`, 'raw, as bank-a holds it (never leaves it)'],
    [
      `${data}/members/bank-a/tokens/reports.jsonl`,
      'what bank-a sent: tokens, bands, no narrative',
    ],
    [`${cli} member alerts --config ${bankA}`, "bank-a's alerts about its customers"],
    [`${cli} member verify --config ${bankA}`, 'bank-a re-checks its receipts against the log'],
    [`${platformUrl}/v1/log/checkpoint`, 'the signed checkpoint (with a bearer credential)'],
    [`${world}/truth.json`, 'the rings and campaigns joint analysis should find'],
    [`${platformUrl}/v1/openapi.json`, 'the platform API (OpenAPI 3.1)'],
    [`${platformUrl}/metrics`, 'Prometheus metrics'],
    [`${data}/operator.json`, "the operator's credential (GET /v1/members)"],
    [`${data}/logs/`, 'the logs: counts and ids, never identifiers or narratives'],
  ];
}

/** Bank-a's view, to end on: its ranked identifiers, checks to paste, and where to look. */
export async function showBankA(
  data: string,
  world: string,
  members: readonly WorldMember[],
  platformUrl: string,
  say: Say,
): Promise<void> {
  const bankA = memberConfigFile(data, members[0]?.id ?? 'bank-a');
  const bankAFiles = ['reports.jsonl', 'links.jsonl'].map((f) =>
    join(world, 'members', members[0]?.id ?? 'bank-a', f),
  );
  await rankAndSay(bankA, bankAFiles, say);
  const { examples, outcomes } = await exampleChecks(
    bankA,
    readJson(join(world, 'truth.json')) as { rings: { identifiers: Record<string, string[]> }[] },
    join(data, 'members', members[0]?.id ?? 'bank-a', 'watchlist.txt'),
  );
  const cli = 'npx credence';
  say('\nTry a check (the member side tokenizes the value; the platform sees a token):');
  for (const c of examples)
    say(
      `  ${cli} member check --config ${bankA} --kind ${c.identifier.kind} ${shellQuote(c.identifier.value)}   # ${c.answer.verdict}`,
    );
  if (outcomes.recorded > 0)
    say(
      `\nbank-a said what it did with ${outcomes.recorded} answers that warned it (accounts frozen, card payments held${outcomes.falsePositives > 0 ? `, ${outcomes.falsePositives} false positive${outcomes.falsePositives === 1 ? '' : 's'} about its own customers` : ''}): warning precision and contributors' weights in ${cli} outcomes --config ${data}/operator.json, and the operator's dashboard.`,
    );
  const look = whereToLook(data, world, bankA, platformUrl);
  const width = Math.max(...look.map(([what]) => what.length));
  say(
    ['', 'Where to look:', ...look.map(([what, why]) => `  ${what.padEnd(width)}  ${why}`)].join(
      '\n',
    ),
  );
}
