import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../src/encoding/bytes.js';
import { loadRistretto255, type Ristretto255 } from '../../src/oprf/ristretto255.js';
import {
  checkSharePublicKeys,
  combineAndFinalize,
  combineEvaluations,
  lagrangeCoefficients,
  recoverSecret,
  splitSecret,
} from '../../src/oprf/threshold.js';
import {
  blind,
  blindEvaluateBatch,
  createSuite,
  evaluate,
  finalize,
  MODE_VOPRF,
  type Suite,
  verifyProof,
} from '../../src/oprf/voprf.js';

let group: Ristretto255;
let suite: Suite;
beforeAll(async () => {
  group = await loadRistretto255();
  suite = createSuite(group, MODE_VOPRF);
});

/** All subsets of size k of 1..n. */
function subsets(n: number, k: number): number[][] {
  const out: number[][] = [];
  const pick = (start: number, chosen: number[]) => {
    if (chosen.length === k) return void out.push(chosen);
    for (let i = start; i <= n; i++) pick(i + 1, [...chosen, i]);
  };
  pick(1, []);
  return out;
}

describe('threshold VOPRF: sharing, combining and recovering', () => {
  it('any t of n shares give exactly the single-key VOPRF output under k', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 5 })
          .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 1, max: n }))),
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        ([n, t], input) => {
          const k = group.randomScalar();
          const pk = group.scalarMultBase(k);
          const shares = splitSecret(group, k, t, n);
          const expected = toHex(evaluate(suite, k, input));
          const { blind: r, blindedElement } = blind(suite, input);
          for (const subset of subsets(n, t)) {
            const evaluations = subset.map((index) => {
              const share = shares[index - 1];
              if (share === undefined) throw new Error('missing share');
              const sharePk = group.scalarMultBase(share.secret);
              const { evaluatedElements, proof } = blindEvaluateBatch(
                suite,
                share.secret,
                sharePk,
                [blindedElement],
              );
              expect(
                verifyProof(
                  suite,
                  suite.generator,
                  sharePk,
                  [blindedElement],
                  evaluatedElements,
                  proof,
                ),
              ).toBe(true);
              return { index, evaluatedElements };
            });
            const [combined] = combineEvaluations(group, t, evaluations);
            expect(toHex(finalize(suite, input, r, combined as Uint8Array))).toBe(expected);
            const [direct] = combineAndFinalize(group, t, [input], [r], evaluations);
            expect(toHex(direct as Uint8Array)).toBe(expected);
          }
          checkSharePublicKeys(
            group,
            t,
            pk,
            shares.map((s) => ({ index: s.index, publicKey: group.scalarMultBase(s.secret) })),
          );
        },
      ),
      { numRuns: 25 },
    );
  });

  it('recovers the secret from any t shares and not from fewer', () => {
    const k = group.randomScalar();
    const shares = splitSecret(group, k, 3, 5);
    for (const subset of subsets(5, 3))
      expect(
        toHex(
          recoverSecret(
            group,
            subset.map((i) => shares[i - 1] as (typeof shares)[number]),
          ),
        ),
      ).toBe(toHex(k));
    expect(toHex(recoverSecret(group, shares.slice(0, 2)))).not.toBe(toHex(k));
  });

  it('is a plain VOPRF key with one share', () => {
    const k = group.randomScalar();
    const [share] = splitSecret(group, k, 1, 1);
    expect(toHex(share?.secret ?? new Uint8Array())).toBe(toHex(k));
    expect(toHex(lagrangeCoefficients(group, [1]).get(1) ?? new Uint8Array())).toBe(
      toHex(group.scalarFromInt(1)),
    );
  });
});

describe('threshold VOPRF: tampered shares and refusals', () => {
  it('catches a tampered share: its public key is off the polynomial', () => {
    const k = group.randomScalar();
    const pk = group.scalarMultBase(k);
    const shares = splitSecret(group, k, 2, 3);
    const publicKeys = shares.map((s) => ({
      index: s.index,
      publicKey: group.scalarMultBase(s.secret),
    }));
    const tampered = publicKeys.map((p) =>
      p.index === 3 ? { index: 3, publicKey: group.scalarMultBase(group.randomScalar()) } : p,
    );
    expect(() => checkSharePublicKeys(group, 2, pk, tampered)).toThrow(
      expect.objectContaining({ code: 'oprf.inconsistent_shares' }),
    );
    const wrongGroupKey = group.scalarMultBase(group.randomScalar());
    expect(() => checkSharePublicKeys(group, 2, wrongGroupKey, publicKeys)).toThrow(
      expect.objectContaining({ code: 'oprf.inconsistent_shares' }),
    );
    expect(() => checkSharePublicKeys(group, 2, pk, publicKeys.slice(0, 1))).toThrow(
      expect.objectContaining({ code: 'oprf.not_enough_shares' }),
    );
    checkSharePublicKeys(group, 2, pk, publicKeys);
  });

  it('gives a wrong combination when a share evaluated with the wrong key', () => {
    const k = group.randomScalar();
    const shares = splitSecret(group, k, 2, 3);
    const input = utf8('phone\u0000+8613800138000');
    const { blind: r, blindedElement } = blind(suite, input);
    const wrong = group.randomScalar();
    const evaluations = [
      {
        index: 1,
        evaluatedElements: [group.scalarMult(shares[0]?.secret ?? wrong, blindedElement)],
      },
      { index: 2, evaluatedElements: [group.scalarMult(wrong, blindedElement)] },
    ];
    const [combined] = combineEvaluations(group, 2, evaluations);
    expect(toHex(finalize(suite, input, r, combined as Uint8Array))).not.toBe(
      toHex(evaluate(suite, k, input)),
    );
  });

  it('refuses impossible sharings and too few evaluations', () => {
    expect(() => splitSecret(group, group.randomScalar(), 3, 2)).toThrow(RangeError);
    expect(() => splitSecret(group, group.randomScalar(), 0, 2)).toThrow(RangeError);
    expect(() => combineEvaluations(group, 2, [{ index: 1, evaluatedElements: [] }])).toThrow(
      expect.objectContaining({ code: 'oprf.not_enough_shares' }),
    );
    expect(() => lagrangeCoefficients(group, [1, 1])).toThrow(RangeError);
  });
});
