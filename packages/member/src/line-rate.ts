import { tokenKey } from '@credence/core/filters/binary-fuse';
import type { FilterLayers } from '@credence/core/filters/filter-layers';
import type { Identifier } from '@credence/core/identifiers/kinds';
import { tryNormalizeIdentifier } from '@credence/core/identifiers/normalize';
import type { PhoneRegion } from '@credence/core/identifiers/phone';
import { type KeptFilters, keptFilter } from './filters.js';
import type { MemberSession } from './member-session.js';

/**
 * The line-rate path (issue 18, docs/filters.md): a telecom checks the number of every
 * call at set-up against the platform's filter without waiting on the network. In memory
 * it keeps the key of the token of each number it knows (warmed from its token cache: its
 * own subscribers and the numbers seen in the last days), and answers from the filter.
 * A number it has no token for answers `unknown` at once and is queued, to be tokenized
 * in the background within the key servers' quota; the next call from it is answered.
 *
 * `maybe` is a filter hit: flag the call, and confirm with an ordinary check
 * (checkIdentifiers) before any action beyond flagging. `no` is certain as of the filter.
 * Raw numbers stay here, in the member's network, as the token cache's inputs do.
 */
export type LineAnswer = 'maybe' | 'no' | 'unknown';

/** Where tokens come from: the member session (token cache, then the key servers). */
export interface LineRateSource {
  /** Tokens of normalized identifiers, in order (may ask the key servers). */
  tokenize(identifiers: readonly Identifier[]): Promise<string[]>;
  /** The token cache's token, if it holds one: no network, no quota. */
  cached(identifier: Identifier): string | undefined;
}

export interface LineRateOptions {
  /** The region numbers without a country code are read in. */
  readonly phoneRegion: PhoneRegion;
  /** Numbers tokenized through the key servers per second, at most: the member's quota. */
  readonly perSecond: number;
  /** Numbers waiting to be tokenized, at most; more are dropped (and counted). Default 100,000. */
  readonly maxQueue?: number;
  /** The clock, in milliseconds (tests). */
  readonly now?: () => number;
}

export interface LineRateStats {
  /** Numbers whose token's key is held. */
  readonly known: number;
  /** Numbers waiting to be tokenized. */
  readonly queued: number;
  /** Numbers tokenized in the background so far (cache hits included). */
  readonly tokenized: number;
  /** Numbers not queued because the queue was full. */
  readonly dropped: number;
  /** Numbers that are not phone numbers (never sent anywhere). */
  readonly invalid: number;
}

/** In a slot's second word, above the number's high word: the filter's answer, if any. */
const ANSWERED = 0x40000000;
const MAYBE = 0x80000000;
const HIGH = 0x3fffffff;

/**
 * Number to token key, for numbers in E.164 (`+` and up to 15 digits) held as their value:
 * open addressing with linear probing over one typed array, four words a slot (the
 * number's low and high words, the key's two words), so that a lookup reads one cache
 * line and hashes no string. A Map keyed by strings hashes each fresh string and chases
 * pointers; at a million numbers it was half the line rate's cost. Each slot also keeps
 * the filter's answer for its key, worked out when a filter is swapped in or the number
 * learned: a call then reads one cache line, not the filter's three (docs/filters.md).
 */
class NumberTable {
  /** [number low, number high + 1 (0: empty) | the answer's bits, key low, key high] per slot. */
  private slots = new Uint32Array(4 * 1024);
  private mask = 1023;
  size = 0;

  private static slotOf(lo: number, hi: number, mask: number): number {
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h & mask;
  }

  /** The slot holding the number, or -1. */
  find(value: number): number {
    const lo = value >>> 0;
    const hi = Math.floor(value / 4294967296) + 1;
    const slots = this.slots;
    for (let s = NumberTable.slotOf(lo, hi, this.mask); ; s = (s + 1) & this.mask) {
      const at = 4 * s;
      const h = slots[at + 1] as number;
      if (h === 0) return -1;
      if ((h & HIGH) === hi && slots[at] === lo) return at;
    }
  }

  /** The filter's answer kept for the slot: undefined when there is none (no filter). */
  answer(at: number): boolean | undefined {
    const h = this.slots[at + 1] as number;
    return (h & ANSWERED) === 0 ? undefined : h >= MAYBE;
  }

  /** Works out every slot's answer again (a filter swapped in), or forgets them (none). */
  answerAll(has: ((lo: number, hi: number) => boolean) | undefined): void {
    const slots = this.slots;
    for (let at = 0; at < slots.length; at += 4) {
      const h = slots[at + 1] as number;
      if (h === 0) continue;
      slots[at + 1] =
        has === undefined
          ? h & HIGH
          : (h & HIGH) |
            ANSWERED |
            (has(slots[at + 2] as number, slots[at + 3] as number) ? MAYBE : 0);
    }
  }

  set(
    value: number,
    keyLo: number,
    keyHi: number,
    has?: (lo: number, hi: number) => boolean,
  ): void {
    if (2 * (this.size + 1) > this.mask + 1) this.grow();
    const lo = value >>> 0;
    const hi = Math.floor(value / 4294967296) + 1;
    const answer = has === undefined ? 0 : ANSWERED | (has(keyLo, keyHi) ? MAYBE : 0);
    this.place(lo, (hi | answer) >>> 0, keyLo, keyHi);
  }

  private place(lo: number, word: number, keyLo: number, keyHi: number): void {
    const slots = this.slots;
    const hi = word & HIGH;
    let s = NumberTable.slotOf(lo, hi, this.mask);
    for (; ; s = (s + 1) & this.mask) {
      const h = slots[4 * s + 1] as number;
      if (h === 0) {
        this.size++;
        break;
      }
      if ((h & HIGH) === hi && slots[4 * s] === lo) break;
    }
    slots[4 * s] = lo;
    slots[4 * s + 1] = word;
    slots[4 * s + 2] = keyLo;
    slots[4 * s + 3] = keyHi;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    this.mask = this.slots.length / 4 - 1;
    this.size = 0;
    for (let at = 0; at < old.length; at += 4) {
      const word = old[at + 1] as number;
      if (word !== 0)
        this.place(old[at] as number, word, old[at + 2] as number, old[at + 3] as number);
    }
  }
}

/** The value of an E.164 number (`+` then 1 to 15 digits), or -1 for anything else. */
export function e164Value(number: string): number {
  const n = number.length;
  if (n < 2 || n > 16 || number.charCodeAt(0) !== 43) return -1;
  let value = 0;
  for (let i = 1; i < n; i++) {
    const d = number.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

export class LineRate {
  private filter: FilterLayers | undefined;
  /** Numbers in E.164, as the switch presents them and as normalized: the hot path. */
  private readonly e164 = new NumberTable();
  /** Numbers in any other form, as presented, to their slot in `keys`. */
  private readonly index = new Map<string, number>();
  private keys = new Uint32Array(2 * 1024);
  private keySlots = 0;
  private count = 0;
  private readonly queue = new Set<string>();
  private readonly maxQueue: number;
  private readonly now: () => number;
  /** Key-server tokenizations allowed now (a token bucket holding a second's quota). */
  private budget: number;
  private refilledAt: number;
  private counts = { tokenized: 0, dropped: 0, invalid: 0 };
  private timer: ReturnType<typeof setInterval> | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly source: LineRateSource,
    private readonly options: LineRateOptions,
  ) {
    if (!(options.perSecond > 0)) throw new RangeError('perSecond is a positive number');
    this.maxQueue = options.maxQueue ?? 100_000;
    this.now = options.now ?? Date.now;
    this.budget = options.perSecond;
    this.refilledAt = this.now();
  }

  /**
   * Checks against these filters from now on (after a pull): each known number's answer
   * is worked out now (about a second per million numbers), so that calls do not read
   * the filter.
   */
  useFilter(filter: FilterLayers | undefined): void {
    this.filter = filter;
    this.e164.answerAll(filter === undefined ? undefined : (lo, hi) => filter.hasKey(lo, hi));
  }

  /**
   * The line-rate call: never waits, never touches the network. `unknown` when there is
   * no filter yet or the number has no token yet (it is queued to get one).
   */
  check(number: string): LineAnswer {
    const value = e164Value(number);
    if (value >= 0) {
      const at = this.e164.find(value);
      if (at < 0) {
        this.enqueue(number);
        return 'unknown';
      }
      const answer = this.e164.answer(at);
      return answer === undefined ? 'unknown' : answer ? 'maybe' : 'no';
    }
    const slot = this.index.get(number);
    if (slot === undefined) {
      this.enqueue(number);
      return 'unknown';
    }
    const filter = this.filter;
    if (filter === undefined) return 'unknown';
    return filter.hasKey(this.keys[2 * slot] as number, this.keys[2 * slot + 1] as number)
      ? 'maybe'
      : 'no';
  }

  private known(number: string): boolean {
    const value = e164Value(number);
    return value >= 0 ? this.e164.find(value) >= 0 : this.index.has(number);
  }

  /**
   * Warms the held keys with numbers the member expects to see (its subscribers, the
   * numbers of the last days): those the token cache holds are known at once, the others
   * queued for the background (within the quota).
   */
  warm(numbers: Iterable<string>): { known: number; queued: number } {
    let known = 0;
    let queued = 0;
    for (const number of numbers) {
      if (this.known(number)) {
        known++;
        continue;
      }
      const identifier = this.normalize(number);
      if (identifier === undefined) continue;
      const token = this.source.cached(identifier);
      if (token === undefined) {
        if (this.enqueue(number)) queued++;
      } else {
        this.learn([number, identifier.value], token);
        known++;
      }
    }
    return { known, queued };
  }

  /**
   * One round of the background: takes queued numbers, answers those the token cache
   * holds, and tokenizes up to the quota's budget of the others through the key servers.
   * Answers how many numbers became known. One round runs at a time.
   */
  tokenizeQueued(): Promise<number> {
    this.running ??= this.round().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async round(): Promise<number> {
    const at = this.now();
    this.budget = Math.min(
      this.options.perSecond,
      this.budget + ((at - this.refilledAt) / 1000) * this.options.perSecond,
    );
    this.refilledAt = at;
    const asked: { number: string; identifier: Identifier }[] = [];
    let learned = 0;
    for (const number of this.queue) {
      if (asked.length >= Math.floor(this.budget)) break;
      this.queue.delete(number);
      const identifier = this.normalize(number);
      if (identifier === undefined) continue;
      const token = this.source.cached(identifier);
      if (token === undefined) asked.push({ number, identifier });
      else {
        this.learn([number, identifier.value], token);
        learned++;
      }
    }
    if (asked.length === 0) return learned;
    this.budget -= asked.length;
    try {
      const tokens = await this.source.tokenize(asked.map((a) => a.identifier));
      asked.forEach((a, i) => {
        this.learn([a.number, a.identifier.value], tokens[i] as string);
      });
    } catch (error) {
      // The key servers did not answer: the numbers wait for the next round.
      for (const a of asked) this.enqueue(a.number);
      throw error;
    }
    this.counts.tokenized += asked.length;
    return learned + asked.length;
  }

  /**
   * Runs rounds in the background every `everyMs` (default 100 ms) until stop(); a
   * failed round (the key servers unreachable) is reported to `onError` and retried.
   */
  start(everyMs = 100, onError: (error: unknown) => void = () => {}): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      if (this.queue.size > 0) this.tokenizeQueued().catch(onError);
    }, everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  get stats(): LineRateStats {
    return {
      known: this.count,
      queued: this.queue.size,
      tokenized: this.counts.tokenized,
      dropped: this.counts.dropped,
      invalid: this.counts.invalid,
    };
  }

  private normalize(number: string): Identifier | undefined {
    const result = tryNormalizeIdentifier('phone', number, {
      phoneRegion: this.options.phoneRegion,
    });
    if (result.ok) return result.identifier;
    this.counts.invalid++;
    return undefined;
  }

  private enqueue(number: string): boolean {
    if (this.queue.has(number)) return false;
    if (this.queue.size >= this.maxQueue) {
      this.counts.dropped++;
      return false;
    }
    this.queue.add(number);
    return true;
  }

  /** Holds a token's key under the number as presented and as normalized. */
  private learn(names: readonly string[], token: string): void {
    const [lo, hi] = tokenKey(token);
    this.count++;
    let slot = -1;
    for (const name of names) {
      const value = e164Value(name);
      if (value >= 0) {
        const filter = this.filter;
        this.e164.set(
          value,
          lo,
          hi,
          filter === undefined ? undefined : (a, b) => filter.hasKey(a, b),
        );
        continue;
      }
      if (slot < 0) {
        slot = this.keySlots++;
        if (2 * slot + 2 > this.keys.length) {
          const grown = new Uint32Array(this.keys.length * 2);
          grown.set(this.keys);
          this.keys = grown;
        }
        this.keys[2 * slot] = lo;
        this.keys[2 * slot + 1] = hi;
      }
      this.index.set(name, slot);
    }
  }
}

/**
 * A line-rate checker on a member session: tokens from its token cache and key servers,
 * checked against the filters kept in `dir` (pulled and verified by pullFilters) of the
 * session's key id and the width asked for. `reload` after each pull.
 */
export async function sessionLineRate(
  session: MemberSession,
  dir: string,
  options: { readonly perSecond: number; readonly bits: 8 | 16; readonly maxQueue?: number },
): Promise<{ line: LineRate; reload: () => Promise<KeptFilters | undefined> }> {
  const line = new LineRate(
    {
      tokenize: (identifiers) => session.tokenize(identifiers),
      cached: (identifier) => session.cachedToken(identifier),
    },
    {
      phoneRegion: session.config.phoneRegion,
      perSecond: options.perSecond,
      ...(options.maxQueue === undefined ? {} : { maxQueue: options.maxQueue }),
    },
  );
  const reload = async () => {
    const kept = await keptFilter(dir, session.keyId, options.bits);
    line.useFilter(kept?.filter);
    return kept;
  };
  await reload();
  return { line, reload };
}
