import { mix32 } from '@credence/core/hashing/mix32';
import { FINGERPRINT_SIZE } from '@credence/core/narrative/fingerprint';
import { CATEGORIES, type Category } from '@credence/core/wire/vocabulary';

/**
 * Form, not story (issue 11): the fingerprint values that stand for text nearly every
 * narrative carries, whatever the trick — a reporting form's closing sentence
 * ("对方来电号码⟨PHONE⟩，让我转账到⟨CARD⟩，还报出了我的身份证号⟨ID⟩。"), the date every
 * retelling starts with, "我一共" — so that campaigns are about the story.
 *
 * The platform sees MinHash values, never shingles. Slot i of a fingerprint is h_i of the
 * one shingle that minimises h_i, so a value that sits in slot i of a large share of all
 * fingerprints is a shingle that most narratives share, winning that slot (an inverse
 * document frequency over the platform's fingerprints, computed each run). Its share is
 * counted so that no member decides it:
 *
 * - each member's distinct fingerprints count once (a template reported a thousand times
 *   by one member is one document there);
 * - a member's share is weighted by its number of distinct fingerprints, capped at the
 *   median member's: a member with a handful of reports weighs little, and one with
 *   many weighs no more than the median one;
 * - the member holding the most of the value is left out of its count (not of the
 *   total): a value is form only if the other members' fingerprints alone make up
 *   `share` of the whole. Removing any one member's contribution leaves it at least that
 *   frequent, so no single member can make a value form, by flooding or otherwise;
 * - likewise the category (the kind of trick, as members file it) holding the most of it:
 *   a form is used whatever the trick, while a campaign is one trick, so however large a
 *   campaign grows, its own phrases stay story. A young platform that has seen one
 *   script has no form.
 *
 * Deterministic: a function of the set of (member, category, fingerprint) triples.
 */

/** Per slot, the values that are form. */
export type FormValues = readonly ReadonlySet<number>[];

export interface Fingerprinted {
  readonly member: string;
  readonly category: Category;
  readonly signature: Uint32Array;
}

/**
 * A pair's story similarity is taken over at least this many slots: with fewer slots
 * whose minimum is story (the narratives almost all form), the missing ones count as
 * differences. At fewer slots a chance agreement of a few shingles would reach the
 * threshold: two stories sharing 5 % of their shingles reach 0.25 on 16 slots with
 * probability 0.7 %, on 32 with 0.014 %.
 */
export const MIN_STORY_SLOTS = 32;

/** The values that are form in at least `share` of the fingerprints (see the module). */
export function formValues(reports: readonly Fingerprinted[], share: number): FormValues {
  const none: FormValues = Array.from({ length: FINGERPRINT_SIZE }, () => new Set<number>());
  if (!(share < 1) || reports.length === 0) return none;
  // Each member's distinct fingerprints.
  const memberIndex = new Map<string, number>();
  const seen = new Map<string, Uint32Array[]>();
  const docs: Uint32Array[] = [];
  const docMember: number[] = [];
  const docCategory: number[] = [];
  for (const r of reports) {
    let m = memberIndex.get(r.member);
    if (m === undefined) {
      m = memberIndex.size;
      memberIndex.set(r.member, m);
    }
    const c = CATEGORIES.indexOf(r.category);
    // Keyed by a 64-bit hash of the signature, then compared in full: exact.
    const key = `${m}:${c}:${signatureHash(r.signature)}`;
    const same = seen.get(key);
    if (same === undefined) seen.set(key, [r.signature]);
    else if (same.some((s) => equal(s, r.signature))) continue;
    else same.push(r.signature);
    docs.push(r.signature);
    docMember.push(m);
    docCategory.push(c);
  }
  const members = memberIndex.size;
  const n = new Float64Array(members);
  for (const m of docMember) n[m] = (n[m] as number) + 1;
  const sorted = Array.from(n).sort((a, b) => a - b);
  const median = sorted[Math.floor((members - 1) / 2)] as number;
  // A document of member m adds weight[m] / n[m] to its values' count.
  const perDoc = Array.from(n, (x) => Math.min(x, median) / x);
  const total = Array.from(n, (x) => Math.min(x, median)).reduce((a, b) => a + b, 0);
  const needed = share * total;
  const out = Array.from({ length: FINGERPRINT_SIZE }, () => new Set<number>());
  // Slot by slot, so transposed once (one pass over the signatures, not one per slot).
  const count = docs.length;
  const columns = new Uint32Array(FINGERPRINT_SIZE * count);
  docs.forEach((sig, d) => {
    for (let i = 0; i < FINGERPRINT_SIZE; i++) columns[i * count + d] = sig[i] as number;
  });
  for (let i = 0; i < FINGERPRINT_SIZE; i++) {
    const column = columns.subarray(i * count, (i + 1) * count);
    // A value can only be form if its plain count reaches the weighted bar (each
    // document adds at most 1): only those few are counted by member.
    const candidates = new Map<number, { byMember: Float64Array; byCategory: Float64Array }>();
    const values = column.slice().sort();
    for (let a = 0; a < values.length; ) {
      let b = a + 1;
      while (b < values.length && values[b] === values[a]) b++;
      if (b - a >= needed)
        candidates.set(values[a] as number, {
          byMember: new Float64Array(members),
          byCategory: new Float64Array(CATEGORIES.length),
        });
      a = b;
    }
    if (candidates.size === 0) continue;
    for (let d = 0; d < count; d++) {
      const counts = candidates.get(column[d] as number);
      if (counts === undefined) continue;
      const m = docMember[d] as number;
      const c = docCategory[d] as number;
      const w = perDoc[m] as number;
      counts.byMember[m] = (counts.byMember[m] as number) + w;
      counts.byCategory[c] = (counts.byCategory[c] as number) + w;
    }
    for (const [value, counts] of candidates)
      if (withoutTop(counts.byMember) >= needed && withoutTop(counts.byCategory) >= needed)
        (out[i] as Set<number>).add(value);
  }
  return out;
}

/** Two 32-bit lanes of a hash of a signature's values. */
function signatureHash(signature: Uint32Array): string {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  for (let i = 0; i < signature.length; i++) {
    a = mix32(a ^ (signature[i] as number));
    b = mix32((b + (signature[i] as number)) | 0);
  }
  return `${a}:${b}`;
}

function equal(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The sum of the counts less the largest: what the others hold. */
function withoutTop(counts: Float64Array): number {
  let sum = 0;
  let top = 0;
  for (const x of counts) {
    sum += x;
    if (x > top) top = x;
  }
  return sum - top;
}

/** Which slots of a signature hold form values: bit i of the 128 (four 32-bit words). */
export function formMask(signature: Uint32Array, form: FormValues): Uint32Array {
  const mask = new Uint32Array(FINGERPRINT_SIZE / 32);
  for (let i = 0; i < FINGERPRINT_SIZE; i++)
    if ((form[i] as ReadonlySet<number>).has(signature[i] as number))
      mask[i >>> 5] = (mask[i >>> 5] as number) | (1 << (i & 31));
  return mask;
}

/**
 * Estimated Jaccard similarity of the story: of two narratives' shingles, less the form
 * (`aForm`, `bForm`: their `formMask`). Slot i's smaller value is the minimum over the
 * union of both narratives' shingles; where that is a story shingle, it is uniform over
 * the story part of the union, and the two slots are equal exactly when it is in both. So
 * the fraction of equal values among the slots whose smaller value is not form estimates
 * the Jaccard similarity of the stories (counted over at least MIN_STORY_SLOTS). With no
 * form values it is the plain estimate.
 */
export function storySimilarity(
  a: Uint32Array,
  aForm: Uint32Array,
  b: Uint32Array,
  bForm: Uint32Array,
): number {
  let equal = 0;
  let story = 0;
  for (let i = 0; i < FINGERPRINT_SIZE; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    // The smaller value's own narrative says whether it is form.
    const isForm = ((((x <= y ? aForm : bForm)[i >>> 5] as number) >>> (i & 31)) & 1) === 1;
    if (isForm) continue;
    story++;
    if (x === y) equal++;
  }
  return equal / Math.max(story, MIN_STORY_SLOTS);
}
