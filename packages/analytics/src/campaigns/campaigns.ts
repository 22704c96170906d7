import { FINGERPRINT_SIZE } from '@credence/core/narrative/fingerprint';
import { CATEGORIES, type Category } from '@credence/core/wire/vocabulary';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { UnionFind } from '../graph/union-find.js';
import { formMask, formValues, storySimilarity } from './form-values.js';

/**
 * Campaigns (SPEC §6, "what trick is being played"): reports whose scripts' fingerprints
 * are alike, across members, clustered.
 *
 * Locality-sensitive hashing finds the candidates: the 128 minima of a fingerprint are cut
 * into `bands` bands of `rows` rows; two reports that agree on a whole band are compared,
 * and joined when their estimated Jaccard similarity reaches `threshold`. Joined reports
 * form a campaign (single linkage: a script told in many phrasings joins through the
 * reports in between). A band value shared by more than `maxBucket` reports is a phrase
 * every script uses, not evidence, and is skipped. Identical fingerprints are joined
 * before banding, so a template sent thousands of times stays one campaign.
 *
 * Similarity is of the story, not the form (issue 11): fingerprint values that a large
 * share of all members' fingerprints carry (a reporting form's sentence that every
 * narrative ends with) are found each run (`formValues`), and a pair's similarity is
 * estimated over the slots whose minimum is not one of them (`storySimilarity`); a band
 * made of form values only is not a candidate. Without such values, this is the plain
 * MinHash estimate and the clustering is what it was.
 */

export interface ScriptReport {
  /** The platform's report id. */
  readonly id: string;
  readonly member: string;
  readonly category: Category;
  readonly occurredAt: number;
  readonly signature: Uint32Array;
  /** The masked narrative, where the member opted in. */
  readonly script?: string | undefined;
}

export interface CampaignOptions {
  readonly bands?: number;
  readonly rows?: number;
  readonly threshold?: number;
  readonly maxBucket?: number;
  /**
   * A slot value in at least this share of the fingerprints (members balanced, the
   * member and the category holding most of it left out: see form-values) is form, not
   * story. Default FORM_SHARE; 1 turns the discount off (the plain estimate).
   */
  readonly formShare?: number;
  /** Fewest reports in a campaign. Default 3. */
  readonly minReports?: number;
  /** The time weeks are counted back from (epoch ms). */
  readonly now: number;
}

export interface Campaign {
  /** `campaign-` and 16 hex digits of SHA-256 over its smallest report id. */
  readonly id: string;
  /** Indexes of its reports in the input. */
  readonly reports: readonly number[];
  /** The most reported category, and every category with its count. */
  readonly category: Category;
  readonly categories: Readonly<Partial<Record<Category, number>>>;
  /** Members whose reports are in it: a count. */
  readonly members: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** Reports in each of the last 8 weeks before `now`, oldest first. */
  readonly weekly: readonly number[];
  /** Reports in the last week over the week before (null when that week had none). */
  readonly growth: number | null;
  /** Index of the report whose shared script stands for it (the most typical), if any shared. */
  readonly representative: number | undefined;
}

const WEEK_MS = 7 * 86_400_000;

/** Estimated similarity at which two reports join (single linkage). */
export const THRESHOLD = 0.25;

/** See `CampaignOptions.formShare`; chosen on development worlds (docs/analytics.md). */
export const FORM_SHARE = 0.05;

/** Groups reports into campaigns; reports in no campaign are left out. */
export function findCampaigns(
  reports: readonly ScriptReport[],
  options: CampaignOptions,
): Campaign[] {
  const rows = options.rows ?? 4;
  const bands = options.bands ?? Math.floor(FINGERPRINT_SIZE / rows);
  if (bands * rows > FINGERPRINT_SIZE) throw new RangeError('bands × rows exceeds the signature');
  const threshold = options.threshold ?? THRESHOLD;
  const maxBucket = options.maxBucket ?? 1000;
  const minReports = options.minReports ?? 3;
  const form = formValues(reports, options.formShare ?? FORM_SHARE);
  const masks = reports.map((r) => formMask(r.signature, form));
  const n = reports.length;
  const sets = new UnionFind(n);
  // Identical fingerprints (one template sent many times) are one script: joined here,
  // and banded once, so that their number never makes a band's bucket too big to use.
  const distinct: number[] = [];
  const bySignature = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const key = (reports[i] as ScriptReport).signature.join(',');
    const first = bySignature.get(key);
    if (first === undefined) {
      bySignature.set(key, i);
      distinct.push(i);
    } else sets.union(i, first);
  }
  for (let b = 0; b < bands; b++) {
    const buckets = new Map<string, number[]>();
    for (const i of distinct) {
      const sig = (reports[i] as ScriptReport).signature;
      let key = '';
      let story = false;
      for (let r = 0; r < rows; r++) {
        const v = sig[b * rows + r] as number;
        key += `${v},`;
        if (!(form[b * rows + r] as ReadonlySet<number>).has(v)) story = true;
      }
      // A band of form alone says nothing of the story: not a candidate.
      if (!story) continue;
      const bucket = buckets.get(key);
      if (bucket === undefined) buckets.set(key, [i]);
      else bucket.push(i);
    }
    for (const bucket of buckets.values()) {
      if (bucket.length < 2 || bucket.length > maxBucket) continue;
      for (let x = 0; x < bucket.length; x++)
        for (let y = x + 1; y < bucket.length; y++) {
          const i = bucket[x] as number;
          const j = bucket[y] as number;
          if (sets.find(i) === sets.find(j)) continue;
          const s = storySimilarity(
            (reports[i] as ScriptReport).signature,
            masks[i] as Uint32Array,
            (reports[j] as ScriptReport).signature,
            masks[j] as Uint32Array,
          );
          if (s >= threshold) sets.union(i, j);
        }
    }
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const root = sets.find(i);
    const group = groups.get(root);
    if (group === undefined) groups.set(root, [i]);
    else group.push(i);
  }
  const campaigns: Campaign[] = [];
  for (const members of groups.values())
    if (members.length >= minReports)
      campaigns.push(describe(reports, members, options.now, masks));
  campaigns.sort((a, b) => b.reports.length - a.reports.length || (a.id < b.id ? -1 : 1));
  return campaigns;
}

function describe(
  reports: readonly ScriptReport[],
  members: number[],
  now: number,
  masks: readonly Uint32Array[],
): Campaign {
  const categories: Partial<Record<Category, number>> = {};
  const who = new Set<string>();
  let firstSeen = Number.POSITIVE_INFINITY;
  let lastSeen = Number.NEGATIVE_INFINITY;
  const weekly = new Array<number>(8).fill(0);
  let smallest: string | undefined;
  for (const i of members) {
    const r = reports[i] as ScriptReport;
    categories[r.category] = (categories[r.category] ?? 0) + 1;
    who.add(r.member);
    firstSeen = Math.min(firstSeen, r.occurredAt);
    lastSeen = Math.max(lastSeen, r.occurredAt);
    const weeksAgo = Math.floor((now - r.occurredAt) / WEEK_MS);
    if (weeksAgo >= 0 && weeksAgo < 8) weekly[7 - weeksAgo] = (weekly[7 - weeksAgo] as number) + 1;
    if (smallest === undefined || r.id < smallest) smallest = r.id;
  }
  const category = (Object.entries(categories) as [Category, number][]).sort(
    (a, b) => b[1] - a[1] || CATEGORIES.indexOf(a[0]) - CATEGORIES.indexOf(b[0]),
  )[0]?.[0] as Category;
  const previous = weekly[6] as number;
  return {
    id: `campaign-${bytesToHex(sha256(utf8ToBytes(`credence-campaign\0${smallest}`))).slice(0, 16)}`,
    reports: members,
    category,
    categories,
    members: who.size,
    firstSeen,
    lastSeen,
    weekly,
    growth: previous === 0 ? null : (weekly[7] as number) / previous,
    representative: representative(reports, members, masks),
  };
}

/**
 * The shared script most like the others (the highest mean similarity to up to 50 of the
 * campaign's reports): the campaign's most typical telling.
 */
function representative(
  reports: readonly ScriptReport[],
  members: number[],
  masks: readonly Uint32Array[],
): number | undefined {
  const shared = members.filter((i) => (reports[i] as ScriptReport).script !== undefined);
  if (shared.length === 0) return undefined;
  const step = Math.max(1, Math.floor(members.length / 50));
  const sample = members.filter((_, k) => k % step === 0);
  let best: number | undefined;
  let bestScore = -1;
  for (const i of shared.slice(0, 200)) {
    let sum = 0;
    for (const j of sample)
      sum += storySimilarity(
        (reports[i] as ScriptReport).signature,
        masks[i] as Uint32Array,
        (reports[j] as ScriptReport).signature,
        masks[j] as Uint32Array,
      );
    if (sum > bestScore) {
      bestScore = sum;
      best = i;
    }
  }
  return best;
}
