import type { Identifier } from '../identifiers/kinds.js';

const encoder = new TextEncoder();

/**
 * The OPRF input for an identifier (SPEC §3.1): UTF-8 kind name, one 0x00 byte, UTF-8
 * normalized value. Kind names never contain 0x00, so the encoding is injective and
 * equal digits of different kinds ("phone" 138… and "bank_card" 138…) never collide.
 *
 * Precondition: the identifier came from normalizeIdentifier. Encoding a raw value
 * would give a token no other member can match.
 */
export function tokenInput(identifier: Identifier): Uint8Array {
  const kind = encoder.encode(identifier.kind);
  const value = encoder.encode(identifier.value);
  const out = new Uint8Array(kind.length + 1 + value.length);
  out.set(kind, 0);
  out[kind.length] = 0x00;
  out.set(value, kind.length + 1);
  return out;
}
