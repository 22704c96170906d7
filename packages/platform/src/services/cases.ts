import { randomBytes } from 'node:crypto';
import type { SealedGrant } from '@credence/core/sealing/grant';
import type { CaseItemKind, LegalBasis } from '@credence/core/wire/cases';
import { PlatformError, type PlatformErrorCode } from '../domain/errors.js';
import {
  type CaseItem,
  type CaseRecord,
  type Disclosure,
  type Member,
  roleOf,
} from '../domain/types.js';
import type { DecisionOutcome, DisclosureFilter, ReportKey } from '../storage/sql/cases.js';
import type { Store } from '../storage/store.js';
import type { AnalysisService } from './analysis.js';

/** The longest a legal basis may run from the day the case is opened. */
export const MAX_BASIS_MS = 3 * 366 * 86_400_000;

/** At most this many reports in one disclosure request (a page of the owners' work). */
export const MAX_REQUEST_REPORTS = 10_000;

/** An owner's decision on a request: a grant to the recipient it names, or a denial. */
export type OwnerDecision =
  | { readonly grant: SealedGrant; readonly recipient: string }
  | { readonly deny: string };

/** What became of one decision: its outcome, or the code it was refused with. */
export type DecisionResult =
  | { readonly id: number; readonly status: 'granted' | 'denied'; readonly code?: undefined }
  | {
      readonly id: number;
      readonly status?: undefined;
      readonly code: Exclude<DecisionOutcome, 'ok'>;
    };

/** An item as the police member names it. */
export interface ItemRequest {
  readonly kind: CaseItemKind;
  readonly id: string;
  /** For a report: whose it is. */
  readonly member?: string;
}

/**
 * Police cases and owner-approved disclosure (SPEC §3.3, §6; docs/cases.md). The rules:
 * only a police member opens a case, sees it, attaches to it and asks for disclosures in
 * it; nothing is asked or fetched in a closed case or after the legal basis lapses; a
 * disclosure is of a report in the case, and only the report's owner decides it, once; a
 * grant is sealed to the case's recipient key (the platform holds no key that opens it).
 * Every step is a log entry, and so is every refusal of a step a police member or an
 * owner tried on a case that exists.
 */
export class CaseService {
  constructor(
    private readonly store: Store,
    private readonly analysis: AnalysisService,
    private readonly now: () => number = Date.now,
  ) {}

  async open(police: Member, basis: LegalBasis, recipient: string): Promise<CaseRecord> {
    const at = this.now();
    const expiresAt = Date.parse(basis.expiresAt);
    if (!(expiresAt > at && expiresAt <= at + MAX_BASIS_MS))
      throw new PlatformError(
        'request.invalid',
        'the legal basis must lapse in the future, within three years',
        {
          errors: [
            { field: 'basis.expiresAt', message: 'is past, or more than three years ahead' },
          ],
        },
      );
    const id = `case-${randomBytes(10).toString('hex')}`;
    await this.store.openCase({ id, police: police.id, basis, recipient, expiresAt, at });
    return (await this.store.getCase(id)) as CaseRecord;
  }

  /** Where a case stands now. */
  status(c: CaseRecord): 'open' | 'closed' | 'expired' {
    if (c.closedAt !== undefined) return 'closed';
    return c.expiresAt <= this.now() ? 'expired' : 'open';
  }

  /** A case the member may see: its own as police, any as auditor or operator. */
  async get(member: Member, id: string): Promise<{ case: CaseRecord; items: CaseItem[] }> {
    const c = await this.store.getCase(id);
    if (c === undefined || (roleOf(member.type) === 'police' && c.police !== member.id))
      throw new PlatformError('case.not_found', 'no case of yours has this id');
    return { case: c, items: await this.store.caseItems(id) };
  }

  list(member: Member, after: string | undefined, limit: number): Promise<CaseRecord[]> {
    return this.store.listCases(
      roleOf(member.type) === 'police' ? member.id : undefined,
      after,
      limit,
    );
  }

  /**
   * The police member's own case, open and within its legal basis, for a step that
   * changes it; a refusal on a case that exists is logged.
   */
  private async working(police: Member, id: string): Promise<CaseRecord> {
    const c = await this.store.getCase(id);
    if (c === undefined) throw new PlatformError('case.not_found', 'no case of yours has this id');
    if (roleOf(police.type) !== 'police')
      await this.refuse(
        id,
        police,
        'role.forbidden',
        'only the police member that opened a case asks in it',
      );
    if (c.police !== police.id)
      await this.refuse(id, police, 'case.not_found', 'no case of yours has this id');
    if (c.closedAt !== undefined)
      await this.refuse(id, police, 'case.closed', 'the case is closed');
    if (c.expiresAt <= this.now())
      await this.refuse(id, police, 'case.expired', "the case's legal basis has lapsed");
    return c;
  }

  /** Logs a refused step on a case that exists, then refuses it. */
  async refuse(
    caseId: string,
    actor: Member,
    code: PlatformErrorCode,
    message: string,
    errors?: readonly { field: string; message: string }[],
  ): Promise<never> {
    await this.store.caseRefusals([{ caseId, actor: actor.id, code }], this.now());
    throw new PlatformError(code, message, errors === undefined ? {} : { errors });
  }

  async attach(
    police: Member,
    id: string,
    items: readonly ItemRequest[],
  ): Promise<{ attached: number; reports: number }> {
    await this.working(police, id);
    const resolved: { kind: CaseItemKind; item: string; reports: ReportKey[] }[] = [];
    for (const [i, it] of items.entries()) {
      const reports = await this.reportsOf(it);
      if (reports === undefined)
        throw new PlatformError('case.item_unknown', 'an item names nothing with reports', {
          errors: [{ field: `items[${i}]`, message: `names no ${it.kind} with reports` }],
        });
      resolved.push({
        kind: it.kind,
        item: it.kind === 'report' ? `${it.member}/${it.id}` : it.id,
        reports,
      });
    }
    return this.store.attachItems(id, police.id, resolved, this.now());
  }

  /** The reports an item brings into a case; undefined when it names nothing with any. */
  private async reportsOf(it: ItemRequest): Promise<ReportKey[] | undefined> {
    switch (it.kind) {
      case 'ring': {
        const ring = this.analysis.ring(it.id);
        return ring === undefined
          ? undefined
          : this.store.reportsWithTokens(ring.tokens.filter((t) => !t.former).map((t) => t.token));
      }
      case 'campaign': {
        const reports = this.analysis.campaignReports(it.id);
        return reports === undefined ? undefined : [...reports];
      }
      case 'report': {
        const key = { member: it.member ?? '', report: it.id };
        return (await this.store.reportExists(key)) ? [key] : undefined;
      }
      case 'token': {
        const reports = await this.store.reportsWithTokens([it.id]);
        return reports.length === 0 ? undefined : reports;
      }
    }
  }

  async close(police: Member, id: string): Promise<CaseRecord> {
    await this.working(police, id);
    await this.store.closeCase(id, police.id, this.now());
    return (await this.store.getCase(id)) as CaseRecord;
  }

  /**
   * Asks the owners to disclose reports of the case (all of them, but the police member's
   * own, when none are named);
   * a report outside the case refuses the whole request.
   */
  async request(
    actor: Member,
    caseId: string,
    reports: readonly ReportKey[] | undefined,
  ): Promise<{ disclosures: Disclosure[]; created: number }> {
    await this.working(actor, caseId);
    // Every report of the case but the police member's own, which its own key opens.
    const asked = reports ?? (await this.allReports(caseId)).filter((r) => r.member !== actor.id);
    const result = await this.store.requestDisclosures(caseId, actor.id, asked, this.now());
    if (result.outside.length > 0) {
      const outside = new Set(result.outside.map((r) => `${r.member}\u0000${r.report}`));
      await this.refuse(
        caseId,
        actor,
        'case.report_outside',
        'a report asked for is not in the case: attach what brings it in first',
        asked
          .flatMap((r, i) =>
            outside.has(`${r.member}\u0000${r.report}`)
              ? [{ field: `reports[${i}]`, message: 'is not in the case' }]
              : [],
          )
          .slice(0, 20),
      );
    }
    return result;
  }

  private async allReports(caseId: string): Promise<ReportKey[]> {
    const all: ReportKey[] = [];
    let after: ReportKey | undefined;
    for (;;) {
      const page = await this.store.caseReports(caseId, after, 1000);
      all.push(...page.map((r) => ({ member: r.member, report: r.report })));
      if (page.length < 1000 || all.length >= MAX_REQUEST_REPORTS)
        return all.slice(0, MAX_REQUEST_REPORTS);
      after = page.at(-1);
    }
  }

  /** Requests the member may see: for its own reports, or (police) the ones it asked. */
  disclosures(
    member: Member,
    view: 'owner' | 'police',
    filter: Omit<DisclosureFilter, 'owner' | 'police'>,
    after: number,
    limit: number,
  ): Promise<Disclosure[]> {
    if (view === 'police' && roleOf(member.type) !== 'police')
      throw new PlatformError('role.forbidden', 'only a police member has requests of its own');
    return this.store.listDisclosures(
      { ...filter, ...(view === 'owner' ? { owner: member.id } : { police: member.id }) },
      after,
      limit,
    );
  }

  /** One request, as its owner or the police member that asked sees it. */
  async disclosure(member: Member, id: number): Promise<Disclosure> {
    const d = await this.store.getDisclosure(id);
    if (d === undefined || (d.owner !== member.id && d.police !== member.id))
      throw new PlatformError('disclosure.not_found', 'no disclosure request of yours has this id');
    return d;
  }

  /**
   * The owner's grants (data keys sealed to the cases' recipients) and denials, each once,
   * in one transaction: each request's outcome, or the code it was refused with (another
   * member's request, one decided before, a grant to another key than its case's); the
   * refusals on requests of the owner's are logged in the same transaction.
   */
  async decideMany(
    owner: Member,
    items: readonly { readonly id: number; readonly decision: OwnerDecision }[],
  ): Promise<DecisionResult[]> {
    const outcomes = await this.store.decideDisclosures(
      owner.id,
      items.map(({ id, decision }) => ({
        id,
        decision:
          'grant' in decision
            ? { grant: decision.grant, recipient: decision.recipient }
            : { deny: decision.deny },
      })),
      this.now(),
    );
    return items.map(({ id, decision }, i) => {
      const outcome = outcomes[i] as DecisionOutcome;
      return outcome === 'ok'
        ? { id, status: 'grant' in decision ? 'granted' : 'denied' }
        : { id, code: outcome };
    });
  }

  /** One decision (`POST /v1/disclosures/{id}/grant|deny`): the request, or its refusal. */
  async decide(owner: Member, id: number, decision: OwnerDecision): Promise<Disclosure> {
    const [result] = await this.decideMany(owner, [{ id, decision }]);
    const code = result?.code;
    if (code === 'disclosure.not_found')
      throw new PlatformError(code, 'no request for a report of yours has this id');
    if (code === 'disclosure.decided')
      throw new PlatformError(code, 'the request was granted or denied before');
    if (code === 'disclosure.recipient')
      throw new PlatformError(code, "the grant must be sealed to the case's recipient key", {
        errors: [{ field: 'recipient', message: "is not the case's recipient key" }],
      });
    return (await this.store.getDisclosure(id)) as Disclosure;
  }

  /**
   * The police member's fetch of a granted request's details: the report as stored, its
   * sealed detail and the grant, which only the case's recipient key opens. Logged.
   */
  async details(police: Member, id: number): Promise<Disclosure> {
    const d = await this.store.getDisclosure(id);
    if (d === undefined || d.police !== police.id)
      throw new PlatformError('disclosure.not_found', 'no request of yours has this id');
    const c = (await this.store.getCase(d.case)) as CaseRecord;
    if (c.expiresAt <= this.now())
      await this.refuse(d.case, police, 'case.expired', "the case's legal basis has lapsed");
    if (d.status !== 'granted')
      throw new PlatformError('disclosure.not_granted', `the request is ${d.status}, not granted`);
    await this.store.disclosureFetched(d, this.now());
    return d;
  }
}
