import { randomFillSync } from 'node:crypto';

/**
 * Report and link ids: a prefix, then 48 bits of the time in milliseconds and 48 random
 * bits. Ids made later sort later, so a batch's rows go to the end of the id indexes
 * instead of all over them (a few pages written per batch instead of thousands); the
 * random half keeps them unguessable and unique. The random bits come from a pool
 * refilled 4 KiB at a time: one system call per few hundred ids.
 */
const pool = Buffer.alloc(4096);
let offset = pool.length;
const id = Buffer.alloc(12);

export function newId(prefix: 'r' | 'l', now = Date.now()): string {
  if (offset + 6 > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  id.writeUIntBE(now, 0, 6);
  pool.copy(id, 6, offset, offset + 6);
  offset += 6;
  // Hex, whose characters sort as their values do (base64url's do not).
  return `${prefix}_${id.toString('hex')}`;
}

/**
 * A batch id the member used before for another batch: its entries would share a subject
 * (a link batch's is its id) and the first batch's signature would be all that is kept.
 * The store refuses it, changing nothing (`batch.reused`).
 */
export class BatchReusedError extends Error {
  readonly code = 'batch.reused';
  constructor() {
    super('the batch id was used before for another batch');
    this.name = 'BatchReusedError';
  }
}
