import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bech32, bech32m, createBase58check } from '@scure/base';
import { IdentifierError } from './identifier-error.js';
import { prepareText } from './text.js';

const base58check = createBase58check(sha256);
const encoder = new TextEncoder();

/** Version bytes of 21-byte base58check addresses: BTC P2PKH, BTC P2SH, TRON. */
const BASE58_VERSIONS: ReadonlySet<number> = new Set([0x00, 0x05, 0x41]);

function fail(code: 'identifier.wallet.unrecognised' | 'identifier.wallet.checksum'): never {
  throw new IdentifierError(code, 'wallet');
}

/** BIP-173 / BIP-350 segwit address: bech32 for witness v0, bech32m for v1 and later. */
function normalizeSegwit(text: string): string {
  if (text !== text.toLowerCase() && text !== text.toUpperCase())
    fail('identifier.wallet.checksum');
  const lower = text.toLowerCase();
  // A v0 address must verify as bech32, a later version as bech32m (BIP-350).
  const v0 = bech32.decodeUnsafe(lower);
  const v1 = v0 ? undefined : bech32m.decodeUnsafe(lower);
  const decoded = v0 && v0.words[0] === 0 ? v0 : v1 && (v1.words[0] ?? 0) >= 1 ? v1 : undefined;
  if (decoded === undefined || decoded.prefix !== 'bc') fail('identifier.wallet.checksum');
  const version = decoded.words[0] ?? -1;
  const program = bech32.fromWordsUnsafe(decoded.words.slice(1));
  if (!program) fail('identifier.wallet.unrecognised');
  const ok =
    version === 0
      ? program.length === 20 || program.length === 32
      : version <= 16 && program.length >= 2 && program.length <= 40;
  if (!ok) fail('identifier.wallet.unrecognised');
  return lower;
}

/** EIP-55: a mixed-case address must carry the keccak-256 checksum capitalisation. */
function normalizeEvm(text: string): string {
  const hex = text.slice(2);
  const lower = hex.toLowerCase();
  if (hex !== lower && hex !== hex.toUpperCase()) {
    const hash = keccak_256(encoder.encode(lower));
    for (let i = 0; i < 40; i++) {
      const nibble = ((hash[i >> 1] ?? 0) >> (i % 2 === 0 ? 4 : 0)) & 0xf;
      const c = hex.charAt(i);
      if (/[a-f]/i.test(c) && nibble >= 8 !== (c === c.toUpperCase()))
        fail('identifier.wallet.checksum');
    }
  }
  return `0x${lower}`;
}

function normalizeBase58(text: string): string {
  let payload: Uint8Array;
  try {
    payload = base58check.decode(text);
  } catch {
    fail('identifier.wallet.checksum');
  }
  if (payload.length !== 21 || !BASE58_VERSIONS.has(payload[0] ?? -1))
    fail('identifier.wallet.unrecognised');
  return text;
}

/**
 * wallet (SPEC §4): chain-specific canonical form, recognised from the address itself.
 * BTC segwit (bc1…) in lowercase bech32/bech32m; BTC legacy (1…, 3…) and TRON (T…)
 * base58check as written (base58 is case-sensitive); ETH and other EVM chains as
 * lowercase 0x-hex, with the EIP-55 checksum verified when the input is mixed case.
 */
export function normalizeWallet(raw: unknown): string {
  const text = prepareText(raw, 'wallet');
  if (/^(bc|BC)1[0-9A-Za-z]{6,87}$/.test(text)) return normalizeSegwit(text);
  if (/^0[xX][0-9a-fA-F]{40}$/.test(text)) return normalizeEvm(`0x${text.slice(2)}`);
  if (/^[13T][1-9A-HJ-NP-Za-km-z]{24,40}$/.test(text)) return normalizeBase58(text);
  fail('identifier.wallet.unrecognised');
}
