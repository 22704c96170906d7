import { readFileSync, writeFileSync } from 'node:fs';
import {
  generateSealingKeys,
  importPrivateKey,
  importPublicKey,
  type SealingKeys,
} from '@credence/core/sealing/hpke';
import { MemberError } from './member-error.js';

/**
 * The member's sealing key (SPEC §3.3): an X25519 key pair, kept in its own file beside
 * member.json (`sealingKeyFile`), readable by the member only. Reports' narratives and
 * exact losses are sealed to its public key; only its private key, or a data key the
 * member re-seals for a disclosure, opens them. Losing it loses what was sealed.
 *
 *   { "publicKey": "…43 base64url characters…", "privateKey": "…" }
 */

/** Makes a sealing key and writes it to `file`, which must not exist. */
export async function writeSealingKey(file: string): Promise<SealingKeys> {
  const keys = await generateSealingKeys();
  writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return keys;
}

/** Reads and checks a sealing key file: both keys import, and they are a pair. */
export async function readSealingKey(file: string): Promise<SealingKeys> {
  const fail = (why: string) =>
    new MemberError('member.config', `sealingKeyFile ${file} ${why}`, { field: 'sealingKeyFile' });
  let json: Partial<Record<keyof SealingKeys, unknown>>;
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as typeof json;
  } catch (error) {
    throw fail(`cannot be read as JSON (${(error as NodeJS.ErrnoException).code ?? 'not JSON'})`);
  }
  if (typeof json?.publicKey !== 'string' || typeof json.privateKey !== 'string')
    throw fail('must hold publicKey and privateKey (credence member init makes it)');
  const keys = { publicKey: json.publicKey, privateKey: json.privateKey };
  try {
    await importPublicKey(keys.publicKey);
    await importPrivateKey(keys.privateKey);
  } catch {
    throw fail('does not hold X25519 keys of 32 bytes, base64url');
  }
  return keys;
}
