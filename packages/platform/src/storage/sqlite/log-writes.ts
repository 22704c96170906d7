import type Database from 'better-sqlite3';
import type { LogAppend } from '../../domain/types.js';
import { type EntryToAppend, planAppend } from '../log-append.js';
import { patchTiles, type TileId, tilesOf } from '../log-tiles.js';

interface TileRow {
  band: number;
  idx: number;
  hashes: Buffer;
}

/** The log's appends and tile reads on one SQLite connection, with their statements. */
export class SqliteLog {
  /** Tile lookups by number of tiles (a proof reads a handful; an append some tens). */
  private readonly tileQueries = new Map<number, Database.Statement<number[], TileRow>>();
  private tileQuery: Database.Statement<[number, number], { hashes: Buffer }> | undefined;

  constructor(private readonly db: Database.Database) {}

  /** Appends entries to the log; call inside a transaction (storage/log-append.ts). */
  append(entries: readonly EntryToAppend[]): LogAppend | undefined {
    if (entries.length === 0) return undefined;
    const state = this.db
      .prepare<[], { size: number; frontier: Buffer }>('SELECT size, frontier FROM log_state')
      .get() as { size: number; frontier: Buffer };
    const plan = planAppend(state, entries);
    const entry = this.db.prepare('INSERT INTO log_entries (idx, entry) VALUES (?, ?)');
    const record = this.db.prepare('INSERT INTO log_records (idx, record) VALUES (?, ?)');
    for (const e of plan.entries) {
      entry.run(e.index, e.text);
      if (e.record !== undefined) record.run(e.index, e.record);
    }
    const existing = this.tiles(tilesOf(plan.nodes));
    const tile = this.db.prepare(
      'INSERT OR REPLACE INTO log_tiles (band, idx, hashes) VALUES (?, ?, ?)',
    );
    for (const t of patchTiles(plan.nodes, existing)) tile.run(t.band, t.index, t.hashes);
    this.db
      .prepare('UPDATE log_state SET size = ?, frontier = ?, root = ?')
      .run(plan.state.size, plan.state.frontier, plan.state.root);
    return plan.result;
  }

  /** The stored tiles of these ids (missing ones absent). */
  tiles(ids: readonly TileId[]): Map<string, Uint8Array> {
    const found = new Map<string, Uint8Array>();
    if (ids.length === 0) return found;
    if (ids.length === 1) {
      // The common case of a proof whose upper nodes are cached: one plain lookup.
      const id = ids[0] as TileId;
      this.tileQuery ??= this.db.prepare<[number, number], { hashes: Buffer }>(
        'SELECT hashes FROM log_tiles WHERE band = ? AND idx = ?',
      );
      const row = this.tileQuery.get(id.band, id.index);
      if (row !== undefined) found.set(`${id.band}/${id.index}`, new Uint8Array(row.hashes));
      return found;
    }
    let query = this.tileQueries.get(ids.length);
    if (query === undefined) {
      query = this.db.prepare<number[], TileRow>(
        `SELECT band, idx, hashes FROM log_tiles WHERE (band, idx) IN (VALUES ${ids.map(() => '(?, ?)').join(', ')})`,
      );
      if (this.tileQueries.size < 256) this.tileQueries.set(ids.length, query);
    }
    for (const r of query.all(...ids.flatMap((id) => [id.band, id.index])))
      found.set(`${r.band}/${r.idx}`, new Uint8Array(r.hashes));
    return found;
  }
}
