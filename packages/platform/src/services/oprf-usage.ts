import type { FieldFault } from '@credence/core/errors';
import { PlatformError } from '../domain/errors.js';
import { evaluatesTokens } from '../domain/types.js';
import type { Store } from '../storage/store.js';

/** Field errors named in one refusal at most; the count says how many there were. */
const MAX_NAMED = 50;

/**
 * What a key server may put in the log (SPEC §3.2: evaluations are counted in the log so
 * that dictionary attacks are slow and visible, which holds only if the counts are the
 * key servers' own): counts of the share it was bound to at enrolment (`credence members
 * add … --share i`), for members of the platform that evaluate tokens. Anything else
 * refuses the whole report, before anything is kept or logged.
 *
 * Precondition: the reporter is an authenticated member of role keyserver. Its member
 * row is read afresh, not from the credential cache, so a binding made by the operator
 * on another process counts at once.
 */
export async function checkUsageReport(
  store: Store,
  reporterId: string,
  report: { readonly shareIndex: number; readonly counts: readonly { member: string }[] },
): Promise<void> {
  const reporter = await store.getMember(reporterId);
  if (reporter?.shareIndex === undefined)
    throw new PlatformError(
      'usage.share_unbound',
      `${reporterId} is bound to no share: the operator binds it (credence members bind-share ${reporterId} --share <i>)`,
      { errors: [{ field: 'shareIndex', message: 'no share is bound to this key server' }] },
    );
  if (report.shareIndex !== reporter.shareIndex)
    throw new PlatformError(
      'usage.share_mismatch',
      `${reporterId} evaluates with share ${reporter.shareIndex}: it reports that share's counts only`,
      { errors: [{ field: 'shareIndex', message: "is not this key server's share" }] },
    );
  const members = new Map((await store.listMembers()).map((m) => [m.id, m]));
  const refused: FieldFault[] = [];
  report.counts.forEach((c, i) => {
    const member = members.get(c.member);
    if (member === undefined || !evaluatesTokens(member.type))
      refused.push({
        field: `counts[${i}].member`,
        message:
          member === undefined
            ? 'is not a member of the platform'
            : `is a member of type ${member.type}, which does not evaluate tokens`,
      });
  });
  if (refused.length > 0)
    throw new PlatformError(
      'usage.member_unknown',
      `${refused.length} of ${report.counts.length} counts name no member that evaluates tokens; nothing was logged`,
      { errors: refused.slice(0, MAX_NAMED) },
    );
}
