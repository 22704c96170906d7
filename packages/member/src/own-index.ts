import { resolve } from 'node:path';
import { openLocalStore } from './file-errors.js';
import { TokenIndex, WatchIndex } from './watch-index.js';

/**
 * The member's own names for tokens (issue 13 §3): token → the identifier it came from,
 * for every identifier the member itself tokenized (`member tokenize`, `member submit`).
 * It lives next to member.json, inside the member's network, and holds nothing the
 * member's own files do not; it is what lets rings, alerts and campaigns be shown in the
 * member's words. The platform never sees it, and nothing here is sent.
 */
export class OwnIndex extends TokenIndex {
  constructor(path: string) {
    super(path, 'own');
  }
}

/** Where a member's local indexes live: beside its configuration. */
export const OWN_INDEX_FILE = 'own-identifiers.sqlite';
export const WATCH_INDEX_FILE = 'watchlist.sqlite';

export function openOwnIndex(home: string): OwnIndex {
  const file = resolve(home, OWN_INDEX_FILE);
  return openLocalStore('the index of your own identifiers', file, () => new OwnIndex(file));
}

/** A token in the member's own words, if the member knows it. */
export interface OwnName {
  readonly kind: string;
  readonly value: string;
  /** One of the member's watched customers. */
  readonly watched: boolean;
}

/**
 * Resolves tokens to the member's own identifiers from its watch index and the index of
 * what it tokenized, locally. A former holder's epoch (`<token>@<ms>`) resolves as the
 * token. Unknown tokens stay tokens: the member never learns another's identifiers.
 */
export class OwnNames {
  private constructor(
    private readonly watch: WatchIndex,
    private readonly own: OwnIndex,
  ) {}

  static open(home: string): OwnNames {
    const watchFile = resolve(home, WATCH_INDEX_FILE);
    const watch = openLocalStore('the watch index', watchFile, () => new WatchIndex(watchFile));
    try {
      return new OwnNames(watch, openOwnIndex(home));
    } catch (error) {
      watch.close();
      throw error;
    }
  }

  get(token: string): OwnName | undefined {
    const bare = token.replace(/@\d+$/, '');
    const watched = this.watch.get(bare);
    if (watched !== undefined) return { ...watched, watched: true };
    const own = this.own.get(bare);
    return own === undefined ? undefined : { ...own, watched: false };
  }

  /** "your customer +8613800138000 (watched)", "yours: bank_card 6222…". */
  static describe(name: OwnName): string {
    return name.watched
      ? `your customer ${name.kind} ${name.value} (watched)`
      : `yours: ${name.kind} ${name.value}`;
  }

  close(): void {
    this.watch.close();
    this.own.close();
  }
}
