import { CredenceError, type FieldFault } from '@credence/core/errors';

/**
 * The codes the platform's services refuse with. Each is a problem of the HTTP edge
 * (server-kit's PROBLEMS, documented in docs/errors.md), which maps it to its status and
 * document; the services know the rule that was broken, not HTTP.
 */
export const PLATFORM_ERROR_CODES = [
  'request.invalid',
  'role.forbidden',
  'batch.member_mismatch',
  'batch.signature_invalid',
  'batch.unknown_key',
  'batch.stale',
  'batch.reused',
  'batch.key_pending',
  'key.current',
  'key.not_pending',
  'key.statement_invalid',
  'item.conflict',
  'report.not_found',
  'report.already_retracted',
  'member.exists',
  'member.not_found',
  'member.share_taken',
  'usage.share_unbound',
  'usage.share_mismatch',
  'usage.member_unknown',
  'log.range',
  'log.witness_unknown',
  'log.cosignature_invalid',
  'case.not_found',
  'case.closed',
  'case.expired',
  'case.item_unknown',
  'case.report_outside',
  'disclosure.not_found',
  'disclosure.decided',
  'disclosure.not_granted',
  'disclosure.recipient',
  'evidence.not_listed',
  'evidence.mismatch',
  'evidence.missing',
  'outcome.check_unknown',
  'outcome.token_unwatched',
  'appeal.token_unknown',
  'appeal.pending',
  'appeal.not_found',
  'appeal.ruled',
  'stats.week_open',
  'stats.released',
  'stats.budget_exhausted',
  'exposure.conflict',
  'filter.not_found',
] as const;
export type PlatformErrorCode = (typeof PLATFORM_ERROR_CODES)[number];

/**
 * A refusal by one of the platform's rules: its code, what to change (never a value the
 * caller sent: tokens and signatures stay out of messages), and the fields at fault.
 */
export class PlatformError extends CredenceError<PlatformErrorCode> {
  constructor(
    code: PlatformErrorCode,
    message: string,
    options: { errors?: readonly FieldFault[] } = {},
  ) {
    super(code, message, options.errors === undefined ? {} : { fields: options.errors });
    this.name = 'PlatformError';
  }
}
