import { resolve } from 'node:path';
import type { Identifier } from '@credence/core/identifiers/kinds';
import { tryNormalizeIdentifier } from '@credence/core/identifiers/normalize';
import { MAX_BATCH_ITEMS } from '@credence/core/wire/batches';
import { openLocalStore } from './file-errors.js';
import type { MemberSession } from './member-session.js';
import { platformRequest } from './platform-client.js';
import { readTextLines } from './text-lines.js';
import { WatchIndex } from './watch-index.js';
import { parseWatchLine, WatchLineError } from './watch-line.js';

export interface WatchSummary {
  lines: number;
  /** Identifiers sent (as tokens) to be watched, or to stop being watched. */
  identifiers: number;
  /** How many the platform newly added, or removed. */
  changed: number;
  /** Lines left out, with why (never the value). */
  readonly rejected: { line: number; code: string; message: string }[];
}

/**
 * `credence member watch`: the member's own customers' identifiers are normalized and
 * tokenized here and their tokens registered (PUT /v1/watchlist) or withdrawn (DELETE);
 * the member's local watch index remembers which identifier each token stands for, so
 * alerts can be shown as the customer's number. Only tokens leave the member.
 */
export async function watchFile(
  session: MemberSession,
  file: string,
  options: {
    readonly remove?: boolean;
    readonly index?: string;
    /** The file's encoding, a WHATWG label (default: UTF-8, strictly). */
    readonly encoding?: string;
  } = {},
): Promise<WatchSummary> {
  const summary: WatchSummary = { lines: 0, identifiers: 0, changed: 0, rejected: [] };
  const indexFile = options.index ?? resolve(session.home, 'watchlist.sqlite');
  const index = openLocalStore('the watch index', indexFile, () => new WatchIndex(indexFile));
  let pending: Identifier[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const tokens = await session.tokenize(pending);
    const refs = pending.map((identifier, i) => ({
      kind: identifier.kind,
      token: tokens[i] as string,
      value: identifier.value,
    }));
    if (options.remove === true) {
      const { removed } = await platformRequest<{ removed: number }>(
        session.platform,
        'DELETE',
        '/v1/watchlist',
        { tokens: refs.map((r) => r.token) },
      );
      index.remove(refs.map((r) => r.token));
      summary.changed += removed;
    } else {
      const { added } = await platformRequest<{ added: number }>(
        session.platform,
        'PUT',
        '/v1/watchlist',
        {
          tokens: refs.map((r) => ({
            kind: r.kind,
            token: r.token,
            keyId: session.tokenizer.keyId,
          })),
        },
      );
      index.add(refs);
      summary.changed += added;
    }
    summary.identifiers += pending.length;
    pending = [];
  };
  try {
    for await (const { text: line } of readTextLines(file, options.encoding)) {
      summary.lines++;
      let entry: { kind: string; value: string } | undefined;
      try {
        entry = parseWatchLine(line);
      } catch (error) {
        if (!(error instanceof WatchLineError)) throw error;
        summary.rejected.push({ line: summary.lines, code: error.code, message: error.message });
        continue;
      }
      if (entry === undefined) continue;
      const result = tryNormalizeIdentifier(entry.kind, entry.value, {
        phoneRegion: session.config.phoneRegion,
      });
      if (!result.ok) {
        summary.rejected.push({
          line: summary.lines,
          code: result.error.code,
          message: result.error.message,
        });
        continue;
      }
      pending.push(result.identifier);
      if (pending.length >= MAX_BATCH_ITEMS) await flush();
    }
    await flush();
  } finally {
    index.close();
  }
  return summary;
}
