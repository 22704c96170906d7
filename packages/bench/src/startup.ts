import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnService } from '@credence/cli/commands/service-process';
import { median } from './machine.js';
import { BIN, credence, keyserverIn } from './processes.js';

/**
 * How long a one-shot `credence` command takes, whole process (issue 13 §6: goal ≤ 0.3 s
 * for `--help` and `member check`): a consortium of real processes on this machine (three
 * key servers, the platform), one member enrolled from its enrolment files with a few
 * reports submitted, then each command timed as a person runs it, in turn with its
 * baselines in the same run: `node -e 0` (Node.js itself) and the same command from
 * dist/, unbundled. `node startup.js [runs]` prints one JSON line.
 */
const runs = Number(process.argv[2] ?? '11');
const DIST = resolve(import.meta.dirname, '../../cli/dist/main.js');
const dir = mkdtempSync(join(tmpdir(), 'credence-bench-startup-'));
const children: ChildProcess[] = [];

/** A phone number the member reported, and one nobody did. */
const REPORTED = '+8613800138000';
const UNSEEN = '+8613900139001';

try {
  credence('keys', 'init', '--out', join(dir, 'keys'));
  const credential = (index: number, member: string, ...more: string[]) =>
    credence(
      'keyserver',
      'credential',
      '--members',
      join(dir, 'keys', `members-${index}.json`),
      '--member',
      member,
      ...more,
    );
  const enrolments: string[] = [];
  for (const index of [1, 2, 3]) {
    // A key server starts from a members file; bank-a's credential comes once its URL is known.
    credential(index, 'someone-else');
    const url = await keyserverIn(dir, index, children);
    const file = join(dir, 'enrol', `keyserver-${index}.json`);
    credential(index, 'bank-a', '--enrol-out', file, '--url', url);
    enrolments.push(file);
  }
  const db = join(dir, 'platform.sqlite');
  credence('store', 'init', '--db', db);
  const platform = await spawnService(
    'platform',
    ['serve', '--db', db, '--key', join(dir, 'platform-key.json'), '--port', '0'],
    { log: join(dir, 'platform.log') },
  );
  children.push(platform.child);
  const platformEnrolment = join(dir, 'enrol', 'platform.json');
  credence(
    'members',
    'add',
    'bank-a',
    '--type',
    'bank',
    '--db',
    db,
    '--enrol-out',
    platformEnrolment,
    '--url',
    platform.url,
    '--key',
    join(dir, 'platform-key.json'),
  );
  const config = credence(
    'member',
    'init',
    '--out',
    join(dir, 'bank-a'),
    '--group',
    join(dir, 'keys', 'group.json'),
    ...[...enrolments, platformEnrolment].flatMap((f) => ['--enrol', f]),
  ).trim();
  const reports = join(dir, 'reports.jsonl');
  writeFileSync(
    reports,
    `${JSON.stringify({
      ref: 'case-1',
      type: 'confirmed_fraud',
      category: 'fake_investment',
      occurredAt: new Date(Date.now() - 86_400_000).toISOString(),
      entities: [{ role: 'caller', kind: 'phone', value: REPORTED }],
    })}\n`,
  );
  // Key servers read new credentials within a second: the first submit may come early.
  for (let attempt = 0; ; attempt++) {
    const r = spawnSync(process.execPath, [BIN, 'member', 'submit', reports, '--config', config]);
    if (r.status === 0) break;
    if (attempt === 20) throw new Error(`submit failed: ${r.stderr}`);
    await new Promise((done) => setTimeout(done, 500));
  }

  const missCache = join(dir, 'miss-cache.sqlite');
  const check = (value: string, cache?: string) => [
    'member',
    'check',
    '--config',
    config,
    '--kind',
    'phone',
    value,
    ...(cache === undefined ? [] : ['--cache', cache]),
  ];
  const commands: { name: string; args: string[]; before?: () => void }[] = [
    { name: 'node -e 0', args: ['-e', '0'] },
    { name: 'help, bundle', args: [BIN, '--help'] },
    { name: 'help, dist', args: [DIST, '--help'] },
    { name: 'check cached, bundle', args: [BIN, ...check(REPORTED)] },
    { name: 'check cached, dist', args: [DIST, ...check(REPORTED)] },
    // A token the cache does not hold: the key servers are asked, the proofs verified.
    ...['bundle', 'dist'].map((build) => ({
      name: `check new, ${build}`,
      args: [build === 'bundle' ? BIN : DIST, ...check(UNSEEN, missCache)],
      before: () => rmSync(missCache, { force: true }),
    })),
  ];
  const seconds: Record<string, number[]> = {};
  // One warm-up each (the file cache), then the runs in turn, so that noise falls on all.
  for (let run = -1; run < runs; run++)
    for (const c of commands) {
      c.before?.();
      const started = performance.now();
      const r = spawnSync(process.execPath, c.args, { encoding: 'utf8' });
      const elapsed = (performance.now() - started) / 1000;
      if (r.status !== 0) throw new Error(`${c.name} failed (${r.status}): ${r.stderr}`);
      if (run >= 0) seconds[c.name] = [...(seconds[c.name] ?? []), elapsed];
    }
  const medians = Object.fromEntries(
    Object.entries(seconds).map(([name, xs]) => [name, median(xs)]),
  );
  console.log(JSON.stringify({ runs, medians }));
} finally {
  // The servers write to the directory as they stop (SQLite's last checkpoint): wait for
  // them before removing it, or the removal races their writes (ENOTEMPTY).
  await Promise.all(
    children.map((c) =>
      c.exitCode !== null || c.signalCode !== null
        ? undefined
        : new Promise((exited) => {
            c.once('exit', exited);
            c.kill('SIGTERM');
          }),
    ),
  );
  rmSync(dir, { recursive: true, force: true });
}
