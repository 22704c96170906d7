import { closeSync, createReadStream, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { formatVerifierKey } from '@credence/core/log/signed-note';
import type { serializeGroupKey } from '@credence/core/oprf/key-set';
import { generateEd25519, privateKeyFromJwk } from '@credence/core/signing/ed25519';
import { auditLog } from '@credence/member/audit';
import { checkIdentifiers, type IdentifierCheck } from '@credence/member/checks';
import { MemberSession } from '@credence/member/member-session';
import { platformRequest } from '@credence/member/platform-client';
import { rankOwnIdentifiers } from '@credence/member/rank';
import { submitFile } from '@credence/member/submit';
import { watchFile } from '@credence/member/watch';
import { Witness } from '@credence/member/witness';
import { openStore } from '@credence/platform/server';
import { CredentialCache } from '@credence/platform/services/credentials';
import { MemberService } from '@credence/platform/services/members';
import { resolveOptions } from '@credence/sim/options';
import type { Command } from 'commander';
import { existsSync, readJson, writeJson } from './files.js';
import { initKeys } from './keys.js';
import { giveMemberCredential } from './keyserver.js';
import { spawnKeyserver } from './keyserver-process.js';
import { decimal, integer } from './parse.js';
import { progress } from './progress.js';
import { type ServiceProcess, spawnService } from './service-process.js';
import { generateWorld } from './sim.js';

export interface StartOptions {
  readonly data: string;
  readonly host: string;
  /** First of the three key servers' ports. */
  readonly portBase: number;
  /** The platform API's port (0: any free port). */
  readonly port: number;
  /** Stop everything once the demo is loaded, instead of serving until interrupted. */
  readonly exit: boolean;
  /** Size of the demo world (1: the demo). */
  readonly scale: number;
  /** A world made by `credence sim` to load instead of the demo world (credence eval). */
  readonly world?: string;
  /** Print nothing (credence eval prints its own table). */
  readonly quiet?: boolean;
  /**
   * Return with the services running and nothing scheduled (credence eval stops them);
   * without it, the demo serves until interrupted unless `exit`.
   */
  readonly hold?: boolean;
}

interface WorldMember {
  readonly id: string;
  readonly type: string;
  readonly name: string;
}

interface RawLine {
  link?: string;
  from?: { kind: string; value: string };
  to?: { kind: string; value: string };
}

const n = (x: number) => x.toLocaleString('en-US');

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  '),
    )
    .join('\n');
}

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
 * The operator's step (on the platform's host, before it serves): every demo member, and
 * an operator, with a credential and a registered signing key. A credential kept from
 * an earlier run is reused while the platform still knows it.
 */
async function enrollMembers(
  db: string,
  wanted: readonly (WorldMember & {
    credential?: string;
    publicKey?: string;
    shareIndex?: number;
  })[],
): Promise<Map<string, string>> {
  const store = openStore(db);
  const credentials = new Map<string, string>();
  try {
    await store.migrate();
    const cache = new CredentialCache(store);
    // The demo's operator stands in for every member: a key it registers again for a
    // member (a member's key file made anew) starts at once. A real operator's wait.
    const members = new MemberService(store, cache, { keyWaitingMs: 0 });
    for (const m of wanted) {
      const existing = await store.getMember(m.id);
      // A key server of a demo made before shares were bound: bind it now (logged).
      if (
        existing !== undefined &&
        m.shareIndex !== undefined &&
        existing.shareIndex !== m.shareIndex
      )
        await members.bindShare(m.id, m.shareIndex);
      const known = m.credential === undefined ? undefined : await cache.authenticate(m.credential);
      if (known?.id === m.id && m.credential !== undefined) {
        credentials.set(m.id, m.credential);
        continue;
      }
      const keys = m.publicKey === undefined ? {} : { publicKey: m.publicKey };
      if (existing === undefined) {
        const added = await members.add({
          id: m.id,
          type: m.type,
          name: m.name,
          ...keys,
          ...(m.shareIndex === undefined ? {} : { shareIndex: m.shareIndex }),
        });
        credentials.set(m.id, added.credential);
      } else {
        await members.enable(m.id);
        const current = (await members.keys(m.id)).some(
          (k) => k.publicKey === m.publicKey && k.revokedAt === undefined,
        );
        const rotated = await members.rotate(m.id, {
          credential: true,
          ...(current ? {} : keys),
        });
        credentials.set(m.id, rotated.credential as string);
      }
    }
  } finally {
    await store.close();
  }
  return credentials;
}

/** Picks, among identifiers of the demo's rings and customers, one of each verdict. */
async function exampleChecks(
  configFile: string,
  truth: { rings: { identifiers: Record<string, string[]> }[] },
  customers: string,
): Promise<IdentifierCheck[]> {
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
    return [pick(rings, 'fraud'), pick(rings, 'suspicious'), pick(customers, 'clear')].filter(
      (c): c is IdentifierCheck => c !== undefined,
    );
  } finally {
    await session.close();
  }
}

const shellQuote = (s: string) => (/^[\w+.:/@-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * `npm start`: Credence on its embedded default with the demo consortium: the demo world,
 * a 2-of-3 threshold key with three key servers, the platform on SQLite, every member
 * enrolled, its customers watched and its files tokenized, signed and submitted from the
 * member side; then a summary and checks to paste.
 */
export async function startDemo(options: StartOptions): Promise<ServiceProcess[]> {
  const say = options.quiet === true ? () => undefined : (text: string) => console.log(text);
  const world = options.world ?? join(options.data, 'demo');
  if (options.world === undefined) generateWorld(resolveOptions({ scale: options.scale }), world);
  const manifest = readJson(join(world, 'world.json')) as { members: { id: string }[] };
  const members = manifest.members.map(
    (m) => readJson(join(world, 'members', m.id, 'member.json')) as WorldMember,
  );

  const keysDir = join(options.data, 'keys');
  if (!existsSync(join(keysDir, 'group.json'))) await initKeys(keysDir, 2, 3);
  const groupKey = readJson(join(keysDir, 'group.json')) as ReturnType<typeof serializeGroupKey>;

  // Key server credentials first (each key server reads its members file when it
  // starts), then the platform's members, each with its own signing key.
  const configFile = (id: string) => join(options.data, 'members', id, 'member.json');
  const previous = new Map<string, Record<string, unknown>>();
  for (const { id } of members) {
    const file = configFile(id);
    if (existsSync(file)) {
      previous.set(id, readJson(file) as Record<string, unknown>);
      continue;
    }
    const keyServers = [1, 2, 3].map((index) => ({
      index,
      url: '',
      token: giveMemberCredential(join(keysDir, `members-${index}.json`), id).token,
    }));
    previous.set(id, { memberId: id, phoneRegion: 'CN', key: groupKey, keyServers });
  }
  const publicKeys = new Map<string, string>();
  for (const { id } of members) {
    const keyFile = join(options.data, 'members', id, 'signing-key.json');
    if (!existsSync(keyFile)) writeJson(keyFile, generateEd25519().privateJwk, true);
    publicKeys.set(id, (readJson(keyFile) as { x: string }).x);
  }
  const db = join(options.data, 'platform.sqlite');
  const operatorFile = join(options.data, 'operator.json');
  const operatorBefore = existsSync(operatorFile)
    ? (readJson(operatorFile) as { credential?: string })
    : {};
  const credentials = await enrollMembers(db, [
    ...members.map((m) => {
      const platform = previous.get(m.id)?.platform as { credential?: string } | undefined;
      return {
        ...m,
        ...(platform?.credential === undefined ? {} : { credential: platform.credential }),
        publicKey: publicKeys.get(m.id) as string,
      };
    }),
    {
      id: 'operator',
      type: 'operator',
      name: 'Platform operator',
      ...(operatorBefore.credential === undefined ? {} : { credential: operatorBefore.credential }),
    },
    // Each key server reports its evaluation counts to the log with a credential of its
    // own, for its own share only.
    ...[1, 2, 3].map((index) => ({
      id: `keyserver-${index}`,
      type: 'keyserver',
      name: `Key server ${index}`,
      shareIndex: index,
    })),
  ]);

  // A witness of the log (in a real consortium: run by a member or a third party).
  const witnessFile = join(options.data, 'witness', 'witness-key.json');
  if (!existsSync(witnessFile)) writeJson(witnessFile, generateEd25519(), true);
  const witnessKey = readJson(witnessFile) as { publicKey: string; privateJwk: unknown };
  const witnessSigner = {
    name: DEMO_WITNESS,
    publicKey: witnessKey.publicKey,
    privateKey: privateKeyFromJwk(witnessKey.privateJwk),
  };
  const witnessVkey = formatVerifierKey(DEMO_WITNESS, witnessKey.publicKey, 0x04);

  mkdirSync(join(options.data, 'logs'), { recursive: true });
  const services: ServiceProcess[] = [];
  const stopAll = () => Promise.all(services.map((s) => s.stop()));
  process.once('exit', () => {
    for (const s of services) s.child.kill('SIGTERM');
  });
  try {
    // The platform first: the key servers report their evaluation counts to its log.
    const platform = await spawnService(
      `platform on port ${options.port}`,
      [
        'serve',
        '--db',
        db,
        '--key',
        join(options.data, 'platform-key.json'),
        '--host',
        options.host,
        '--port',
        String(options.port),
        '--witness',
        witnessVkey,
      ],
      { log: join(options.data, 'logs', 'platform.log') },
    );
    services.push(platform);
    for (let index = 1; index <= 3; index++) {
      services.push(
        await spawnKeyserver({
          share: join(keysDir, `share-${index}.json`),
          members: join(keysDir, `members-${index}.json`),
          state: join(keysDir, `usage-${index}.json`),
          host: options.host,
          port: options.portBase === 0 ? 0 : options.portBase + index - 1,
          log: join(options.data, 'logs', `keyserver-${index}.log`),
          reportTo: {
            url: platform.url,
            credential: credentials.get(`keyserver-${index}`) as string,
            intervalSeconds: 5,
          },
        }),
      );
    }
  } catch (error) {
    await stopAll();
    const message = (error as Error).message;
    throw new Error(
      /EADDRINUSE/.test(message)
        ? `a port is in use (key servers from ${options.portBase}, platform ${options.port}): is another Credence running? (--port-base and --port change them)`
        : message,
    );
  }
  const keyServerUrls = services.slice(1, 4).map((s) => s.url);
  const platformUrl = services[0]?.url as string;
  const operator = { url: platformUrl, credential: credentials.get('operator') as string };
  // Members trust the log key the operator hands them (here: read from the platform,
  // which runs on this machine), and require the demo witness on the checkpoints they
  // verify with credence member verify.
  const { vkey: logKey } = await platformRequest<{ vkey: string }>(operator, 'GET', '/v1/log/key');
  for (const { id } of members) {
    const config = previous.get(id) as { keyServers: { index: number; url: string }[] };
    for (const s of config.keyServers) s.url = keyServerUrls[s.index - 1] as string;
    writeJson(
      configFile(id),
      {
        ...config,
        platform: {
          url: platformUrl,
          credential: credentials.get(id),
          logKey,
          witnesses: [witnessVkey],
          requiredWitnesses: 1,
        },
        signingKeyFile: 'signing-key.json',
      },
      true,
    );
  }
  writeJson(operatorFile, operator, true);

  const keyId = groupKey.keyId as string;
  say(`\nKey servers (${keyId}, 2-of-3): ${keyServerUrls.join(', ')}`);
  say(`Platform (SQLite, ${db}): ${platformUrl}`);
  say(
    'Each member watches its customers, then tokenizes, signs and submits its files (raw values never leave it)…\n',
  );

  // Watchlists first, so that every member's submission can alert the others.
  const watched = new Map<string, number>();
  for (const { id } of members) {
    const file = join(options.data, 'members', id, 'watchlist.txt');
    await writeWatchFile(join(world, 'members', id, 'links.jsonl'), file);
    const session = await MemberSession.open(configFile(id));
    try {
      watched.set(id, (await watchFile(session, file)).identifiers);
    } finally {
      await session.close();
    }
  }

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
  const shown = progress('tokenizing and submitting', 'lines', { enabled: options.quiet !== true });
  let linesBefore = 0;
  for (const { id } of members) {
    const dir = join(options.data, 'members', id);
    mkdirSync(join(dir, 'tokens'), { recursive: true });
    const session = await MemberSession.open(configFile(id));
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
          onTokenizing: (p) => shown.update(linesBefore + p.lines, allLines, `${id} ${file}`),
        });
        linesBefore += tokenized.lines;
        shown.update(linesBefore, allLines, `${id} ${file}`);
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
    totals.reports += row.reports;
    totals.links += row.links;
    totals.accepted += row.accepted;
    totals.alerts += row.alerts;
    totals.evaluated += session.tokenizer.stats.evaluated;
    tokenSets.set(id, tokens);
    rows.push([
      id,
      n(row.reports),
      n(row.links),
      n(row.accepted),
      n(row.rejected),
      n(watched.get(id) ?? 0),
      n(row.alerts),
      n(session.tokenizer.stats.evaluated),
    ]);
  }
  shown.done();
  say(table(rows));
  const seconds = (performance.now() - started) / 1000;
  const count = new Map<string, number>();
  for (const set of tokenSets.values()) for (const t of set) count.set(t, (count.get(t) ?? 0) + 1);
  const shared = [...count.values()].filter((c) => c >= 2).length;
  const health = await platformRequest<{ flaggedTokens: number; sequence: number }>(
    operator,
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

  // The witness cosigns the log's checkpoint (and goes on doing so while the demo
  // runs); an audit re-checks the whole log.
  const witness = new Witness({
    log: operator,
    logKey,
    signer: witnessSigner,
    stateFile: join(options.data, 'witness', 'state.json'),
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
    `Audited in ${((performance.now() - auditStarted) / 1000).toFixed(1)} s: ${n(audit.entries)} entries, ${n(audit.checkpoints)} checkpoints, ${audit.findings.length === 0 ? 'everything verifies' : `${audit.findings.length} findings`}. Audit it yourself:\n  npx credence audit --config ${options.data}/operator.json --log-key '${logKey}'`,
  );

  // Joint analysis over everything the members sent: rings no member sees alone.
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
  say(
    `  (${n(total)} in all: npx credence rings --config ${options.data}/members/bank-a/member.json)`,
  );
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
    `\nCampaigns: ${n(run.campaigns)} scripts told to victims at several members, found from fingerprints of masked narratives. ${sharedScriptsSentence(members.map((m) => m.id))} The largest:`,
  );
  for (const c of campaigns)
    say(
      `  ${c.id}: ${c.category}, ${n(c.size)} reports at ${c.members} members, by ${c.rings.length} rings${c.script === null ? '' : `; as told: "${c.script.slice(0, 80)}…"`}`,
    );
  say(`  (npx credence campaigns --config ${options.data}/members/bank-a/member.json)`);

  const bankA = configFile(members[0]?.id ?? 'bank-a');
  // What an analyst at bank-a works down: its own identifiers no member reported, ranked.
  const bankAFiles = ['reports.jsonl', 'links.jsonl'].map((f) =>
    join(world, 'members', members[0]?.id ?? 'bank-a', f),
  );
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
  const examples = await exampleChecks(
    bankA,
    readJson(join(world, 'truth.json')) as { rings: { identifiers: Record<string, string[]> }[] },
    join(options.data, 'members', members[0]?.id ?? 'bank-a', 'watchlist.txt'),
  );
  const cli = 'npx credence';
  say('\nTry a check (the member side tokenizes the value; the platform sees a token):');
  for (const c of examples)
    say(
      `  ${cli} member check --config ${bankA} --kind ${c.identifier.kind} ${shellQuote(c.identifier.value)}   # ${c.answer.verdict}`,
    );
  const look: [string, string][] = [
    [`${world}/members/bank-a/reports.jsonl`, 'raw, as bank-a holds it (never leaves it)'],
    [
      `${options.data}/members/bank-a/tokens/reports.jsonl`,
      'what bank-a sent: tokens, bands, no narrative',
    ],
    [`${cli} member alerts --config ${bankA}`, "bank-a's alerts about its customers"],
    [`${cli} member verify --config ${bankA}`, 'bank-a re-checks its receipts against the log'],
    [`${platformUrl}/v1/log/checkpoint`, 'the signed checkpoint (with a bearer credential)'],
    [`${world}/truth.json`, 'the rings and campaigns joint analysis should find'],
    [`${platformUrl}/v1/openapi.json`, 'the platform API (OpenAPI 3.1)'],
    [`${platformUrl}/metrics`, 'Prometheus metrics'],
    [`${options.data}/operator.json`, "the operator's credential (GET /v1/members)"],
    [`${options.data}/logs/`, 'the logs: counts and ids, never identifiers or narratives'],
  ];
  const width = Math.max(...look.map(([what]) => what.length));
  say(
    ['', 'Where to look:', ...look.map(([what, why]) => `  ${what.padEnd(width)}  ${why}`)].join(
      '\n',
    ),
  );
  if (options.exit) {
    await stopAll();
    return [];
  }
  if (options.hold === true) return services;
  say(
    '\nThe key servers and the platform keep running, and the witness cosigns every 10 s; Ctrl-C stops them.',
  );
  let stepping = false;
  const cosigning = setInterval(() => {
    if (stepping) return;
    stepping = true;
    witness
      .step()
      .catch((error: { code?: string; message: string }) => {
        // A fork is what a witness exists to catch: say so, loudly.
        if (error.code === 'member.log_fork') console.error(`\nwitness: ${error.message}`);
      })
      .finally(() => {
        stepping = false;
      });
  }, 10_000);
  const stop = () => {
    clearInterval(cosigning);
    void stopAll().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return services;
}

const DEMO_WITNESS = 'witness.credence.local/demo';
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

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('Start Credence on its embedded default with the demo consortium.')
    .option('--data <dir>', 'data directory', 'data')
    .option('--host <h>', 'address the servers listen on', '127.0.0.1')
    .option('--port-base <p>', 'first port of the three key servers', integer, 7101)
    .option('--port <p>', "the platform API's port (0: any free port)", integer, 8080)
    .option('--exit', 'stop once the demo is loaded instead of serving')
    .option('--scale <s>', 'size of the demo world', decimal, 1)
    .action(
      async (flags: {
        data: string;
        host: string;
        portBase: number;
        port: number;
        exit?: boolean;
        scale: number;
      }) => {
        await startDemo({
          data: flags.data.replace(/\/$/, ''),
          host: flags.host,
          portBase: flags.portBase,
          port: flags.port,
          exit: flags.exit === true,
          scale: flags.scale,
        });
      },
    );
}
