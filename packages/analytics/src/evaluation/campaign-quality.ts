import {
  type CampaignOptions,
  FORM_SHARE,
  findCampaigns,
  type ScriptReport,
  THRESHOLD,
} from '../campaigns/campaigns.js';
import { formMask, formValues, storySimilarity } from '../campaigns/form-values.js';
import { adjustedRandIndex, purity } from './metrics.js';

/**
 * Campaigns found in-process, held against the truth (credence eval): so that the
 * clustering with and without the discount of form values (issue 11) can be measured in
 * one run, on the same fingerprints the platform received.
 */
export interface CampaignQuality {
  /** Campaigns found among all the reports. */
  readonly found: number;
  /** Over the reports that tell a true campaign's script (each in no found campaign is its own). */
  readonly purity: number;
  readonly adjustedRandIndex: number;
  /** Pairs of reports of different true campaigns at least as alike as the threshold. */
  readonly crossPairs: number;
  /** Slot values found to be form (0 with the discount off). */
  readonly formValues: number;
}

/**
 * @param truth report id → its true campaign, for the reports that tell a campaign's
 *   script (the others are clustered too, but not scored).
 */
export function campaignQuality(
  reports: readonly ScriptReport[],
  truth: ReadonlyMap<string, string>,
  options: CampaignOptions,
): CampaignQuality {
  const campaigns = findCampaigns(reports, options);
  const campaignOf = new Map<number, number>();
  campaigns.forEach((c, k) => {
    for (const i of c.reports) campaignOf.set(i, k);
  });
  const scored = reports.flatMap((r, i) => (truth.has(r.id) ? [i] : []));
  const found = scored.map((i) => `${campaignOf.get(i) ?? `alone-${i}`}`);
  const labels = scored.map((i) => truth.get((reports[i] as ScriptReport).id) as string);
  const form = formValues(reports, options.formShare ?? FORM_SHARE);
  const masks = scored.map((i) => formMask((reports[i] as ScriptReport).signature, form));
  const threshold = options.threshold ?? THRESHOLD;
  let crossPairs = 0;
  for (let x = 0; x < scored.length; x++)
    for (let y = x + 1; y < scored.length; y++) {
      if (labels[x] === labels[y]) continue;
      const s = storySimilarity(
        (reports[scored[x] as number] as ScriptReport).signature,
        masks[x] as Uint32Array,
        (reports[scored[y] as number] as ScriptReport).signature,
        masks[y] as Uint32Array,
      );
      if (s >= threshold) crossPairs++;
    }
  return {
    found: campaigns.length,
    purity: purity(found, labels),
    adjustedRandIndex: adjustedRandIndex(found, labels),
    crossPairs,
    formValues: form.reduce((n, values) => n + values.size, 0),
  };
}
