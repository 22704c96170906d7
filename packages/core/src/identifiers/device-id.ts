import { IdentifierError } from './identifier-error.js';
import { prepareText } from './text.js';

/**
 * device_id (SPEC §4): opaque (an Android ID, an IDFV, a member's own device
 * fingerprint), trimmed and lowercased. No Unicode folding: the value is opaque, and
 * folding could merge two distinct ids.
 */
export function normalizeDeviceId(raw: unknown): string {
  const value = prepareText(raw, 'device_id', false).toLowerCase();
  if (value.length > 256 || /\s/.test(value))
    throw new IdentifierError('identifier.device_id.format', 'device_id');
  return value;
}
