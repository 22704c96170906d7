import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/encoding/bytes.js';
import { OprfError } from '../../src/oprf/oprf-error.js';
import { loadRistretto255, type Ristretto255 } from '../../src/oprf/ristretto255.js';
import {
  blind,
  blindEvaluate,
  blindEvaluateBatch,
  createSuite,
  deriveKeyPair,
  deserializeProof,
  evaluate,
  finalize,
  finalizeBatch,
  MODE_OPRF,
  MODE_VOPRF,
  type Mode,
  type Suite,
  verifyProof,
} from '../../src/oprf/voprf.js';

/** RFC 9497 Appendix A test vectors, read from the shared vectors folder. */
interface VectorSet {
  identifier: string;
  mode: number;
  seed: string;
  keyInfo: string;
  skSm: string;
  pkSm?: string;
  groupDST: string;
  vectors: {
    Batch: number;
    Blind: string;
    BlindedElement: string;
    EvaluationElement: string;
    Input: string;
    Output: string;
    Proof?: { proof: string; r: string };
  }[];
}

const ALL = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../test-data/rfc9497/allVectors_v20.json'), 'utf8'),
) as VectorSet[];
const RISTRETTO = ALL.filter(
  (v) => v.identifier === 'ristretto255-SHA512' && (v.mode === 0 || v.mode === 1),
);
const list = (field: string) => field.split(',').map(fromHex);

let group: Ristretto255;
const suites = new Map<Mode, Suite>();
beforeAll(async () => {
  group = await loadRistretto255();
  suites.set(MODE_OPRF, createSuite(group, MODE_OPRF));
  suites.set(MODE_VOPRF, createSuite(group, MODE_VOPRF));
});
const suiteOf = (mode: number) => suites.get(mode as Mode) as Suite;

describe('RFC 9497 vectors, ristretto255-SHA512', () => {
  it('covers both modes and batched cases', () => {
    expect(RISTRETTO.map((v) => v.mode).sort()).toEqual([0, 1]);
    expect(RISTRETTO.flatMap((v) => v.vectors).some((t) => t.Batch > 1)).toBe(true);
  });

  for (const set of RISTRETTO) {
    describe(`mode ${set.mode}`, () => {
      it('uses the context string of the vectors', () => {
        expect(toHex(suiteOf(set.mode).hashToGroupDst)).toBe(set.groupDST);
      });

      it('DeriveKeyPair', () => {
        const { skS, pkS } = deriveKeyPair(
          suiteOf(set.mode),
          fromHex(set.seed),
          fromHex(set.keyInfo),
        );
        expect(toHex(skS)).toBe(set.skSm);
        if (set.pkSm !== undefined) expect(toHex(pkS)).toBe(set.pkSm);
      });

      set.vectors.forEach((t, n) => {
        it(`vector ${n + 1} (batch of ${t.Batch}): Blind, BlindEvaluate, proof, Finalize`, () => {
          const suite = suiteOf(set.mode);
          const { skS, pkS } = deriveKeyPair(suite, fromHex(set.seed), fromHex(set.keyInfo));
          const inputs = list(t.Input);
          const blinds = list(t.Blind);
          const blinded = inputs.map((input, i) => blind(suite, input, blinds[i]).blindedElement);
          expect(blinded.map(toHex).join(',')).toBe(t.BlindedElement);
          const outputs: Uint8Array[] = [];
          if (set.mode === MODE_OPRF) {
            const evaluated = blinded.map((b) => blindEvaluate(suite, skS, b));
            expect(evaluated.map(toHex).join(',')).toBe(t.EvaluationElement);
            for (const [i, input] of inputs.entries()) {
              outputs.push(
                finalize(suite, input, blinds[i] as Uint8Array, evaluated[i] as Uint8Array),
              );
            }
          } else {
            const proofVector = t.Proof;
            if (proofVector === undefined) throw new Error('VOPRF vector without a proof');
            const { evaluatedElements, proof } = blindEvaluateBatch(
              suite,
              skS,
              pkS,
              blinded,
              fromHex(proofVector.r),
            );
            expect(evaluatedElements.map(toHex).join(',')).toBe(t.EvaluationElement);
            expect(toHex(proof)).toBe(proofVector.proof);
            outputs.push(
              ...finalizeBatch(suite, inputs, blinds, evaluatedElements, blinded, pkS, proof),
            );
          }
          expect(outputs.map(toHex).join(',')).toBe(t.Output);
          for (const [i, input] of inputs.entries()) {
            expect(toHex(evaluate(suite, skS, input))).toBe(toHex(outputs[i] as Uint8Array));
          }
        });
      });
    });
  }
});

/** A fresh VOPRF evaluation of a batched vector's inputs, for the negative cases to spoil. */
const vectors = () => {
  const set = RISTRETTO.find((v) => v.mode === 1) as VectorSet;
  const t =
    set.vectors.find((v) => v.Batch > 1) ?? (set.vectors[0] as VectorSet['vectors'][number]);
  const suite = suiteOf(1);
  const { skS, pkS } = deriveKeyPair(suite, fromHex(set.seed), fromHex(set.keyInfo));
  const inputs = list(t.Input);
  const blinds = list(t.Blind);
  const blinded = inputs.map((input, i) => blind(suite, input, blinds[i]).blindedElement);
  const { evaluatedElements, proof } = blindEvaluateBatch(suite, skS, pkS, blinded);
  return { suite, skS, pkS, inputs, blinds, blinded, evaluatedElements, proof };
};

describe('VOPRF negative cases: proofs', () => {
  it('accepts its own fresh proof', () => {
    const v = vectors();
    expect(
      verifyProof(v.suite, v.suite.generator, v.pkS, v.blinded, v.evaluatedElements, v.proof),
    ).toBe(true);
  });

  it('rejects a proof with a flipped bit', () => {
    const v = vectors();
    for (const byte of [0, 31, 32, 63]) {
      const bad = Uint8Array.from(v.proof);
      bad[byte] = (bad[byte] ?? 0) ^ 0x01;
      let ok: boolean;
      try {
        ok = verifyProof(v.suite, v.suite.generator, v.pkS, v.blinded, v.evaluatedElements, bad);
      } catch (e) {
        expect(e).toBeInstanceOf(OprfError); // a flipped top bit makes a non-canonical scalar
        ok = false;
      }
      expect(ok).toBe(false);
    }
  });

  it('rejects evaluations made with another key', () => {
    const v = vectors();
    const other = deriveKeyPair(v.suite, new Uint8Array(32).fill(7), new Uint8Array());
    const forged = blindEvaluateBatch(v.suite, other.skS, other.pkS, v.blinded);
    expect(
      verifyProof(
        v.suite,
        v.suite.generator,
        v.pkS,
        v.blinded,
        forged.evaluatedElements,
        forged.proof,
      ),
    ).toBe(false);
    expect(() =>
      finalizeBatch(
        v.suite,
        v.inputs,
        v.blinds,
        forged.evaluatedElements,
        v.blinded,
        v.pkS,
        forged.proof,
      ),
    ).toThrow(expect.objectContaining({ code: 'oprf.verify_error' }));
  });

  it('rejects a proof for a batch with one evaluation swapped', () => {
    const v = vectors();
    const swapped = [...v.evaluatedElements].reverse();
    expect(verifyProof(v.suite, v.suite.generator, v.pkS, v.blinded, swapped, v.proof)).toBe(false);
  });

  it('rejects batches of different sizes', () => {
    const v = vectors();
    expect(() =>
      verifyProof(
        v.suite,
        v.suite.generator,
        v.pkS,
        v.blinded,
        v.evaluatedElements.slice(1),
        v.proof,
      ),
    ).toThrow(expect.objectContaining({ code: 'oprf.batch_mismatch' }));
  });
});

describe('VOPRF negative cases: encodings and modes', () => {
  it('rejects the identity, non-canonical encodings and wrong lengths as elements', () => {
    const v = vectors();
    const good = v.blinded[0] as Uint8Array;
    const highBit = Uint8Array.from(good);
    highBit[31] = (highBit[31] ?? 0) | 0x80;
    const cases = [
      new Uint8Array(32),
      highBit,
      good.subarray(0, 31),
      new Uint8Array([...good, 0]),
      new Uint8Array(32).fill(0xff),
    ];
    for (const bytes of cases)
      expect(() => group.deserializeElement(bytes)).toThrow(
        expect.objectContaining({ code: 'oprf.invalid_element' }),
      );
    expect(group.deserializeElement(good)).toBe(good);
  });

  it('rejects non-canonical scalars in a proof', () => {
    const v = vectors();
    const bad = Uint8Array.from(v.proof);
    bad.fill(0xff, 32, 64); // s ≥ L
    expect(() => deserializeProof(v.suite, bad)).toThrow(
      expect.objectContaining({ code: 'oprf.invalid_scalar' }),
    );
    expect(() => deserializeProof(v.suite, v.proof.subarray(0, 63))).toThrow(
      expect.objectContaining({ code: 'oprf.invalid_scalar' }),
    );
    expect(deserializeProof(v.suite, v.proof)).toBe(v.proof);
  });

  it('gives different outputs in the two modes (the context string differs)', () => {
    const input = new Uint8Array([1, 2, 3]);
    const k = deriveKeyPair(suiteOf(0), new Uint8Array(32), new Uint8Array()).skS;
    expect(toHex(evaluate(suiteOf(0), k, input))).not.toBe(toHex(evaluate(suiteOf(1), k, input)));
  });
});
