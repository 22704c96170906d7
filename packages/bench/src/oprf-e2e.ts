import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credence, keyserverIn } from './processes.js';

/**
 * End-to-end member tokenization on this machine: three `credence keyserver` processes
 * (2-of-3) and `credence member tokenize` over a file of distinct identifiers, all real
 * processes over loopback; then the same file again, answered from the member's cache.
 * `node oprf-e2e.js <identifiers>` prints one JSON line.
 */
const count = Number(process.argv[2] ?? '100000');
const dir = mkdtempSync(join(tmpdir(), 'credence-bench-oprf-'));
const children: ChildProcess[] = [];

try {
  credence('keys', 'init', '--threshold', '2', '--shares', '3', '--out', join(dir, 'keys'));
  const keyServers = [];
  for (const index of [1, 2, 3]) {
    const token = credence(
      'keyserver',
      'credential',
      '--members',
      join(dir, 'keys', `members-${index}.json`),
      '--member',
      'bank-a',
      '--quota',
      String(10 * count),
      '--rate',
      String(100 * count),
    ).trim();
    keyServers.push({ index, url: await keyserverIn(dir, index, children), token });
  }
  writeFileSync(
    join(dir, 'member.json'),
    JSON.stringify({
      memberId: 'bank-a',
      key: JSON.parse(readFileSync(join(dir, 'keys', 'group.json'), 'utf8')),
      keyServers,
    }),
  );
  // Links between distinct mobile numbers: every identifier in the file is new.
  const lines: string[] = [];
  for (let i = 0; i < count / 2; i++) {
    const a = `+86138${String(2 * i).padStart(8, '0')}`;
    const b = `+86139${String(2 * i + 1).padStart(8, '0')}`;
    lines.push(
      JSON.stringify({
        link: 'call',
        from: { kind: 'phone', value: a },
        to: { kind: 'phone', value: b },
        at: '2026-11-20T10:00:00Z',
        count: 1,
      }),
    );
  }
  writeFileSync(join(dir, 'raw.jsonl'), `${lines.join('\n')}\n`);
  const run = () => {
    const t = performance.now();
    credence(
      'member',
      'tokenize',
      '--in',
      join(dir, 'raw.jsonl'),
      '--out',
      join(dir, 'tokens.jsonl'),
      '--config',
      join(dir, 'member.json'),
      '--cache',
      join(dir, 'cache.sqlite'),
    );
    return (performance.now() - t) / 1000;
  };
  const fresh = run();
  const cached = run();
  console.log(
    JSON.stringify({
      identifiers: count,
      seconds: fresh,
      perSecond: count / fresh,
      cachedSeconds: cached,
      cachedPerSecond: count / cached,
    }),
  );
} finally {
  for (const c of children) c.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
