import { CredenceError } from '@credence/core/errors';

/** Failures of the member side's work with key servers and files. Listed in docs/errors.md. */
export const MEMBER_ERRORS = {
  'member.config': 'the member configuration is not valid',
  'member.enrolment': 'an enrolment file is missing, not valid, or does not fit the others',
  'member.keyserver_unreachable': 'a key server could not be reached or did not answer in time',
  'member.keyserver_refused': 'a key server refused the request',
  'member.keyserver_credential_refused': "a key server refused the member's credential",
  'member.keyserver_bad_response':
    'a key server answered with something that is not a valid evaluation',
  'member.keyserver_wrong_key':
    'a key server evaluated with a key other than its published share: its proof does not verify',
  'member.not_enough_keyservers': 'fewer key servers than the threshold gave valid evaluations',
  'member.input': 'the input file cannot be read',
  'member.output': 'an output file cannot be written',
  'member.local_store': 'a local state file (token cache, watch index, log state) cannot be opened',
  'member.platform_refused': 'the platform refused the request',
  'member.platform_unreachable': 'the platform did not answer',
  'member.disclosure': 'a disclosure cannot be granted or opened as asked',
  'member.log_receipt': "the platform's receipt does not prove the write is in its log",
  'member.log_checkpoint': "the log's checkpoint does not verify with the trusted keys",
  'member.log_fork':
    'the log showed a checkpoint inconsistent with one seen before: two histories under one key',
  'member.filter_refused':
    'a compact filter does not verify against the log (its bytes, its release or its inclusion)',
} as const satisfies Record<string, string>;

export type MemberErrorCode = keyof typeof MEMBER_ERRORS;

export class MemberError extends CredenceError<MemberErrorCode> {
  constructor(
    code: MemberErrorCode,
    detail?: string,
    details: Record<string, string | number | boolean> = {},
    cause?: unknown,
  ) {
    super(code, detail === undefined ? MEMBER_ERRORS[code] : `${MEMBER_ERRORS[code]}: ${detail}`, {
      details,
      cause,
    });
    this.name = 'MemberError';
  }
}
