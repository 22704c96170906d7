import { IdentifierError } from './identifier-error.js';
import { prepareText } from './text.js';

const SHA256_HEX = /^(?:sha-?256:)?([0-9a-f]{64})$/;
// Android application ids and iOS bundle ids: two or more dot-separated segments.
const PACKAGE_NAME = /^[a-z][a-z0-9_-]*(?:\.[a-z0-9_][a-z0-9_-]*)+$/;

/**
 * app (SPEC §4): the SHA-256 of the package file as 64 lowercase hex digits (an optional
 * "sha256:" prefix is dropped), or the package name lowercased. The two forms cannot
 * collide: a package name has a dot, a digest has none.
 */
export function normalizeApp(raw: unknown): string {
  const text = prepareText(raw, 'app').toLowerCase();
  const digest = SHA256_HEX.exec(text);
  if (digest?.[1] !== undefined) return digest[1];
  if (text.length <= 255 && PACKAGE_NAME.test(text)) return text;
  throw new IdentifierError('identifier.app.invalid', 'app');
}
