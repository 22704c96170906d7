import { sha512Parts } from '../crypto/hashes.js';
import { concat, i2osp } from '../encoding/bytes.js';

/** SHA-512: output 64 bytes, input block 128 bytes. */
const B_IN_BYTES = 64;
const S_IN_BYTES = 128;

const sha512 = (...parts: readonly Uint8Array[]): Uint8Array => sha512Parts(parts);

/**
 * expand_message_xmd with SHA-512 (RFC 9380 §5.3.1): a uniformly random byte string of
 * `lengthInBytes` from a message and a domain separation tag.
 *
 * Preconditions: the DST is at most 255 bytes (Credence's are all short; RFC 9380
 * §5.3.3's oversize-DST rule is not needed), and lengthInBytes ≤ 255 · 64.
 */
export function expandMessageXmd(
  msg: Uint8Array,
  dst: Uint8Array,
  lengthInBytes: number,
): Uint8Array {
  if (dst.length > 255) throw new RangeError('expand_message_xmd: DST longer than 255 bytes');
  const ell = Math.ceil(lengthInBytes / B_IN_BYTES);
  if (ell > 255 || lengthInBytes > 65535)
    throw new RangeError('expand_message_xmd: requested length too long');
  const dstPrime = concat(dst, i2osp(dst.length, 1));
  const zPad = new Uint8Array(S_IN_BYTES);
  const b0 = sha512(zPad, msg, i2osp(lengthInBytes, 2), i2osp(0, 1), dstPrime);
  const blocks: Uint8Array[] = [sha512(b0, i2osp(1, 1), dstPrime)];
  for (let i = 2; i <= ell; i++) {
    const previous = blocks[i - 2] as Uint8Array;
    const mixed = new Uint8Array(B_IN_BYTES);
    for (let j = 0; j < B_IN_BYTES; j++) mixed[j] = (b0[j] ?? 0) ^ (previous[j] ?? 0);
    blocks.push(sha512(mixed, i2osp(i, 1), dstPrime));
  }
  return concat(...blocks).slice(0, lengthInBytes);
}

export { sha512 };
