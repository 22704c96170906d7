import { normalizeIdentifier } from '@credence/core/identifiers/normalize';
import type { AppealJson, AppealReason, AppealStatus } from '@credence/core/wire/appeals';
import type { MemberSession } from './member-session.js';
import { type PlatformEndpoint, platformRequest } from './platform-client.js';

/**
 * Appeals at the member (issue 17, docs/appeals.md): a person who says an identifier was
 * flagged wrongly appeals through the member it deals with. The identifier is normalized
 * and tokenized here, as any data is; the platform learns the token and a reason code,
 * never who the person is or what they said.
 */
export async function openAppeal(
  session: Pick<MemberSession, 'tokenize' | 'config'>,
  platform: PlatformEndpoint,
  identifier: { readonly kind: string; readonly value: string },
  reason: AppealReason,
): Promise<AppealJson> {
  const normalized = normalizeIdentifier(identifier.kind, identifier.value, {
    phoneRegion: session.config.phoneRegion,
  });
  const [token] = await session.tokenize([normalized]);
  if (token === undefined) throw new Error('the identifier was not tokenized');
  return appealToken(platform, token, reason);
}

/** Opens an appeal about a token the member holds already (from an alert or its records). */
export function appealToken(
  platform: PlatformEndpoint,
  token: string,
  reason: AppealReason,
): Promise<AppealJson> {
  return platformRequest<AppealJson>(platform, 'POST', '/v1/appeals', { token, reason });
}

/** Every appeal the caller may see (its own; every one for the operator and auditors). */
export async function listAppeals(
  platform: PlatformEndpoint,
  status?: AppealStatus,
): Promise<AppealJson[]> {
  const all: AppealJson[] = [];
  let after = 0;
  for (;;) {
    const query = new URLSearchParams({
      limit: '1000',
      after: String(after),
      ...(status === undefined ? {} : { status }),
    });
    const page = await platformRequest<{ appeals: AppealJson[]; next: number | null }>(
      platform,
      'GET',
      `/v1/appeals?${query}`,
    );
    all.push(...page.appeals);
    if (page.next === null) return all;
    after = page.next;
  }
}
