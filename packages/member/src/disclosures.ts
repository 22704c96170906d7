import { GrantSealer, type SealedGrant } from '@credence/core/sealing/grant';
import type { SealingKeys } from '@credence/core/sealing/hpke';
import { DetailKeys } from '@credence/core/sealing/sealed-detail';
import { LEGAL_BASIS_TYPES, type LegalBasis, type LegalBasisType } from '@credence/core/wire/cases';
import { MemberError } from './member-error.js';
import { type ApiReport, bindingOfReport } from './own-reports.js';
import { type PlatformEndpoint, platformRequest } from './platform-client.js';

/**
 * The owner's side of a disclosure (SPEC §3.3; docs/cases.md): a police case asks for
 * the sealed details of the member's reports; the member's policy approves some at once,
 * denies some, and leaves the rest to a person (`credence member disclosures`). To grant
 * is to re-seal the report's data key to the case's recipient key: the member's sealing
 * key opens the data key here, in the member's network, and the platform only passes the
 * grant on.
 */

/** A disclosure request as the platform sends it (GET /v1/disclosures, the stream). */
export interface DisclosureView {
  readonly id: string;
  readonly case: string;
  readonly police: string;
  readonly owner: string;
  readonly report: string;
  readonly status: 'requested' | 'granted' | 'denied';
  readonly basis: LegalBasis;
  readonly recipient: string;
  readonly requestedAt: string;
  readonly decidedAt?: string;
  readonly reason?: string;
  readonly record?: ApiReport;
  readonly grant?: SealedGrant;
}

/**
 * The member's disclosure policy (member.json `disclosurePolicy`): rules tried in order,
 * the first that matches decides; a request no rule matches waits for a person.
 *
 *     "disclosurePolicy": { "rules": [
 *       { "police": ["police-sz"], "basis": ["court_order"], "decision": "approve" },
 *       { "basis": ["police_investigation"], "decision": "deny", "reason": "a court order, please" }
 *     ] }
 */
export interface DisclosurePolicy {
  readonly rules: readonly DisclosureRule[];
}

export interface DisclosureRule {
  /** Police members it applies to; absent: any. */
  readonly police?: readonly string[];
  /** Legal bases it applies to; absent: any. */
  readonly basis?: readonly LegalBasisType[];
  readonly decision: 'approve' | 'deny';
  /** Told to the police member with a denial. */
  readonly reason?: string;
}

export const NO_POLICY: DisclosurePolicy = { rules: [] };

/** member.json's `disclosurePolicy`, checked; the field at fault named. */
export function parseDisclosurePolicy(value: unknown): DisclosurePolicy {
  if (value === undefined) return NO_POLICY;
  const bad = (field: string, message: string) =>
    new MemberError('member.config', `disclosurePolicy${field} ${message}`, {
      field: `disclosurePolicy${field}`,
    });
  const rules = (value as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(rules)) throw bad('.rules', 'must be a list of rules');
  return {
    rules: rules.map((r: unknown, i): DisclosureRule => {
      const at = `.rules[${i}]`;
      const { police, basis, decision, reason, ...rest } = (r ?? {}) as Record<string, unknown>;
      if (Object.keys(rest).length > 0)
        throw bad(at, 'has fields other than police, basis, decision and reason');
      if (decision !== 'approve' && decision !== 'deny')
        throw bad(`${at}.decision`, 'must be approve or deny');
      if (
        police !== undefined &&
        !(Array.isArray(police) && police.every((p) => typeof p === 'string'))
      )
        throw bad(`${at}.police`, 'must list police member ids');
      if (
        basis !== undefined &&
        !(
          Array.isArray(basis) &&
          basis.every((b) => (LEGAL_BASIS_TYPES as readonly unknown[]).includes(b))
        )
      )
        throw bad(`${at}.basis`, `must list legal basis types (${LEGAL_BASIS_TYPES.join(', ')})`);
      if (
        reason !== undefined &&
        (typeof reason !== 'string' || reason.length === 0 || reason.length > 1000)
      )
        throw bad(`${at}.reason`, 'must be text of 1 to 1000 characters');
      return {
        decision,
        ...(police === undefined ? {} : { police: police as string[] }),
        ...(basis === undefined ? {} : { basis: basis as LegalBasisType[] }),
        ...(reason === undefined ? {} : { reason: reason as string }),
      };
    }),
  };
}

/** What the policy says of a request: the first rule that matches, or wait for a person. */
export function decide(
  policy: DisclosurePolicy,
  d: Pick<DisclosureView, 'police' | 'basis'>,
): DisclosureRule | 'wait' {
  return (
    policy.rules.find(
      (r) =>
        (r.police === undefined || r.police.includes(d.police)) &&
        (r.basis === undefined || r.basis.includes(d.basis.type)),
    ) ?? 'wait'
  );
}

/**
 * Re-seals reports' data keys to cases' recipients: one opener of the member's details
 * (one key agreement per sealing run met) and one grant sealer per recipient, kept for
 * the agent's life, so that a grant costs two key exports and two AEAD operations.
 */
export class Resealer {
  private readonly sealers = new Map<string, Promise<GrantSealer>>();

  private constructor(private readonly details: DetailKeys) {}

  static async create(keys: SealingKeys): Promise<Resealer> {
    return new Resealer(await DetailKeys.create(keys.privateKey));
  }

  /** The grant of one request: its report's data key, sealed to the case's recipient. */
  async grant(d: DisclosureView): Promise<{ recipient: string; grant: SealedGrant }> {
    const record = d.record;
    if (record?.sealed === undefined)
      throw new MemberError(
        'member.disclosure',
        `disclosure ${d.id}: the report was sent without a sealed detail; deny it instead`,
      );
    const binding = bindingOfReport(record);
    const dataKey = await this.details.key(binding, record.sealed);
    let sealer = this.sealers.get(d.recipient);
    if (sealer === undefined) {
      sealer = GrantSealer.create(d.recipient);
      this.sealers.set(d.recipient, sealer);
    }
    const grant = await (await sealer).seal(
      { disclosure: d.id, case: d.case, recipient: d.recipient, detail: binding },
      dataKey,
    );
    return { recipient: d.recipient, grant };
  }
}

/** The requests for the member's reports (GET /v1/disclosures), every page. */
export async function listDisclosures(
  platform: PlatformEndpoint,
  filter: { status?: DisclosureView['status']; view?: 'owner' | 'police'; case?: string } = {},
): Promise<DisclosureView[]> {
  const all: DisclosureView[] = [];
  let after = '0';
  for (;;) {
    const q = new URLSearchParams({ after, limit: '1000' });
    if (filter.status !== undefined) q.set('status', filter.status);
    if (filter.view !== undefined) q.set('view', filter.view);
    if (filter.case !== undefined) q.set('case', filter.case);
    const page = await platformRequest<{ disclosures: DisclosureView[]; next: string }>(
      platform,
      'GET',
      `/v1/disclosures?${q}`,
    );
    all.push(...page.disclosures);
    if (page.disclosures.length < 1000) return all;
    after = page.next;
  }
}

export const getDisclosure = (platform: PlatformEndpoint, id: string) =>
  platformRequest<DisclosureView>(platform, 'GET', `/v1/disclosures/${encodeURIComponent(id)}`);

/** One decision of a batch: a grant to the case's recipient, or a denial with its reason. */
export type BatchDecision =
  | { readonly id: string; readonly recipient: string; readonly grant: SealedGrant }
  | { readonly id: string; readonly reason: string };

/** What the platform made of one decision of a batch: its outcome, or why it refused it. */
export interface BatchResult {
  readonly id: string;
  readonly status: 'granted' | 'denied' | 'refused';
  readonly code?: string;
}

/** At most this many decisions in one POST /v1/disclosures/decisions. */
export const MAX_DECISIONS = 1000;

/**
 * Sends grants and denials in batches (POST /v1/disclosures/decisions): one request and
 * one transaction per thousand, so an agent catching up on a large case is not held to
 * the platform's per-member write rate. Each decision's result, in order.
 */
export async function decideDisclosures(
  platform: PlatformEndpoint,
  decisions: readonly BatchDecision[],
): Promise<BatchResult[]> {
  const results: BatchResult[] = [];
  for (let i = 0; i < decisions.length; i += MAX_DECISIONS) {
    const answer = await platformRequest<{ results: BatchResult[] }>(
      platform,
      'POST',
      '/v1/disclosures/decisions',
      { decisions: decisions.slice(i, i + MAX_DECISIONS) },
      { retries: 2 },
    );
    results.push(...answer.results);
  }
  return results;
}
