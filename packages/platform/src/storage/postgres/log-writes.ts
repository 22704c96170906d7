import type pg from 'pg';
import type { LogAppend } from '../../domain/types.js';
import { type EntryToAppend, planAppend } from '../log-append.js';
import { patchTiles, TILE_BYTES, type TileId, tilesOf } from '../log-tiles.js';

/**
 * Appends entries to the log (storage/log-append.ts plans the append). Call last in a
 * transaction: the state row stays locked until commit, which orders appends across
 * processes, and taking it after every other lock keeps lock order the same everywhere.
 */
export async function appendInTx(
  client: pg.PoolClient,
  entries: readonly EntryToAppend[],
): Promise<LogAppend | undefined> {
  if (entries.length === 0) return undefined;
  const { rows } = await client.query<{ size: number; frontier: Buffer }>(
    'SELECT size, frontier FROM log_state WHERE id = 1 FOR UPDATE',
  );
  const plan = planAppend(rows[0] as { size: number; frontier: Buffer }, entries);
  const existing = await logTiles(client, tilesOf(plan.nodes));
  const tiles = patchTiles(plan.nodes, existing);
  // One statement: the entries, the tiles (sent as one bytea, cut in SQL: far cheaper
  // to encode than an array of byteas) and the new state.
  await client.query(
    `WITH entries AS (
       INSERT INTO log_entries (idx, entry) SELECT * FROM unnest($1::bigint[], $2::text[])
     ), records AS (
       INSERT INTO log_records (idx, record)
       SELECT idx, record FROM unnest($1::bigint[], $9::text[]) AS r(idx, record) WHERE record IS NOT NULL
     ), tiles AS (
       INSERT INTO log_tiles (band, idx, hashes)
       SELECT t.band, t.idx, substring($5::bytea from ((t.n - 1) * ${TILE_BYTES} + 1)::int for ${TILE_BYTES})
       FROM unnest($3::int[], $4::bigint[]) WITH ORDINALITY AS t(band, idx, n)
       ON CONFLICT (band, idx) DO UPDATE SET hashes = excluded.hashes
     )
     UPDATE log_state SET size = $6, frontier = $7, root = $8 WHERE id = 1`,
    [
      plan.entries.map((e) => e.index),
      plan.entries.map((e) => e.text),
      tiles.map((t) => t.band),
      tiles.map((t) => t.index),
      Buffer.concat(tiles.map((t) => t.hashes)),
      plan.state.size,
      Buffer.from(plan.state.frontier),
      Buffer.from(plan.state.root),
      plan.entries.map((e) => e.record ?? null),
    ],
  );
  return plan.result;
}

/** The stored tiles of these ids (missing ones absent), in one statement. */
export async function logTiles(
  db: pg.Pool | pg.PoolClient,
  ids: readonly TileId[],
): Promise<Map<string, Uint8Array>> {
  const found = new Map<string, Uint8Array>();
  if (ids.length === 0) return found;
  const { rows } = await db.query<{ band: number; idx: number; hashes: Buffer }>(
    'SELECT t.band, t.idx, t.hashes FROM log_tiles t JOIN unnest($1::int[], $2::bigint[]) AS w(band, idx) ON t.band = w.band AND t.idx = w.idx',
    [ids.map((i) => i.band), ids.map((i) => i.index)],
  );
  for (const r of rows) found.set(`${r.band}/${r.idx}`, new Uint8Array(r.hashes));
  return found;
}
