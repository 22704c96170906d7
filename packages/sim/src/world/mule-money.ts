import type { Rng } from '../rng.js';
import { link } from './emit.js';
import type { MuleAccount, Ring } from './ring.js';
import type { World } from './world.js';

/** `x` to a multiple of `to`, and never below `to`: sums as people and scripts name them. */
export const round = (x: number, to: number) => Math.max(to, Math.round(x / to) * to);

/** Money arriving at a mule account waits for the night's sweep (see sweep). */
export function credit(world: World, mule: MuleAccount, amount: number, at: number): void {
  const day = world.dayOf(at);
  mule.incoming.set(day, (mule.incoming.get(day) ?? 0) + amount);
}

/**
 * The night's sweep: every account that received money today passes it on to its
 * next-layer accounts, layer by layer, so a day's money reaches the cash-out accounts
 * the same night. Cash-out accounts keep it (withdrawn at ATMs, off the books).
 */
export function sweep(world: World, ring: Ring, day: number, rng: Rng): void {
  ring.mules.forEach((layer, depth) => {
    for (const mule of layer) {
      const amount = mule.incoming.get(day);
      if (amount === undefined) continue;
      mule.incoming.delete(day);
      const when = world.time(day, 17 + depth * 1.5 + rng.float());
      loginFor(world, ring, mule, when, rng);
      if (mule.next.length === 0 || amount < 500) continue;
      const targets = mule.next.length === 1 || rng.chance(0.5) ? [rng.pick(mule.next)] : mule.next;
      let left = round(amount * 0.995, 1);
      targets.forEach((target, i) => {
        const share =
          i === targets.length - 1 ? left : round(left * (0.3 + 0.4 * rng.float()), 100);
        left -= share;
        if (share <= 0) return;
        link(
          world,
          ring,
          when,
          'transfer',
          mule.ident,
          target.ident,
          [mule.holder, target.holder],
          1,
          share,
        );
        credit(world, target, share, when);
      });
    }
  });
}

/** Operators log in to a mule account from their phones (once a day is recorded). */
function loginFor(world: World, ring: Ring, mule: MuleAccount, at: number, rng: Rng): void {
  const key = `${mule.ident.value}@${world.dayOf(at)}`;
  if (ring.loggedIn.has(key)) return;
  ring.loggedIn.add(key);
  link(world, ring, at - 60_000, 'login', mule.ident, mule.device, [mule.holder]);
  if (rng.chance(0.6)) link(world, ring, at - 60_000, 'login', mule.ident, mule.ip, [mule.holder]);
}
