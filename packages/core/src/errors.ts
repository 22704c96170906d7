/**
 * The one error base class of Credence.
 *
 * Domain code throws `CredenceError` with a stable, dotted `code` (documented in
 * docs/errors.md, which a test checks) and a message a person can act on. Messages never
 * carry the offending raw value: an identifier or narrative must not leak into logs or
 * problem documents through an error (SPEC §9). Mapping codes to HTTP statuses is the
 * platform's job, not the domain's.
 */
export class CredenceError<Code extends string = string> extends Error {
  readonly code: Code;
  /** Machine-readable context that is safe to show (field names, limits), never raw values. */
  readonly details: Readonly<Record<string, string | number | boolean>>;
  /** The input's fields at fault ("shareIndex", "statement.at"), each with what is wrong. */
  readonly fields: readonly FieldFault[];

  constructor(
    code: Code,
    message: string,
    options: {
      cause?: unknown;
      details?: Record<string, string | number | boolean>;
      fields?: readonly FieldFault[];
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CredenceError';
    this.code = code;
    this.details = Object.freeze({ ...(options.details ?? {}) });
    this.fields = Object.freeze([...(options.fields ?? [])]);
  }
}

/** A field of the input at fault: its path ("elements[3]", "(body)") and what is wrong. */
export interface FieldFault {
  readonly field: string;
  /** What is wrong with it ("is not a member id"), never its value. */
  readonly message: string;
}

export function isCredenceError(value: unknown): value is CredenceError {
  return value instanceof CredenceError;
}
