import type { AuditRecord } from '@credence/core/log/audit-records';
import { type LogEntry, recordDigest } from '@credence/core/log/entries';
import { ENTRY_KINDS } from '@credence/core/log/kinds';

/**
 * What a member makes of an entry of the log in its own name (SPEC §3.6, issue 11: no
 * one speaks in a member's name). The member knows what it wrote itself — every write of
 * its tool left a verified receipt and the entries it expected — and sees the record of
 * every other entry in its name (`GET /v1/me/records`), checked against the entry's
 * digest. An entry is then:
 *
 * - its own: one of its held entries, or the key it gave at enrolment, added with it;
 * - a notice: what the operator may do to a member and the member should know — its
 *   creation, its status, a credential revoked, its enrolment credential — and the
 *   platform's bookkeeping of its checks and key servers' counts of its evaluations;
 * - a finding: a report, link batch, retraction or script it did not send; any other key
 *   added or announced for it (an old key of its own included: it may have leaked), or a
 *   change in its own name its tool did not make; a credential issued for it other than
 *   its enrolment credential; a second enrolment; a record that does not match its
 *   entry's digest.
 */

export type OwnNameFindingKind = 'foreign_entry' | 'foreign_key' | 'foreign_credential';

export interface OwnNameVerdict {
  readonly finding?: { readonly kind: OwnNameFindingKind; readonly message: string };
  /** A line of what was done in the member's name, for its information. */
  readonly notice?: string;
  /** The entry is the member's enrolment credential (there is one). */
  readonly enrolmentCredential?: true;
}

export interface OwnNameContext {
  /** The member's keys: the one it signs with now and every one its tool made. */
  readonly ownKeys: ReadonlySet<string>;
  /** The time of the member's first creation entry (its enrolment key and credential are then). */
  readonly createdAt: string | undefined;
  /** Whether its enrolment credential was seen already. */
  readonly enrolmentCredential: boolean;
}

export function judgeOwnName(
  index: number,
  entry: LogEntry,
  record: AuditRecord | null,
  context: OwnNameContext,
): OwnNameVerdict {
  const at = `entry ${index} (${entry.time})`;
  // The platform's bookkeeping: digests of the member's checks, key servers' counts of its
  // evaluations (the monitor sums them up), the commitments to alerts its writes raised.
  const { role } = ENTRY_KINDS[entry.kind];
  if (role === 'bookkeeping') return {};
  if (role === 'contribution')
    return {
      finding: {
        kind: 'foreign_entry',
        message: `${at}: a ${entry.kind.replace('_', ' ')} in your name (${entry.subject}) that you did not send`,
      },
    };
  const r =
    record?.type === 'event' && recordDigest(record.record) === entry.digest
      ? ((record.record ?? {}) as Record<string, unknown>)
      : undefined;
  if (r === undefined)
    return {
      finding: {
        kind: entry.kind === 'key_event' ? 'foreign_key' : 'foreign_credential',
        message: `${at}: a ${entry.kind.replace('_', ' ')} in your name whose record the platform does not show as logged`,
      },
    };
  if (entry.kind === 'key_event') {
    const key = String(r.publicKey);
    // The one key event a member's tool did not make and is its own: the key it gave at
    // enrolment, added with its creation.
    if (
      r.event === 'added' &&
      r.by === 'operator' &&
      entry.time === context.createdAt &&
      context.ownKeys.has(key)
    )
      return {};
    if (r.event === 'revoked' && r.by === 'operator')
      return { notice: `${at}: the operator revoked your key ${key}` };
    const mine = context.ownKeys.has(key) ? 'one of your keys' : 'not yours';
    if (r.by === 'member')
      return {
        finding: {
          kind: 'foreign_key',
          message: `${at}: key ${key} (${mine}) ${String(r.event)} in your own name, signed with one of your keys, but not by your tool: whoever made it holds a key of yours. Rotate (credence member keys rotate) and tell the auditors.`,
        },
      };
    const when =
      r.event === 'announced'
        ? `, to start at ${new Date(Number(r.activatesAt)).toISOString()} and stop your other keys then`
        : ', in force at once';
    const undo =
      r.event === 'announced'
        ? ` If you did not ask for it, object: credence member keys object ${key}; if you did, accept it (credence member verify --accept ${index}).`
        : ' If you did not ask for it, rotate your key and tell the auditors.';
    return {
      finding: {
        kind: 'foreign_key',
        message: `${at}: key ${key} (${mine}) was ${String(r.event)} for you by the operator${when}.${undo}`,
      },
    };
  }
  if (entry.kind === 'appeal')
    return { notice: `${at}: appeal ${String(r.id)} opened through you (${String(r.reason)})` };
  if (entry.kind === 'appeal_ruling')
    return {
      notice: `${at}: you ruled on appeal ${String(r.id)}: ${String(r.ruling)}${r.reason === null ? '' : ` (${String(r.reason)})`}`,
    };
  if (entry.kind === 'stats_release')
    return {
      notice: `${at}: you released public statistics ${String(r.week)} by ${String(r.cut)} at ε ${String(r.epsilon)}`,
    };
  if (entry.kind === 'outcome')
    return {
      notice: `${at}: outcome ${String(r.id)} reported in your name: ${String(r.outcome)}${r.basis === 'check' ? ` after a ${String(r.verdict)} answer` : ' after an alert'}`,
    };
  // member_event
  switch (r.event) {
    case 'created':
      return entry.time === context.createdAt
        ? { notice: `${at}: you were enrolled as ${String(r.type)}` }
        : {
            finding: {
              kind: 'foreign_credential',
              message: `${at}: you were enrolled again (as ${String(r.type)}), after your enrolment at ${context.createdAt}`,
            },
          };
    case 'status':
      return { notice: `${at}: the operator set your status to ${String(r.status)}` };
    case 'share':
      return { notice: `${at}: bound to key share ${String(r.shareIndex)}` };
    case 'credentials_revoked':
      return r.by === 'operator'
        ? { notice: `${at}: the operator revoked your credentials` }
        : {
            finding: {
              kind: 'foreign_credential',
              message: `${at}: your credentials were revoked in your own name, but not by your tool`,
            },
          };
    case 'credential_issued':
      // Exactly one credential comes with the enrolment, in the same write.
      if (r.by === 'operator' && entry.time === context.createdAt && !context.enrolmentCredential)
        return { notice: `${at}: your enrolment credential was issued`, enrolmentCredential: true };
      return {
        finding: {
          kind: 'foreign_credential',
          message: `${at}: a credential was issued for you by the ${String(r.by)}: whoever holds it can check, watch and retract in your name. If you asked the operator for it, accept it (credence member verify --accept ${index}); if not, renew yours (credence member credential renew) and tell the auditors.`,
        },
      };
    default:
      return { notice: `${at}: ${entry.kind.replace('_', ' ')} ${String(r.event)}` };
  }
}
