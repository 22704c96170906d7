import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeBase64url } from '@credence/core/encoding/base64url';
import type { EvidencePackage } from '@credence/core/evidence/evidence-package';
import { GrantOpener } from '@credence/core/sealing/grant';
import type { SealingKeys } from '@credence/core/sealing/hpke';
import {
  type Detail,
  detailBinding,
  openDetailFile,
  openWithKey,
  type SealedDetail,
} from '@credence/core/sealing/sealed-detail';
import type { CaseItemKind, LegalBasis } from '@credence/core/wire/cases';
import { type DisclosureView, getDisclosure, listDisclosures } from './disclosures.js';
import { MemberError } from './member-error.js';
import { bindingOfReport } from './own-reports.js';
import { type PlatformEndpoint, platformRequest } from './platform-client.js';

/**
 * The police side of a case (docs/cases.md): open it with a legal basis and the
 * investigator's sealing key, attach what the analysis found, ask the owners for the
 * sealed details, and open what they granted with the investigator's key — which never
 * leaves the police member's machine, so neither the platform nor its operator can read
 * a disclosed detail.
 */

export interface CaseView {
  readonly id: string;
  readonly police: string;
  readonly basis: LegalBasis;
  readonly recipient: string;
  readonly status: 'open' | 'closed' | 'expired';
  readonly expiresAt: string;
  readonly createdAt: string;
  readonly closedAt?: string;
  readonly items: number;
  readonly reports: number;
}

/** A case with what is attached to it (GET /v1/cases/{id}). */
export interface CaseDetailView extends CaseView {
  readonly attached: readonly {
    kind: CaseItemKind;
    id: string;
    reports: number;
    attachedAt: string;
  }[];
}

export type ItemRequest =
  | { readonly kind: 'ring' | 'campaign' | 'token'; readonly id: string }
  | { readonly kind: 'report'; readonly id: string; readonly member: string };

export const openCase = (platform: PlatformEndpoint, basis: LegalBasis, recipient: string) =>
  platformRequest<CaseView>(platform, 'POST', '/v1/cases', { basis, recipient }, { retries: 0 });

export const getCase = (platform: PlatformEndpoint, id: string) =>
  platformRequest<CaseDetailView>(platform, 'GET', `/v1/cases/${encodeURIComponent(id)}`);

export async function listCases(platform: PlatformEndpoint): Promise<CaseView[]> {
  const all: CaseView[] = [];
  let after: string | null = null;
  do {
    const q: string = after === null ? '' : `&after=${after}`;
    const page: { cases: CaseView[]; next: string | null } = await platformRequest(
      platform,
      'GET',
      `/v1/cases?limit=1000${q}`,
    );
    all.push(...page.cases);
    after = page.next;
  } while (after !== null);
  return all;
}

export const attachItems = (
  platform: PlatformEndpoint,
  id: string,
  items: readonly ItemRequest[],
) =>
  platformRequest<{ attached: number; reports: number }>(
    platform,
    'POST',
    `/v1/cases/${encodeURIComponent(id)}/items`,
    { items },
  );

export const requestDisclosures = (
  platform: PlatformEndpoint,
  id: string,
  reports?: readonly { member: string; report: string }[],
) =>
  platformRequest<{ created: number; disclosures: DisclosureView[] }>(
    platform,
    'POST',
    '/v1/disclosures',
    { case: id, ...(reports === undefined ? {} : { reports }) },
  );

export const closeCase = (platform: PlatformEndpoint, id: string) =>
  platformRequest<CaseView>(platform, 'POST', `/v1/cases/${encodeURIComponent(id)}/close`);

/** A disclosure of the case as the investigator reads it. */
export interface OpenedDetail {
  readonly disclosure: DisclosureView;
  /** The opened detail (granted and opened); undefined for a request not granted. */
  readonly detail?: Detail;
  /** Where its evidence files were written, opened, in the detail's order (`files`). */
  readonly files?: readonly string[];
}

/**
 * Every request of the case with what became of it, and each granted one fetched (a
 * logged step) and opened with the investigator's key: the grant gives the data key,
 * which opens the report's sealed detail, bound to the report as stored.
 */
export async function caseDetails(
  platform: PlatformEndpoint,
  keys: SealingKeys,
  caseId: string,
  options: {
    /** A folder to write each granted report's evidence files to, opened (by request id). */
    readonly files?: string;
  } = {},
): Promise<OpenedDetail[]> {
  const c = await getCase(platform, caseId);
  if (c.recipient !== keys.publicKey)
    throw new MemberError(
      'member.disclosure',
      `case ${caseId} names another recipient key than sealingKeyFile's: only that key opens its grants`,
    );
  const opener = await GrantOpener.create(keys.privateKey);
  const out: OpenedDetail[] = [];
  for (const listed of await listDisclosures(platform, { view: 'police', case: caseId })) {
    if (listed.status !== 'granted') {
      out.push({ disclosure: listed });
      continue;
    }
    const d = await getDisclosure(platform, listed.id);
    if (d.record?.sealed === undefined || d.grant === undefined)
      throw new MemberError(
        'member.disclosure',
        `disclosure ${d.id} came without its detail or grant`,
      );
    const binding = bindingOfReport(d.record);
    const dataKey = await opener.dataKey(
      { disclosure: d.id, case: d.case, recipient: keys.publicKey, detail: binding },
      d.grant,
    );
    const detail = await openWithKey(dataKey, binding, d.record.sealed);
    const files =
      options.files === undefined || detail.files === undefined
        ? undefined
        : await fetchFiles(platform, d, { dataKey, binding, detail }, options.files);
    out.push({ disclosure: d, detail, ...(files === undefined ? {} : { files }) });
  }
  return out;
}

/**
 * A granted request's evidence files: each fetched (a logged fetch), checked against the
 * report's list and the detail's entry, opened with the data key, and written to
 * `<folder>/<request id>/<position>-<name>`.
 */
async function fetchFiles(
  platform: PlatformEndpoint,
  d: DisclosureView,
  opened: { dataKey: Uint8Array; binding: ReturnType<typeof bindingOfReport>; detail: Detail },
  folder: string,
): Promise<string[]> {
  const sealed = d.record?.sealed as SealedDetail;
  const into = join(folder, d.id);
  await mkdir(into, { recursive: true });
  const written: string[] = [];
  for (const [i, f] of (opened.detail.files ?? []).entries()) {
    const ciphertext = await platformRequest<Uint8Array>(
      platform,
      'GET',
      `/v1/disclosures/${encodeURIComponent(d.id)}/files/${i}`,
      undefined,
      { binary: true },
    );
    const bytes = await openDetailFile(
      opened.dataKey,
      opened.binding,
      sealed,
      opened.detail,
      i,
      ciphertext,
    );
    // The name was checked when the detail opened: a last segment, no separator in it.
    const path = join(into, `${i}-${f.name}`);
    await writeFile(path, bytes);
    written.push(path);
  }
  return written;
}

/**
 * `credence case export`: the case's evidence package from the platform (a logged step),
 * with each granted detail opened here with the investigator's key when the investigator
 * asks for them in clear (`opened`: the data key and the detail, which a verifier checks
 * against the sealed detail of the report's logged record).
 */
export async function exportCase(
  platform: PlatformEndpoint,
  keys: SealingKeys,
  caseId: string,
  options: { readonly clear?: boolean; readonly cosignatures?: number } = {},
): Promise<EvidencePackage> {
  const pkg = await platformRequest<EvidencePackage>(
    platform,
    'GET',
    `/v1/cases/${encodeURIComponent(caseId)}/evidence?cosignatures=${options.cosignatures ?? 0}`,
    undefined,
    { retries: 2 },
  );
  if (options.clear !== true) return pkg;
  if (pkg.case.recipient !== keys.publicKey)
    throw new MemberError(
      'member.disclosure',
      `case ${caseId} names another recipient key than sealingKeyFile's: only that key opens its grants`,
    );
  const opener = await GrantOpener.create(keys.privateKey);
  const byIndex = new Map(pkg.entries.map((e) => [e.index, e]));
  const details = [];
  for (const d of pkg.details) {
    const record = byIndex.get(d.reportEntry)?.record;
    if (record?.type !== 'report' || record.report.sealed == null)
      throw new MemberError(
        'member.disclosure',
        `disclosure ${d.disclosure} came without its report's sealed detail`,
      );
    const binding = detailBinding(record.report);
    const dataKey = await opener.dataKey(
      { disclosure: d.disclosure, case: caseId, recipient: keys.publicKey, detail: binding },
      d.grant,
    );
    const detail = await openWithKey(dataKey, binding, record.report.sealed);
    details.push({ ...d, opened: { dataKey: encodeBase64url(dataKey), detail } });
  }
  return { ...pkg, details };
}
