import type { PhoneRegion } from '../identifiers/phone.js';
import { MAX_SCRIPT, scriptFingerprint, shingles } from './fingerprint.js';
import { maskNarrative } from './mask.js';

/**
 * What of a narrative leaves the member (SPEC §6, campaigns): its script's fingerprint,
 * always, and the masked text itself only where the member shares it. The narrative never
 * does. Undefined when nothing is left to compare (blank, or punctuation only).
 */
export function narrativeScript(
  narrative: string,
  options: { readonly phoneRegion?: PhoneRegion },
): { readonly fingerprint: string; readonly script: string } | undefined {
  const masked = maskNarrative(narrative, options);
  if (shingles(masked).size === 0) return undefined;
  return {
    fingerprint: scriptFingerprint(masked),
    // Placeholders are longer than what they replace: a long narrative's masked text is
    // cut to what a report may carry (its fingerprint is of the whole).
    script: Array.from(masked).slice(0, MAX_SCRIPT).join(''),
  };
}
