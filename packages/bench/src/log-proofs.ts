import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeBase64url } from '@credence/core/encoding/base64url';
import { hashLeaf } from '@credence/core/merkle/hash';
import { rootFromNodes, rootNodes } from '@credence/core/merkle/proofs';
import { type CompletedNode, TreeBuilder } from '@credence/core/merkle/tree-builder';
import { verifyConsistency, verifyInclusion } from '@credence/core/merkle/verify';
import { generateEd25519, privateKeyFromJwk } from '@credence/core/signing/ed25519';
import { LogService } from '@credence/platform/services/log-service';
import { patchTiles } from '@credence/platform/storage/log-tiles';
import { SqliteStore } from '@credence/platform/storage/sqlite/sqlite-store';
import { ThreadedSqliteStore } from '@credence/platform/storage/sqlite/threaded-sqlite-store';
import Database from 'better-sqlite3';

/**
 * Child of `npm run bench`: a log of `leaves` entries in SQLite (its tree tiles written in
 * bulk, as appends would have left them; the entry texts are not needed for proofs), then
 * inclusion and consistency proofs for random indexes and sizes, served by the log service
 * on the store's writer thread, as the API serves them, with `concurrency` in flight.
 * Baseline: the same number of store round trips that do nothing (the log head).
 * Every 100th proof is verified. Prints proofs per second.
 * Args: leaves, seconds, concurrency.
 */

const [leavesArg = '10000000', secondsArg = '5', concurrencyArg = '16'] = process.argv.slice(2);
const leaves = Number(leavesArg);
const seconds = Number(secondsArg);
const concurrency = Number(concurrencyArg);

const work = mkdtempSync(join(tmpdir(), 'credence-proofs-'));
const file = join(work, 'log.sqlite');
{
  const store = new SqliteStore(file);
  await store.migrate();
  await store.close();
}
const buildStarted = performance.now();
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = OFF');
const insert = db.prepare('INSERT OR REPLACE INTO log_tiles (band, idx, hashes) VALUES (?, ?, ?)');
const builder = new TreeBuilder();
const leafData = Buffer.alloc(8);
const CHUNK = 200_000;
// Tiles as appends leave them: each chunk's completed nodes patched into their tiles; the
// last tile of each band may be partial and carries over to the next chunk.
let carry = new Map<string, Uint8Array>();
for (let from = 0; from < leaves; from += CHUNK) {
  const completed: CompletedNode[] = [];
  for (let i = from; i < Math.min(leaves, from + CHUNK); i++) {
    leafData.writeDoubleBE(i);
    for (const n of builder.append(hashLeaf(leafData))) completed.push(n);
  }
  const tiles = patchTiles(completed, carry);
  db.transaction(() => {
    for (const t of tiles) insert.run(t.band, t.index, t.hashes);
  })();
  // Only the last tile of each band can still be partial: keep those (from this chunk,
  // or from an earlier one when this chunk did not reach that band).
  const last = new Map<number, { index: number; hashes: Uint8Array }>();
  for (const [key, hashes] of carry) {
    const [band, index] = key.split('/').map(Number) as [number, number];
    last.set(band, { index, hashes });
  }
  for (const t of tiles)
    if ((last.get(t.band)?.index ?? -1) <= t.index)
      last.set(t.band, { index: t.index, hashes: t.hashes });
  carry = new Map([...last].map(([band, t]) => [`${band}/${t.index}`, t.hashes]));
}
const root = builder.root();
const frontier = Buffer.concat(builder.frontier());
db.prepare('UPDATE log_state SET size = ?, frontier = ?, root = ?').run(leaves, frontier, root);
db.close();
const buildSeconds = (performance.now() - buildStarted) / 1000;

const store = ThreadedSqliteStore.open(file);
const key = generateEd25519();
const log = new LogService(store, {
  origin: 'bench.local/log',
  name: 'bench.local/log',
  publicKey: key.publicKey,
  privateKey: privateKeyFromJwk(key.privateJwk),
});

async function rate(work: (n: number) => Promise<void>): Promise<number> {
  let done = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) await work(done++);
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

const bytes = (h: string) => decodeBase64url(h) as Uint8Array;
let verified = 0;
const leafHashOf = (i: number) => {
  leafData.writeDoubleBE(i);
  return hashLeaf(leafData);
};
const inclusion = await rate(async (n) => {
  const index = randomInt(leaves);
  const p = await log.inclusion(index, leaves);
  if (n % 100 === 0) {
    if (!verifyInclusion(index, leaves, leafHashOf(index), p.proof.map(bytes), root))
      throw new Error(`inclusion proof of ${index} does not verify`);
    verified++;
  }
});
const consistency = await rate(async (n) => {
  const from = 1 + randomInt(leaves - 1);
  const p = await log.consistency(from, leaves);
  if (n % 100 === 0) {
    // The older tree's root from the stored nodes, as a checkpoint of that size signed it.
    const nodes = await store.logNodes(rootNodes(from));
    const older = rootFromNodes(from, (l, x) => nodes.get(`${l}/${x}`));
    if (!verifyConsistency(from, leaves, older, root, p.proof.map(bytes)))
      throw new Error(`consistency proof from ${from} does not verify`);
    verified++;
  }
});
const baseline = await rate(async () => {
  await store.logHead();
});
await store.close();
rmSync(work, { recursive: true, force: true });
console.log(
  JSON.stringify({ leaves, buildSeconds, inclusion, consistency, baseline, verified, concurrency }),
);
