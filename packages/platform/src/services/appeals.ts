import type {
  AppealJson,
  AppealReason,
  AppealStatus,
  RejectionReason,
} from '@credence/core/wire/appeals';
import { PlatformError } from '../domain/errors.js';
import type { AppealRow, Ruling } from '../storage/sql/appeals.js';
import type { Store } from '../storage/store.js';
import type { CheckView } from './check-view.js';

/** An appeal as the API answers it. */
export const appealJson = (a: AppealRow): AppealJson => ({
  id: a.id,
  token: a.token,
  kind: a.kind,
  member: a.memberId,
  reason: a.reason,
  openedAt: new Date(a.openedAt).toISOString(),
  status: a.status,
  ruledAt: a.ruledAt === null ? null : new Date(a.ruledAt).toISOString(),
  ruledBy: a.ruledBy,
  rulingReason: a.rulingReason,
});

/**
 * Appeals (SPEC §6, issue 17, docs/appeals.md): a person wrongly flagged appeals through
 * any member, which tokenizes the identifier at its side (the platform learns the token,
 * never the person); the operator upholds or rejects. Upheld, checks answer without the
 * evidence the appeal was ruled on, on every process as soon as it reaches the ruling's
 * sequence, and the next analysis leaves it out of the graph.
 */
export class AppealService {
  constructor(
    private readonly store: Store,
    private readonly view: CheckView,
    private readonly now: () => number = Date.now,
  ) {}

  async open(memberId: string, token: string, reason: AppealReason): Promise<AppealJson> {
    const opened = await this.store.openAppeal(memberId, token, reason, this.now());
    if (opened.status === 'unknown')
      throw new PlatformError(
        'appeal.token_unknown',
        "No member's report names this token: there is nothing to appeal.",
        { errors: [{ field: 'token', message: "is named by no member's report" }] },
      );
    if (opened.status === 'pending')
      throw new PlatformError(
        'appeal.pending',
        `Appeal ${opened.appeal.id} about this token is open already; the operator rules on it.`,
        { errors: [{ field: 'token', message: 'has an open appeal' }] },
      );
    return appealJson(opened.appeal);
  }

  async rule(
    id: number,
    ruling: Ruling,
    by: string,
  ): Promise<{ appeal: AppealJson; sequence: number; alerts: number }> {
    const ruled = await this.store.ruleAppeal(id, ruling, by, this.now());
    if (ruled.status === 'not_found')
      throw new PlatformError('appeal.not_found', 'No appeal has this id.');
    if (ruled.status === 'ruled_before')
      throw new PlatformError(
        'appeal.ruled',
        `The appeal was ${ruled.appeal.status} before; a ruling is not changed.`,
      );
    // This process answers from the ruling on before it says so.
    await this.view.reach(ruled.seq);
    return { appeal: appealJson(ruled.appeal), sequence: ruled.seq, alerts: ruled.alerts };
  }

  async list(
    filter: { readonly member?: string; readonly status?: AppealStatus },
    after: number,
    limit: number,
  ): Promise<AppealJson[]> {
    return (await this.store.listAppeals(filter, after, limit)).map(appealJson);
  }
}

export type { AppealReason, RejectionReason };
