import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceProcess } from '@credence/cli/commands/service-process';
import { median } from './machine.js';
import { enroll, fillReports, servePlatform } from './platform-fixtures.js';

/**
 * The TAXII 2.1 server at scale (issue 18: the first page of 1,000 indicators in ≤ 50 ms at
 * 1 million flagged tokens; a STIX export of 1 million indicators in bounded memory):
 * `node taxii.js <flagged tokens>` fills a SQLite store directly (reports of two tokens,
 * 10,000 tokens a batch, a batch a day until yesterday: the collection is dated by day,
 * and serves a day once it is over), serves it with `credence serve`, then times over HTTP, one
 * request at a time: the first page of the flagged tokens (limit 1,000), a page from the
 * middle (by its `next`), and, as the baseline in the same run, a batch check of 1,000
 * flagged tokens (the same answers from the same view, without STIX). Then exports the
 * whole collection with `member export-stix`'s code in a process of its own, and a tenth
 * of it (added_after), each reporting its peak resident memory: bounded memory is the two
 * peaks alike. Prints one JSON line.
 */
const count = Number(process.argv[2] ?? 1_000_000);
const work = mkdtempSync(join(tmpdir(), 'credence-bench-taxii-'));
const db = join(work, 'platform.sqlite');
const { credential } = await enroll(db, 'bench-bank');
const sample: string[] = [];
const DAY = 86_400_000;
// A batch a day, the last yesterday: TAXII serves a day once it is over.
const batchTimes = await fillReports(db, Math.ceil(count / 2), {
  receivedAt: (b, batches) => Date.now() - (batches - b) * DAY,
  each: (caller, account) => {
    if (sample.length < 1000) sample.push(caller, account);
  },
});

async function timed(url: string, init: RequestInit = {}): Promise<{ ms: number; body: string }> {
  const started = performance.now();
  const response = await fetch(url, {
    ...init,
    headers: { authorization: `Bearer ${credential}`, ...init.headers },
  });
  const body = await response.text();
  const ms = performance.now() - started;
  if (!response.ok) throw new Error(`${url}: ${response.status} ${body.slice(0, 200)}`);
  return { ms, body };
}

let platform: ServiceProcess | undefined;
try {
  platform = await servePlatform(db, join(work, 'key.json'));
  const url = platform.url;
  const objects = `${url}/taxii2/credence/collections/flagged-tokens/objects/`;
  const accept = { accept: 'application/taxii+json;version=2.1' };
  // The middle: the next of a page of half the collection's rows, found by added_after.
  // Just before a batch's time: that batch on (its changes carry its time).
  const before = (share: number) =>
    new Date((batchTimes[Math.floor(batchTimes.length * share)] as number) - 1).toISOString();
  const middleTime = before(0.5);
  const middle = JSON.parse(
    (await timed(`${objects}?limit=1&added_after=${middleTime}`, { headers: accept })).body,
  ) as { next?: string };
  const first: number[] = [];
  const mid: number[] = [];
  const checks: number[] = [];
  let pageObjects = 0;
  let pageBytes = 0;
  for (let round = 0; round < 25; round++) {
    const page = await timed(`${objects}?limit=1000`, { headers: accept });
    pageObjects = (JSON.parse(page.body) as { objects: unknown[] }).objects.length;
    pageBytes = page.body.length;
    first.push(page.ms);
    mid.push(
      (
        await timed(`${objects}?limit=1000&next=${encodeURIComponent(middle.next ?? '')}`, {
          headers: accept,
        })
      ).ms,
    );
    checks.push(
      (
        await timed(`${url}/v1/check`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ tokens: sample.slice(0, 1000) }),
        })
      ).ms,
    );
  }
  const exportOf = (addedAfter?: string) =>
    JSON.parse(
      execFileSync(
        process.execPath,
        [
          join(import.meta.dirname, 'taxii-export.js'),
          url,
          credential,
          join(work, 'export.json'),
          ...(addedAfter === undefined ? [] : [addedAfter]),
        ],
        { encoding: 'utf8', maxBuffer: 1 << 20 },
      )
        .trim()
        .split('\n')
        .at(-1) as string,
    ) as { objects: number; seconds: number; maxRssBytes: number; fileBytes: number };
  const whole = exportOf();
  const tenth = exportOf(before(0.9));
  // The first 5 rounds warm up.
  const m = (xs: number[]) => median(xs.slice(5));
  console.log(
    JSON.stringify({
      tokens: count,
      pageObjects,
      pageBytes,
      firstPageMs: m(first),
      firstPageMaxMs: Math.max(...first.slice(5)),
      middlePageMs: m(mid),
      checkMs: m(checks),
      whole,
      tenth,
    }),
  );
} finally {
  await platform?.stop();
  rmSync(work, { recursive: true, force: true });
}
