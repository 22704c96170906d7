import { CredenceError } from '../errors.js';

/**
 * Failures of signed notes (C2SP signed-note), checkpoints (C2SP tlog-checkpoint) and
 * cosignatures (C2SP tlog-cosignature). Notes arrive from logs and witnesses we do not
 * control, so messages say which rule failed and never quote the note: it may be large,
 * and it is untrusted text. Key names in messages come from the caller's own
 * configuration. Listed in docs/errors.md.
 */
export const LOG_ERRORS = {
  'note.malformed':
    'not a signed note: valid UTF-8 text without control characters, ending in a newline, then a blank line and 1 to 100 signature lines, at most 1 MiB',
  'note.key':
    'not a valid note key: a non-empty name without spaces or "+", a 32-byte Ed25519 public key, and the key ID of both',
  'note.bad_signature':
    'a signature from a known key does not verify: the note was altered after signing',
  'note.unsigned': 'the note has no valid signature from a required key',
  'checkpoint.malformed':
    'not a checkpoint: an origin line, the tree size in decimal without leading zeros, a base64 root hash of 32 bytes, then non-empty extension lines',
  'checkpoint.origin': 'the checkpoint is for another log: its origin is not the expected one',
  'checkpoint.witnesses': 'fewer witnesses than required cosigned the checkpoint',
  'receipt.invalid': 'the receipt does not prove the write is in the log',
} as const satisfies Record<string, string>;

export type LogErrorCode = keyof typeof LOG_ERRORS;

export class LogError extends CredenceError<LogErrorCode> {
  /** `detail` narrows the message down (which rule, which key); it never carries input. */
  constructor(
    code: LogErrorCode,
    detail?: string,
    details: Record<string, string | number | boolean> = {},
  ) {
    super(code, detail === undefined ? LOG_ERRORS[code] : `${LOG_ERRORS[code]}: ${detail}`, {
      details,
    });
    this.name = 'LogError';
  }
}
