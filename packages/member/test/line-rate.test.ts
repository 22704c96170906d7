import { createHash } from 'node:crypto';
import { BinaryFuseFilter, tokenKeys } from '@credence/core/filters/binary-fuse';
import { FilterLayers } from '@credence/core/filters/filter-layers';
import type { Identifier } from '@credence/core/identifiers/kinds';
import { describe, expect, it } from 'vitest';
import { e164Value, LineRate, type LineRateSource } from '../src/line-rate.js';

/**
 * The line-rate path (issue 18, docs/filters.md) on its own: the key servers are stood in
 * for by a function that makes a random-looking token of each number (SHA-256, as an OPRF
 * output is uniformly random), because what is tested here is what the path does around
 * them: answering without waiting, queueing what it has no token for, keeping within the
 * quota, using the token cache first. The real tokenization and filters are tested in
 * the CLI scenario (credence member filter pull|check).
 */
const tokenOf = (value: string) => createHash('sha256').update(value).digest('base64url');

function source(cache: Map<string, string> = new Map()) {
  const asked: string[][] = [];
  const s: LineRateSource & { asked: string[][] } = {
    asked,
    async tokenize(identifiers: readonly Identifier[]) {
      asked.push(identifiers.map((i) => i.value));
      return identifiers.map((i) => tokenOf(i.value));
    },
    cached: (identifier) => cache.get(identifier.value),
  };
  return s;
}

const number = (n: number) => `+86138${String(n).padStart(8, '0')}`;
const filterOf = (numbers: readonly string[]) =>
  BinaryFuseFilter.build(tokenKeys(numbers.map(tokenOf)), 16);

describe('the line-rate path', () => {
  it('answers from the filter for numbers whose token it holds, and never waits for the others', async () => {
    const flagged = [number(1), number(2)];
    const cache = new Map([number(1), number(3)].map((n) => [n, tokenOf(n)]));
    const src = source(cache);
    const line = new LineRate(src, { phoneRegion: 'CN', perSecond: 1000 });
    // No filter yet: nothing can be said.
    expect(line.warm([number(1), number(3)])).toEqual({ known: 2, queued: 0 });
    expect(line.check(number(1))).toBe('unknown');
    line.useFilter(new FilterLayers(filterOf(flagged)));
    expect(line.check(number(1))).toBe('maybe');
    expect(line.check(number(3))).toBe('no');
    // Number 2 is flagged, but this member has no token for it yet: unknown now, queued.
    expect(line.check(number(2))).toBe('unknown');
    expect(line.stats.queued).toBe(1);
    expect(src.asked).toEqual([]);
    expect(await line.tokenizeQueued()).toBe(1);
    expect(src.asked).toEqual([[number(2)]]);
    expect(line.check(number(2))).toBe('maybe');
    // As the switch presents it, or in another form of the same number: one token.
    expect(line.check('+86 138 0000 0002')).toBe('unknown');
    await line.tokenizeQueued();
    expect(line.check('+86 138 0000 0002')).toBe('maybe');
    expect(line.stats).toMatchObject({ known: 4, queued: 0, tokenized: 2, invalid: 0 });
  });

  it('uses the additions filter over the base', () => {
    const line = new LineRate(source(new Map([[number(7), tokenOf(number(7))]])), {
      phoneRegion: 'CN',
      perSecond: 1,
    });
    line.warm([number(7)]);
    line.useFilter(new FilterLayers(filterOf([number(1)])));
    expect(line.check(number(7))).toBe('no');
    line.useFilter(new FilterLayers(filterOf([number(1)]), filterOf([number(7)])));
    expect(line.check(number(7))).toBe('maybe');
  });

  it('tokenizes in the background within the quota, the token cache first and free', async () => {
    let clock = 0;
    const cache = new Map([[number(100), tokenOf(number(100))]]);
    const src = source(cache);
    const line = new LineRate(src, { phoneRegion: 'CN', perSecond: 10, now: () => clock });
    line.useFilter(new FilterLayers(filterOf([number(5)])));
    for (let n = 0; n < 25; n++) line.check(number(n));
    expect(line.stats.queued).toBe(25);
    // A second's quota at once, then what a quarter second refills.
    expect(await line.tokenizeQueued()).toBe(10);
    expect(src.asked.map((a) => a.length)).toEqual([10]);
    expect(await line.tokenizeQueued()).toBe(0);
    clock += 250;
    expect(await line.tokenizeQueued()).toBe(2);
    clock += 10_000;
    expect(await line.tokenizeQueued()).toBe(10);
    expect(await line.tokenizeQueued()).toBe(0);
    clock += 1000;
    expect(await line.tokenizeQueued()).toBe(3);
    expect(src.asked.flat()).toHaveLength(25);
    expect(line.check(number(5))).toBe('maybe');
    // A number the token cache holds costs no quota: the budget is spent, it is learned.
    line.check(number(100));
    expect(await line.tokenizeQueued()).toBe(1);
    expect(src.asked.flat()).toHaveLength(25);
    expect(line.stats).toMatchObject({ known: 26, tokenized: 25, queued: 0 });
  });

  it('bounds its queue, drops what is not a phone number, and keeps numbers whose round failed', async () => {
    let fail = true;
    const line = new LineRate(
      {
        cached: () => undefined,
        async tokenize(identifiers) {
          if (fail) throw new Error('the key servers did not answer');
          return identifiers.map((i) => tokenOf(i.value));
        },
      },
      { phoneRegion: 'CN', perSecond: 100, maxQueue: 3 },
    );
    line.check('not a number');
    for (let n = 0; n < 5; n++) line.check(number(n));
    expect(line.stats).toMatchObject({ queued: 3, dropped: 3 });
    await expect(line.tokenizeQueued()).rejects.toThrow('did not answer');
    // The number that was not one is gone; the others wait for the next round.
    expect(line.stats).toMatchObject({ queued: 2, invalid: 1, known: 0 });
    fail = false;
    expect(await line.tokenizeQueued()).toBe(2);
    expect(line.stats).toMatchObject({ queued: 0, known: 2, tokenized: 2 });
  });

  it('keeps going in the background until stopped', async () => {
    const line = new LineRate(source(), { phoneRegion: 'CN', perSecond: 1000 });
    line.useFilter(new FilterLayers(filterOf([number(9)])));
    line.start(5);
    expect(line.check(number(9))).toBe('unknown');
    await expect.poll(() => line.check(number(9)), { timeout: 5000 }).toBe('maybe');
    await line.stop();
  });
});

describe('the line-rate table of numbers', () => {
  it('reads E.164 numbers as their value and nothing else', () => {
    expect(e164Value('+8613800000002')).toBe(8613800000002);
    expect(e164Value('+999999999999999')).toBe(999999999999999);
    for (const not of ['', '+', '8613800000002', '+86 138', '+1234567890123456', '+12a', '+٣'])
      expect(e164Value(not)).toBe(-1);
  });

  it('holds a hundred thousand numbers through its growth, and answers the others unknown', async () => {
    const numbers = Array.from(
      { length: 100_000 },
      (_, i) => `+1${String(i * 7919).padStart(10, '0')}`,
    );
    const cache = new Map(numbers.map((n) => [n, tokenOf(n)]));
    const line = new LineRate(source(cache), { phoneRegion: 'US', perSecond: 1 });
    const flagged = numbers.filter((_, i) => i % 10 === 0);
    line.useFilter(new FilterLayers(filterOf(flagged)));
    expect(line.warm(numbers).known).toBe(numbers.length);
    const answers = numbers.map((n) => line.check(n));
    expect(answers.filter((a) => a === 'unknown')).toEqual([]);
    // Every flagged number is found; the others are nearly all "no" (16-bit: 2^-16).
    expect(flagged.every((n) => line.check(n) === 'maybe')).toBe(true);
    expect(answers.filter((a) => a === 'maybe').length).toBeLessThan(flagged.length + 10);
    expect(line.check('+10000000001')).toBe('unknown');
  });
});
