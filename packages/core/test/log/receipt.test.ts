import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeBase64url } from '../../src/encoding/base64url.js';
import { formatCheckpoint, signCheckpoint } from '../../src/log/checkpoint.js';
import {
  entryLeafHash,
  entryText,
  type LogEntry,
  reportRecordText,
} from '../../src/log/entries.js';
import { consistent, type Receipt, verifyReceipt } from '../../src/log/receipt.js';
import { formatVerifierKey } from '../../src/log/signed-note.js';
import { MemoryTree, rootNodes } from '../../src/merkle/proofs.js';
import { sealedDetailDigest } from '../../src/sealing/sealed-detail.js';
import { canonicalJson } from '../../src/signing/canonical-json.js';
import { generateEd25519, privateKeyFromJwk } from '../../src/signing/ed25519.js';

const pair = generateEd25519();
const logSigner = {
  name: 'test.example/log',
  publicKey: pair.publicKey,
  privateKey: privateKeyFromJwk(pair.privateJwk),
};
const logKey = formatVerifierKey(logSigner.name, logSigner.publicKey);

const entry = (i: number): LogEntry => ({
  kind: 'report',
  time: '2026-11-26T00:00:00.000Z',
  member: i % 2 === 0 ? 'bank-a' : 'bank-b',
  subject: `r_${i}`,
  digest: encodeBase64url(new Uint8Array(32).fill(i % 256)),
});

/** A log of `size` entries and the receipt of its last `count`, as the platform makes it. */
function receiptOf(size: number, count: number) {
  const entries = Array.from({ length: size }, (_, i) => entry(i));
  const tree = new MemoryTree(entries.map(entryLeafHash));
  const index = size - count;
  const checkpoint = signCheckpoint(
    formatCheckpoint({ origin: logSigner.name, size, rootHash: tree.root() }),
    logSigner,
  );
  const receipt: Receipt = {
    index,
    count,
    size,
    checkpoint,
    frontier: rootNodes(index).map((n) =>
      encodeBase64url(tree.node(n.level, n.index) as Uint8Array),
    ),
  };
  return { receipt, mine: entries.slice(index), tree };
}

describe('log entries', () => {
  it('are written as RFC 8785 canonical JSON, whatever their strings hold', () => {
    fc.assert(
      fc.property(
        fc.record({
          kind: fc.constantFrom('report', 'retraction', 'link_batch'),
          time: fc.string(),
          member: fc.string({ unit: 'binary' }),
          subject: fc.string({ unit: 'grapheme' }),
          digest: fc.string(),
        }),
        (e) => {
          expect(entryText(e as LogEntry)).toBe(canonicalJson(e));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('report records', () => {
  it('are written as RFC 8785 canonical JSON, whatever they hold', () => {
    const text = fc.string({ unit: 'binary' });
    fc.assert(
      fc.property(
        fc.record({
          id: text,
          ref: text,
          type: text,
          category: text,
          occurredAt: fc.integer({ min: -8.64e15, max: 8.64e15 }),
          loss: fc.option(text, { nil: undefined }),
          entities: fc.array(fc.record({ role: text, kind: text, token: text, keyId: text }), {
            maxLength: 4,
          }),
          contentHash: text,
          batchId: text,
          fingerprint: fc.option(text, { nil: undefined }),
          script: fc.option(text, { nil: undefined }),
          // Left out of the record when absent (as the canonical JSON leaves out undefined).
          region: fc.option(text, { nil: undefined }),
          sealed: fc.option(
            fc.record({
              suite: fc.constant('X25519-SHA256-ChaCha20Poly1305' as const),
              enc: text,
              salt: text,
              ciphertext: text,
            }),
            { nil: undefined },
          ),
        }),
        (r) => {
          expect(reportRecordText(r)).toBe(
            canonicalJson({
              ...r,
              loss: r.loss ?? null,
              fingerprint: r.fingerprint ?? null,
              script: r.script ?? null,
              sealed: r.sealed === undefined ? undefined : sealedDetailDigest(r.sealed),
              entities: r.entities.map((e) => ({ ...e })),
            }),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('receipts', () => {
  it('verify for every position and length of a write', () => {
    for (let size = 1; size <= 40; size++)
      for (let count = 1; count <= size; count++) {
        const { receipt, mine } = receiptOf(size, count);
        expect(verifyReceipt(receipt, mine, { logKey }).checkpoint.size).toBe(size);
      }
  });

  it('refuse entries other than those written, in another order, or fewer', () => {
    const { receipt, mine } = receiptOf(37, 5);
    const other = mine.map((e, i) => (i === 2 ? { ...e, digest: entry(999).digest } : e));
    const swapped = [mine[1], mine[0], ...mine.slice(2)] as LogEntry[];
    for (const wrong of [other, swapped, mine.slice(1), [...mine, entry(38)]])
      expect(() => verifyReceipt(receipt, wrong, { logKey })).toThrow(
        expect.objectContaining({ code: 'receipt.invalid' }),
      );
  });

  it('refuse a receipt whose frontier, index or size was changed, or whose checkpoint is not the log’s', () => {
    const { receipt, mine } = receiptOf(37, 5);
    const [first, ...rest] = receipt.frontier;
    const cases: Receipt[] = [
      { ...receipt, frontier: [encodeBase64url(new Uint8Array(32)), ...rest] },
      { ...receipt, frontier: rest },
      { ...receipt, frontier: [`${first}x`, ...rest] },
      { ...receipt, index: receipt.index - 1 },
      { ...receipt, size: receipt.size + 1 },
      { ...receipt, count: receipt.count - 1 },
    ];
    for (const bad of cases)
      expect(() => verifyReceipt(bad, mine, { logKey })).toThrow(
        expect.objectContaining({ code: 'receipt.invalid' }),
      );
    const stranger = generateEd25519();
    const forged = signCheckpoint(`${receipt.checkpoint.split('\n\n')[0]}\n`, {
      ...logSigner,
      publicKey: stranger.publicKey,
      privateKey: privateKeyFromJwk(stranger.privateJwk),
    });
    expect(() => verifyReceipt({ ...receipt, checkpoint: forged }, mine, { logKey })).toThrow(
      expect.objectContaining({ code: 'note.unsigned' }),
    );
  });

  it('tell a tree that extends another from one that does not', () => {
    const { tree } = receiptOf(30, 1);
    const at = (n: number) => ({ size: n, rootHash: tree.root(n) });
    expect(consistent(at(0), at(30), [])).toBe(true);
    expect(consistent(at(30), at(30), [])).toBe(true);
    expect(consistent(at(12), at(30), tree.consistencyProof(12, 30))).toBe(true);
    expect(consistent(at(30), at(12), tree.consistencyProof(12, 30))).toBe(false);
    expect(
      consistent({ size: 12, rootHash: tree.root(13) }, at(30), tree.consistencyProof(12, 30)),
    ).toBe(false);
    expect(consistent(at(30), { size: 30, rootHash: tree.root(29) }, [])).toBe(false);
  });
});
