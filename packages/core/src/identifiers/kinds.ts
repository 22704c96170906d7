/**
 * The identifier kinds of SPEC §4. The kind is part of every token's input
 * (`kind || 0x00 || value`, see tokens/token-input.ts), so equal digits of different
 * kinds never collide; renaming a kind would change every token of that kind.
 */
export const IDENTIFIER_KINDS = [
  'phone',
  'bank_card',
  'bank_account',
  'id_number',
  'imei',
  'device_id',
  'ip',
  'url',
  'domain',
  'email',
  'app',
  'wallet',
  'im_account',
] as const;

export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

const KIND_SET: ReadonlySet<string> = new Set(IDENTIFIER_KINDS);

export function isIdentifierKind(value: unknown): value is IdentifierKind {
  return typeof value === 'string' && KIND_SET.has(value);
}

/** An identifier in normalized form: the value is what gets tokenized. */
export interface Identifier {
  readonly kind: IdentifierKind;
  readonly value: string;
}
