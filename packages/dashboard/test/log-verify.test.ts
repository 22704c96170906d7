import { encodeBase64url } from '@credence/core/encoding/base64url';
import { cosign, formatCheckpoint, signCheckpoint } from '@credence/core/log/checkpoint';
import { entryLeafHash, entryText, type LogEntry } from '@credence/core/log/entries';
import { appendSignatures, formatVerifierKey } from '@credence/core/log/signed-note';
import { MemoryTree } from '@credence/core/merkle/proofs';
import { generateEd25519, privateKeyFromJwk } from '@credence/core/signing/ed25519';
import { describe, expect, it } from 'vitest';
import {
  type LogSource,
  NotVerified,
  type SeenCheckpoint,
  verifyEntry,
  verifyHistory,
  verifyNewest,
} from '../app/src/log-verify.js';

/**
 * The log view's verification (the code the browser runs), against logs made here with
 * the core: an honest one, one that forks, one that signs with another key, one whose
 * proofs are altered. Each way of lying must be caught.
 */

const ORIGIN = 'test.credence/log';
const key = generateEd25519();
const signer = {
  name: ORIGIN,
  publicKey: key.publicKey,
  privateKey: privateKeyFromJwk(key.privateJwk),
};
const logKey = formatVerifierKey(ORIGIN, key.publicKey);

const entry = (i: number, salt = ''): LogEntry => ({
  kind: 'report',
  time: new Date(Date.UTC(2026, 11, 1, 0, 0, i)).toISOString(),
  member: 'bank-a',
  subject: `r-${i}${salt}`,
  digest: encodeBase64url(new Uint8Array(32).fill(i % 256)),
});

/** A log of `entries`, answering as the agent's /api/log routes would, with what it's told to alter. */
function logOf(
  entries: readonly LogEntry[],
  alter: { sign?: typeof signer; proof?: boolean; entryText?: boolean } = {},
): LogSource {
  const tree = new MemoryTree(entries.map(entryLeafHash));
  const b64 = (hashes: Uint8Array[]) =>
    hashes.map((h, i) => {
      if (alter.proof === true && i === 0) h[0] = (h[0] ?? 0) ^ 1;
      return encodeBase64url(h);
    });
  return {
    trust: async () => ({ logKey, source: 'configuration', witnesses: [], requiredWitnesses: 0 }),
    checkpoint: async () =>
      signCheckpoint(
        formatCheckpoint({ origin: ORIGIN, size: tree.size, rootHash: tree.root() }),
        alter.sign ?? signer,
      ),
    consistency: async (from, to) => ({ proof: b64(tree.consistencyProof(from, to)) }),
    entries: async (start, end) => ({
      entries: entries
        .slice(start, end)
        .map((e) =>
          alter.entryText === true ? entryText({ ...e, member: 'bank-b' }) : entryText(e),
        ),
    }),
    inclusion: async (index, size) => ({ proof: b64(tree.inclusionProof(index, size)) }),
    // A checkpoint every 5 entries, the last one signed as `alter.sign` says.
    checkpoints: async (from) => ({
      checkpoints: Array.from({ length: Math.floor(tree.size / 5) }, (_, i) => (i + 1) * 5)
        .filter((size) => size >= from)
        .map((size) => ({
          size,
          note: signCheckpoint(
            formatCheckpoint({ origin: ORIGIN, size, rootHash: tree.root(size) }),
            size === Math.floor(tree.size / 5) * 5 ? (alter.sign ?? signer) : signer,
          ),
        })),
    }),
  };
}

const first = Array.from({ length: 13 }, (_, i) => entry(i));
const more = [...first, ...Array.from({ length: 8 }, (_, i) => entry(13 + i))];
const seenOf = async (source: LogSource): Promise<SeenCheckpoint> => {
  const c = await verifyNewest(source, undefined);
  return { origin: c.origin, size: c.size, root: c.root };
};

describe('the log view’s verification', () => {
  it('verifies a checkpoint, its growth from what the browser saw, and an entry', async () => {
    const before = await seenOf(logOf(first));
    const now = await verifyNewest(logOf(more), before);
    expect(now.size).toBe(21);
    expect(now.history).toEqual({ state: 'extends', from: 13 });
    expect(
      (await verifyNewest(logOf(more), { ...before, size: 21, root: now.root })).history,
    ).toEqual({ state: 'same' });
    const e = await verifyEntry(logOf(more), now, 17);
    expect(e.included).toBe(true);
    expect(e.entry.subject).toBe('r-17');
  });

  it('calls a different history a fork: a rewritten past, a shrunken tree, another root', async () => {
    const before = await seenOf(logOf(first));
    const rewritten = [...first.slice(0, 5), entry(5, '-rewritten'), ...more.slice(6)];
    const forked = await verifyNewest(logOf(rewritten), before);
    expect(forked.history.state).toBe('forked');
    const shrunk = await verifyNewest(logOf(first.slice(0, 9)), before);
    expect(shrunk.history).toMatchObject({ state: 'forked' });
    const sameSize = await verifyNewest(
      logOf([...first.slice(0, 12), entry(12, '-other')]),
      before,
    );
    expect(sameSize.history).toMatchObject({ state: 'forked', why: 'another tree of 13 entries' });
  });

  it('refuses a checkpoint signed by another key', async () => {
    const other = generateEd25519();
    const impostor = {
      ...signer,
      publicKey: other.publicKey,
      privateKey: privateKeyFromJwk(other.privateJwk),
    };
    await expect(verifyNewest(logOf(more, { sign: impostor }), undefined)).rejects.toThrow(
      NotVerified,
    );
  });

  it('calls an altered consistency proof a fork, and an altered inclusion proof or entry not included', async () => {
    const before = await seenOf(logOf(first));
    expect((await verifyNewest(logOf(more, { proof: true }), before)).history.state).toBe('forked');
    const now = await verifyNewest(logOf(more), before);
    expect((await verifyEntry(logOf(more, { proof: true }), now, 17)).included).toBe(false);
    expect((await verifyEntry(logOf(more, { entryText: true }), now, 17)).included).toBe(false);
  });

  it("holds the checkpoint to the member's witnesses: as many cosignatures as it requires", async () => {
    const w = generateEd25519();
    const witness = {
      name: 'witness.test/w1',
      publicKey: w.publicKey,
      privateKey: privateKeyFromJwk(w.privateJwk),
    };
    const trust = {
      logKey,
      source: 'configuration' as const,
      witnesses: [formatVerifierKey(witness.name, w.publicKey, 0x04)],
      requiredWitnesses: 1,
    };
    const tree = new MemoryTree(more.map(entryLeafHash));
    const body = formatCheckpoint({ origin: ORIGIN, size: tree.size, rootHash: tree.root() });
    const asked: number[] = [];
    const source = (note: string): LogSource => ({
      ...logOf(more),
      trust: async () => trust,
      checkpoint: async (k) => {
        asked.push(k);
        return note;
      },
    });
    const signed = signCheckpoint(body, signer);
    await expect(verifyNewest(source(signed), undefined)).rejects.toThrow(NotVerified);
    const cosigned = appendSignatures(signed, [cosign(body, witness, 1_800_000_000)]);
    const ok = await verifyNewest(source(cosigned), undefined);
    expect(ok.cosignatures).toEqual([{ name: witness.name, time: 1_800_000_000 }]);
    expect(asked).toEqual([1, 1]);
  });

  it("verifies the history's checkpoints one by one, newest first", async () => {
    const rows = await verifyHistory(logOf(more), 6);
    expect(rows.map((r) => [r.size, r.verified])).toEqual([
      [20, true],
      [15, true],
      [10, true],
    ]);
    const other = generateEd25519();
    const impostor = {
      ...signer,
      publicKey: other.publicKey,
      privateKey: privateKeyFromJwk(other.privateJwk),
    };
    const forged = await verifyHistory(logOf(more, { sign: impostor }), 0, 2);
    expect(forged.map((r) => [r.size, r.verified])).toEqual([
      [20, false],
      [15, true],
    ]);
  });

  it('refuses an index outside the tree', async () => {
    const now = await verifyNewest(logOf(more), undefined);
    await expect(verifyEntry(logOf(more), now, 21)).rejects.toThrow(RangeError);
    await expect(verifyEntry(logOf(more), now, -1)).rejects.toThrow(RangeError);
  });
});
