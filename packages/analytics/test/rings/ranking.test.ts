import { DEFAULT_POLICY } from '@credence/core/risk/policy';
import { describe, expect, it } from 'vitest';
import { EvidenceGraphBuilder } from '../../src/evidence/evidence-graph.js';
import { fitLogistic } from '../../src/rings/fit-ranking.js';
import { incidence } from '../../src/rings/propagation.js';
import { calibrate, FEATURES, percentiles, riskMass } from '../../src/rings/ranking.js';
import { findRings } from '../../src/rings/rings.js';

const NOW = Date.UTC(2026, 10, 1);
const DAY = 86_400_000;

function chainWorld() {
  const b = new EvidenceGraphBuilder({ ...DEFAULT_POLICY, now: NOW });
  const transfer = (from: string, to: string) =>
    b.addLink({
      member: 'bank-a',
      link: 'transfer',
      from: { kind: 'bank_card', token: from },
      to: { kind: 'bank_card', token: to },
      at: NOW - DAY,
      count: 1,
    });
  const report = (
    member: string,
    token: string,
    daysAgo = 1,
    type: 'confirmed_fraud' | 'suspected' = 'confirmed_fraud',
  ) =>
    b.addReport({
      member,
      type,
      category: 'task_rebate',
      occurredAt: NOW - daysAgo * DAY,
      entities: [{ role: 'beneficiary_account', kind: 'bank_card', token }],
    });
  return { b, transfer, report };
}

describe('ranked risk over an evidence graph', () => {
  it('accumulates: two reported neighbours rank above one, and further hops below nearer ones', () => {
    const { b, transfer, report } = chainWorld();
    report('bank-a', 'r1');
    report('bank-b', 'r2');
    report('bank-c', 'r3');
    // x is paid by two reported accounts, y by one; z is one more hop beyond y.
    transfer('r1', 'x');
    transfer('r2', 'x');
    transfer('r3', 'y');
    transfer('y', 'z');
    // w has nothing to do with any of them.
    transfer('w1', 'w2');
    const g = b.build();
    const a = findRings(g);
    const at = (t: string) => g.tokens.indexOf(t);
    const score = (t: string) => a.ranking.score[at(t)] as number;
    const pct = (t: string) => a.ranking.percentile[at(t)] as number;
    expect(pct('x')).toBeGreaterThan(pct('y'));
    expect(pct('y')).toBeGreaterThan(pct('z'));
    expect(pct('z')).toBeGreaterThan(pct('w2'));
    for (const t of ['x', 'y', 'z', 'w2']) {
      expect(score(t)).toBeGreaterThanOrEqual(0);
      expect(score(t)).toBeLessThanOrEqual(1);
    }
    expect(a.ranking.reportedNeighbours[at('x')]).toBe(2);
    expect(a.ranking.reached[at('z')]).toBe(1);
    expect(a.ranking.reached[at('w2')]).toBe(0);
    expect(a.ranking.features.length).toBe(g.tokens.length * FEATURES.length);
  });

  it('reads the strongest path again without hub damping, beside the damped one', () => {
    const { b, report } = chainWorld();
    report('bank-a', 'r1');
    // Sixty cards log in from one shared address: more than the 25 neighbours from which
    // propagation (rings, the flag) damps it.
    for (let i = 0; i < 60; i++)
      b.addLink({
        member: 'bank-a',
        link: 'login',
        from: { kind: 'bank_card', token: i === 0 ? 'r1' : `c${i}` },
        to: { kind: 'ip', token: 'wifi' },
        at: NOW - DAY,
        count: 1,
      });
    const g = b.build();
    const a = findRings(g);
    const at = (t: string) => g.tokens.indexOf(t);
    const feature = (t: string, name: (typeof FEATURES)[number]) =>
      a.ranking.features[at(t) * FEATURES.length + FEATURES.indexOf(name)] as number;
    const carried = (a.risk[at('r1')] as number) * 0.85 * 0.85;
    // Damped at the address on both arcs, by √(25 / 60) each.
    expect(feature('c1', 'path_risk')).toBeCloseTo(carried * (25 / 60), 6);
    expect(feature('c1', 'path_risk_undamped')).toBeCloseTo(carried, 6);
    expect(a.risk[at('c1')]).toBeCloseTo(feature('c1', 'path_risk'), 12);
  });

  it('separates tokens whose evidence differs (no ties among them)', () => {
    const { b, transfer, report } = chainWorld();
    // Suspicions of different ages make different evidence (a suspicion has no floor);
    // each reported account pays one unreported account.
    for (let i = 0; i < 20; i++) {
      report(`bank-${i % 3}`, `r${i}`, 1 + i * 30, 'suspected');
      transfer(`r${i}`, `u${i}`);
    }
    const g = b.build();
    const a = findRings(g);
    const p = Array.from({ length: 20 }, (_, i) => a.ranking.percentile[g.tokens.indexOf(`u${i}`)]);
    expect(new Set(p).size).toBe(20);
  });
});

describe('ranked risk: propagation, calibration, percentiles and fitting', () => {
  it('walks as the direct solve says: r = s + (1 − α) Wᵀ r', () => {
    const { b, transfer, report } = chainWorld();
    report('bank-a', 'a');
    transfer('a', 'b');
    transfer('b', 'c');
    const g = b.build();
    const inc = incidence(g);
    const carry = new Float64Array(inc.neighbors.length).fill(0.5);
    const seed = Float64Array.from(g.tokens, (t) => (t === 'a' ? 1 : 0));
    const mass = riskMass(g.tokens.length, inc, carry, seed, new Uint8Array(3), 0.5, 200);
    // a has one arc, b two, c one; each crossing keeps (1 − α) · carry / arcs.
    // r_a = 1 + 0.25 r_b/2, r_b = 0.25 r_a + 0.25 r_c, r_c = 0.25 r_b / 2.
    const k = 0.25;
    const rb = k / (1 - (k * k) / 2 - (k * k) / 2);
    const ra = 1 + (k * rb) / 2;
    const rc = (k * rb) / 2;
    const at = (t: string) => mass[g.tokens.indexOf(t)] as number;
    expect(at('a')).toBeCloseTo(ra, 9);
    expect(at('b')).toBeCloseTo(rb, 9);
    expect(at('c')).toBeCloseTo(rc, 9);
  });

  it('reads calibration as a monotone line between its points', () => {
    const map = { x: [0.1, 0.5, 0.9], y: [0.0, 0.2, 1.0] };
    expect(calibrate(map, 0)).toBe(0);
    expect(calibrate(map, 0.3)).toBeCloseTo(0.1, 12);
    expect(calibrate(map, 0.7)).toBeCloseTo(0.6, 12);
    expect(calibrate(map, 2)).toBe(1);
    expect(calibrate({ x: [], y: [] }, 0.42)).toBe(0.42);
    let last = -1;
    for (let p = 0; p <= 1; p += 0.01) {
      const c = calibrate(map, p);
      expect(c).toBeGreaterThanOrEqual(last);
      last = c;
    }
  });

  it('counts percentiles as the share strictly below', () => {
    expect(Array.from(percentiles(Float64Array.of(3, 1, 2, 2)))).toEqual([0.75, 0, 0.25, 0.25]);
  });

  it('fits a logistic model that recovers a known one', () => {
    // Labels drawn from σ(−1 + 2·x0) with x0 uniform in [−2, 2]; other features noise.
    const k = FEATURES.length;
    const n = 20_000;
    const features = new Float64Array(n * k);
    const labels = new Uint8Array(n);
    let seed = 7;
    const random = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) features[i * k + j] = random() * 4 - 2;
      const z = -1 + 2 * (features[i * k] as number);
      labels[i] = random() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    }
    const fit = fitLogistic(features, labels, { ridge: 0 });
    // Back on the raw scale: w0 / scale0 ≈ 2, the others ≈ 0.
    expect((fit.weights[0] as number) / (fit.scale[0] as number)).toBeCloseTo(2, 0);
    for (let j = 1; j < k; j++) expect(Math.abs(fit.weights[j] as number)).toBeLessThan(0.1);
  });
});
