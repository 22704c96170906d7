import type { Institution } from '../institutions.js';
import type { Ident, LinkEvent, ReportEvent } from './events.js';
import type { Planted } from './planted.js';
import type { World } from './world.js';

/** A link the institutions in `seenBy` record; the planted ring's, when there is one. */
export function link(
  world: World,
  ring: Planted | undefined,
  at: number,
  type: LinkEvent['link'],
  from: Ident,
  to: Ident,
  seenBy: readonly Institution[],
  count = 1,
  amountCny?: number,
): void {
  world.emit({
    type: 'link',
    at,
    link: type,
    from,
    to,
    count,
    seenBy,
    ...(amountCny === undefined ? {} : { amountCny }),
    ...(ring ? { ring } : {}),
  });
}

/** A report, filed only when its institution is a member. */
export function report(world: World, event: Omit<ReportEvent, 'type'>): void {
  if (!event.member.member) return;
  world.emit({ type: 'report', ...event });
}
