/**
 * Measures of how well analysis finds what was planted (credence eval): found groups
 * matched to true groups by Jaccard similarity, binary verdicts scored against the
 * truth, and clusterings compared by purity and the adjusted Rand index.
 */

export interface RingMatch {
  /** Found rings that match a true ring. */
  readonly matchedFound: number;
  /** True rings matched by a found ring. */
  readonly matchedTrue: number;
  readonly found: number;
  readonly truth: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** What the misses are, to see what to work on. */
  readonly misses: RingMisses;
}

export interface RingMisses {
  /** Unmatched found rings at least half of whose tokens are one true ring's: a piece of it, or it grown into its surroundings. */
  readonly fragments: number;
  /** Unmatched found rings at least half of whose tokens are true rings', no one ring's half. */
  readonly mixtures: number;
  /** Unmatched found rings mostly of tokens in no true ring. */
  readonly outside: number;
  /** Unmatched true rings no found ring touches. */
  readonly untouched: number;
  /** Unmatched true rings found rings touch without matching (split, merged or partly found). */
  readonly touched: number;
}

const f1 = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));

/**
 * A found ring matches a true ring when the Jaccard similarity of their token sets is at
 * least `threshold` (0.5: then each true ring can match at most one found ring, and the
 * other way round). Precision: found rings that match; recall: true rings matched.
 */
export function matchRings(
  found: readonly (readonly string[])[],
  truth: readonly (readonly string[])[],
  threshold = 0.5,
): RingMatch {
  const owner = new Map<string, number>();
  truth.forEach((ring, i) => {
    for (const t of ring) owner.set(t, i);
  });
  const trueSize = truth.map((r) => new Set(r).size);
  const matched = new Set<number>();
  const touched = new Set<number>();
  const misses = { fragments: 0, mixtures: 0, outside: 0 };
  let matchedFound = 0;
  for (const ring of found) {
    const tokens = new Set(ring);
    const overlap = new Map<number, number>();
    for (const t of tokens) {
      const i = owner.get(t);
      if (i !== undefined) overlap.set(i, (overlap.get(i) ?? 0) + 1);
    }
    let hit = -1;
    let best = 0;
    for (const [i, inter] of overlap) {
      const jaccard = inter / (tokens.size + (trueSize[i] as number) - inter);
      if (jaccard >= threshold && jaccard > best) {
        hit = i;
        best = jaccard;
      }
    }
    for (const i of overlap.keys()) touched.add(i);
    if (hit >= 0) {
      matchedFound++;
      matched.add(hit);
      continue;
    }
    let inRings = 0;
    let most = 0;
    for (const inter of overlap.values()) {
      inRings += inter;
      most = Math.max(most, inter);
    }
    if (2 * most >= tokens.size) misses.fragments++;
    else if (2 * inRings >= tokens.size) misses.mixtures++;
    else misses.outside++;
  }
  let untouched = 0;
  for (let i = 0; i < truth.length; i++) if (!touched.has(i)) untouched++;
  const precision = found.length === 0 ? 0 : matchedFound / found.length;
  const recall = truth.length === 0 ? 0 : matched.size / truth.length;
  return {
    matchedFound,
    matchedTrue: matched.size,
    found: found.length,
    truth: truth.length,
    precision,
    recall,
    f1: f1(precision, recall),
    misses: { ...misses, untouched, touched: truth.length - matched.size - untouched },
  };
}

export interface BinaryScore {
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/** Precision and recall of `predicted` against `actual`, over the items of `universe`. */
export function binaryScore(
  universe: Iterable<string>,
  predicted: (item: string) => boolean,
  actual: (item: string) => boolean,
): BinaryScore {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const item of universe) {
    const p = predicted(item);
    const a = actual(item);
    if (p && a) tp++;
    else if (p) fp++;
    else if (a) fn++;
  }
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  return {
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    precision,
    recall,
    f1: f1(precision, recall),
  };
}

/**
 * Purity of a clustering: each found cluster counts its most common true label; purity is
 * their sum over all items. `found[i]` and `truth[i]` label item i.
 */
export function purity(found: readonly string[], truth: readonly string[]): number {
  if (found.length !== truth.length) throw new RangeError('one label of each per item');
  if (found.length === 0) return 0;
  const table = new Map<string, Map<string, number>>();
  found.forEach((c, i) => {
    const row = table.get(c) ?? new Map<string, number>();
    const t = truth[i] as string;
    row.set(t, (row.get(t) ?? 0) + 1);
    table.set(c, row);
  });
  let majority = 0;
  for (const row of table.values()) majority += Math.max(...row.values());
  return majority / found.length;
}

/**
 * The adjusted Rand index (Hubert and Arabie 1985) of two labelings of the same items: 1
 * for identical clusterings, about 0 for independent ones.
 */
export function adjustedRandIndex(found: readonly string[], truth: readonly string[]): number {
  if (found.length !== truth.length) throw new RangeError('one label of each per item');
  const n = found.length;
  const pairs = (x: number) => (x * (x - 1)) / 2;
  const cells = new Map<string, number>();
  const rows = new Map<string, number>();
  const cols = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const a = found[i] as string;
    const b = truth[i] as string;
    const key = `${a}\u0000${b}`;
    cells.set(key, (cells.get(key) ?? 0) + 1);
    rows.set(a, (rows.get(a) ?? 0) + 1);
    cols.set(b, (cols.get(b) ?? 0) + 1);
  }
  let index = 0;
  for (const c of cells.values()) index += pairs(c);
  let sumRows = 0;
  for (const r of rows.values()) sumRows += pairs(r);
  let sumCols = 0;
  for (const c of cols.values()) sumCols += pairs(c);
  const total = pairs(n);
  if (total === 0) return 1;
  const expected = (sumRows * sumCols) / total;
  const max = (sumRows + sumCols) / 2;
  if (max === expected) return 1;
  return (index - expected) / (max - expected);
}
