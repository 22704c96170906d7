import sodium from 'libsodium-wrappers-sumo';
import { randomBytes as systemRandomBytes } from '../crypto/random.js';
import { constantTimeEqual } from '../encoding/bytes.js';
import { expandMessageXmd } from './expand-message-xmd.js';
import { OprfError } from './oprf-error.js';

/**
 * The ristretto255 group (RFC 9496) as RFC 9497 uses it, on libsodium's implementation.
 *
 * Elements are held as their canonical 32-byte encodings, which is what libsodium
 * operates on, so SerializeElement is the identity function and DeserializeElement is
 * validation. Scalars are 32-byte little-endian integers below the group order L.
 *
 * libsodium refuses to return the identity from a scalar multiplication; RFC 9497's
 * composites start from the identity and proofs may meet it, so the wrappers here handle
 * it explicitly. The identity's encoding is 32 zero bytes.
 */
export interface Ristretto255 {
  readonly identity: Uint8Array;
  /** HashToGroup: hash_to_ristretto255 (RFC 9380 §6.8.1) with expand_message_xmd/SHA-512. */
  hashToGroup(msg: Uint8Array, dst: Uint8Array): Uint8Array;
  /** HashToScalar: 64 uniform bytes reduced modulo L (RFC 9497 §4.1). */
  hashToScalar(msg: Uint8Array, dst: Uint8Array): Uint8Array;
  /** A uniformly random non-zero scalar from the injected randomness. */
  randomScalar(): Uint8Array;
  scalarMult(k: Uint8Array, element: Uint8Array): Uint8Array;
  scalarMultBase(k: Uint8Array): Uint8Array;
  add(a: Uint8Array, b: Uint8Array): Uint8Array;
  isIdentity(element: Uint8Array): boolean;
  scalarAdd(a: Uint8Array, b: Uint8Array): Uint8Array;
  scalarSub(a: Uint8Array, b: Uint8Array): Uint8Array;
  scalarMul(a: Uint8Array, b: Uint8Array): Uint8Array;
  scalarInvert(a: Uint8Array): Uint8Array;
  scalarFromInt(n: number): Uint8Array;
  isZeroScalar(k: Uint8Array): boolean;
  /** DeserializeElement: 32 bytes, canonical, not the identity; else oprf.invalid_element. */
  deserializeElement(bytes: Uint8Array): Uint8Array;
  /** DeserializeScalar: 32 bytes, canonical (below L); else oprf.invalid_scalar. */
  deserializeScalar(bytes: Uint8Array): Uint8Array;
}

export interface Ristretto255Options {
  /** The source of randomness for scalars; defaults to the operating system's CSPRNG. */
  readonly randomBytes?: (length: number) => Uint8Array;
}

const ZERO = new Uint8Array(32);

let loading: Promise<void> | undefined;

/** Loads libsodium (WebAssembly) once, then returns the group. */
export async function loadRistretto255(options: Ristretto255Options = {}): Promise<Ristretto255> {
  loading ??= sodium.ready;
  await loading;
  const randomBytes = options.randomBytes ?? systemRandomBytes;
  const isZero = (b: Uint8Array) => constantTimeEqual(b, ZERO);

  const reduce64 = (wide: Uint8Array) => sodium.crypto_core_ristretto255_scalar_reduce(wide);

  const group: Ristretto255 = {
    identity: ZERO,
    hashToGroup: (msg, dst) =>
      sodium.crypto_core_ristretto255_from_hash(expandMessageXmd(msg, dst, 64)),
    hashToScalar: (msg, dst) => reduce64(expandMessageXmd(msg, dst, 64)),
    randomScalar() {
      for (;;) {
        const k = reduce64(randomBytes(64));
        if (!isZero(k)) return k;
      }
    },
    scalarMult(k, element) {
      if (isZero(k) || isZero(element)) return ZERO;
      return sodium.crypto_scalarmult_ristretto255(k, element);
    },
    scalarMultBase(k) {
      if (isZero(k)) return ZERO;
      return sodium.crypto_scalarmult_ristretto255_base(k);
    },
    add(a, b) {
      if (isZero(a)) return b;
      if (isZero(b)) return a;
      return sodium.crypto_core_ristretto255_add(a, b);
    },
    isIdentity: isZero,
    scalarAdd: (a, b) => sodium.crypto_core_ristretto255_scalar_add(a, b),
    scalarSub: (a, b) => sodium.crypto_core_ristretto255_scalar_sub(a, b),
    scalarMul: (a, b) => sodium.crypto_core_ristretto255_scalar_mul(a, b),
    scalarInvert: (a) => sodium.crypto_core_ristretto255_scalar_invert(a),
    scalarFromInt(n) {
      if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`scalar from ${n}`);
      const out = new Uint8Array(32);
      for (let i = 0, v = n; v > 0; i++, v = Math.floor(v / 256)) out[i] = v % 256;
      return out;
    },
    isZeroScalar: isZero,
    deserializeElement(bytes) {
      if (
        bytes.length !== 32 ||
        isZero(bytes) ||
        !sodium.crypto_core_ristretto255_is_valid_point(bytes)
      ) {
        throw new OprfError('oprf.invalid_element');
      }
      return bytes;
    },
    deserializeScalar(bytes) {
      if (bytes.length !== 32) throw new OprfError('oprf.invalid_scalar');
      const wide = new Uint8Array(64);
      wide.set(bytes);
      if (!constantTimeEqual(reduce64(wide), bytes)) throw new OprfError('oprf.invalid_scalar');
      return bytes;
    },
  };
  return group;
}
