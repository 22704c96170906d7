/**
 * Random bytes from the platform's CSPRNG through the Web Crypto API's getRandomValues,
 * which Node (globalThis.crypto since v19) and every browser provide synchronously.
 */
export function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  // getRandomValues fills at most 65,536 bytes per call.
  for (let at = 0; at < length; at += 65_536)
    globalThis.crypto.getRandomValues(out.subarray(at, Math.min(length, at + 65_536)));
  return out;
}
