import { describe, expect, it } from 'vitest';
import { MemberFeed } from '../src/services/alerts.js';

/**
 * A member's live feed (alerts, disclosure requests) sends each item once, in order,
 * also when a poke (another process's commit) comes while a delivery is still reading:
 * two deliveries reading after the same cursor at once would both send what they read.
 */
describe('MemberFeed', () => {
  it('sends each item once when a poke comes while a delivery is reading', async () => {
    const committed = [1];
    let release: () => void = () => undefined;
    let calls = 0;
    const feed = new MemberFeed<number, number>(
      async (_member, after, limit) => {
        const snapshot = committed.filter((n) => n > (after ?? 0)).slice(0, limit);
        // The first read is slow: it answers with what it saw before the next commit.
        if (calls++ === 0) await new Promise<void>((r) => (release = r));
        return snapshot;
      },
      (n) => n,
    );
    const sent: number[] = [];
    feed.subscribe('bank-b', undefined, (items) => sent.push(...items));
    committed.push(2);
    const poked = feed.poke();
    release();
    await poked;
    // Let the first delivery finish what the poke asked of it.
    await new Promise((r) => setTimeout(r, 10));
    expect(sent).toEqual([1, 2]);
  });

  it('survives a store that fails while a member subscribes, and delivers at the next poke', async () => {
    let down = true;
    const feed = new MemberFeed<number, number>(
      async (_member, after) => {
        if (down) throw new Error('Connection terminated unexpectedly');
        return [1, 2].filter((n) => n > (after ?? 0));
      },
      (n) => n,
    );
    const sent: number[] = [];
    feed.subscribe('bank-b', undefined, (items) => sent.push(...items));
    await new Promise((r) => setTimeout(r, 10));
    expect(sent).toEqual([]);
    down = false;
    await feed.poke();
    expect(sent).toEqual([1, 2]);
  });
});
