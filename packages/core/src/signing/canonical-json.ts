import canonicalizeJson from 'canonicalize';

/**
 * RFC 8785 JSON Canonicalization Scheme: the one byte string of a JSON value that a
 * member signs and the platform verifies (SPEC §3.6). Keys sorted by UTF-16 code units,
 * no whitespace, numbers and strings serialized as ECMAScript does.
 *
 * @throws TypeError when the value is not JSON (undefined, a function, a non-finite number).
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalizeJson(value);
  if (text === undefined) throw new TypeError('not a JSON value');
  return text;
}

const encoder = new TextEncoder();

export function canonicalBytes(value: unknown): Uint8Array {
  return encoder.encode(canonicalJson(value));
}
