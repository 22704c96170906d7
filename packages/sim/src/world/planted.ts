import type { Institution } from '../institutions.js';
import { type Ident, identKey } from './events.js';

/**
 * What every planted operation keeps: the identifiers planted for it, and the
 * bookkeeping of what each member got to see of them. Fraud rings (ring.ts) and
 * laundering rings (laundering.ts) are both.
 */
export class Planted {
  /** The registrable domain of each planted URL: members who see a URL see its domain. */
  readonly urlDomains = new Map<string, Ident>();
  /** Keys of planted identifiers while the kit is being built, to catch a value planted
   * twice; dropped once the ring is built, to keep live rings small. */
  private plantedKeys: Map<string, Ident> | undefined = new Map();
  /** Every identifier planted for this ring, in planting order. Events carry these very
   * objects, so membership is an identity check on the hot path. */
  private readonly plantedObjects = new Set<Ident>();
  /** Per member: this ring's identifiers that appear in its files. */
  readonly seen = new Map<Institution, Set<Ident>>();
  /** Events emitted but not yet written. The ring closes when it is done and this is 0. */
  pending = 0;
  /** Reports written about it. */
  reports = 0;

  constructor(readonly id: string) {}

  plant(ident: Ident): Ident {
    if (this.plantedKeys === undefined) throw new Error(`ring ${this.id} is already built`);
    const key = identKey(ident);
    const existing = this.plantedKeys.get(key);
    if (existing !== undefined) return existing;
    this.plantedKeys.set(key, ident);
    this.plantedObjects.add(ident);
    return ident;
  }

  /** Ends planting: the kit is complete. */
  built(): this {
    this.plantedKeys = undefined;
    return this;
  }

  has(ident: Ident): boolean {
    return this.plantedObjects.has(ident);
  }

  see(member: Institution, ident: Ident): void {
    if (!this.plantedObjects.has(ident)) return;
    const domain = ident.kind === 'url' ? this.urlDomains.get(ident.value) : undefined;
    if (domain !== undefined) this.see(member, domain);
    let seen = this.seen.get(member);
    if (seen === undefined) {
      seen = new Set();
      this.seen.set(member, seen);
    }
    seen.add(ident);
  }

  /** Planted identifiers, in planting order. */
  identifiers(): IterableIterator<Ident> {
    return this.plantedObjects.values();
  }

  /** Planted identifiers that appear in at least one member's files. */
  seenByAnyMember(): Set<Ident> {
    const all = new Set<Ident>();
    for (const seen of this.seen.values()) for (const ident of seen) all.add(ident);
    return all;
  }
}
