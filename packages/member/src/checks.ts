import type { Identifier } from '@credence/core/identifiers/kinds';
import { normalizeIdentifier } from '@credence/core/identifiers/normalize';
import type { MemberSession } from './member-session.js';
import { platformRequest } from './platform-client.js';

/** The platform's answer for one token (POST /v1/check), as the member receives it. */
export interface CheckAnswer {
  readonly token: string;
  readonly verdict: 'clear' | 'suspicious' | 'fraud';
  readonly score: number;
  readonly kind?: string;
  /** Distinct members whose reports count (never which). */
  readonly reporters: number;
  readonly reports: Readonly<Record<string, number>>;
  readonly categories: readonly string[];
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  /** The ring joint analysis put the token in (the latest run), if any. */
  readonly ring: CheckRing | null;
  /** The token's ranked risk (issue 12), where a report is within reach. */
  readonly rank?: CheckRank | null;
  readonly explanation: string;
  readonly policyVersion?: number;
}

export interface CheckRing {
  readonly id: string;
  readonly score: number;
  readonly size: number;
  readonly categories: readonly string[];
  readonly risk: number;
  readonly reason: string;
}

export interface CheckRank {
  /** A calibrated probability that the token is a ring's. */
  readonly score: number;
  /** Share of all scored tokens ranked strictly lower. */
  readonly percentile: number;
  readonly model: string;
  readonly reason: string;
}

export interface IdentifierCheck {
  /** The normalized identifier (it never leaves the member). */
  readonly identifier: Pick<Identifier, 'kind' | 'value'>;
  readonly answer: CheckAnswer;
}

/**
 * Checks raw identifiers: normalizes each (a bad one throws its IdentifierError before
 * anything is sent), adds what it implies (a URL's registrable domain), tokenizes them
 * through the key servers, and asks the platform in one request. Answers come in the
 * order of the identifiers, implied ones right after the identifier that implied them.
 */
export async function checkIdentifiers(
  session: MemberSession,
  values: readonly { readonly kind: string; readonly value: string }[],
  options: { readonly after?: number } = {},
): Promise<IdentifierCheck[]> {
  const identifiers = values.flatMap(({ kind, value }) => {
    const identifier = normalizeIdentifier(kind, value, {
      phoneRegion: session.config.phoneRegion,
    });
    return [identifier, ...identifier.derived];
  });
  const tokens = await session.tokenize(identifiers);
  const checks: IdentifierCheck[] = [];
  for (let i = 0; i < tokens.length; i += 1000) {
    const { results } = await platformRequest<{ results: CheckAnswer[] }>(
      session.platform,
      'POST',
      '/v1/check',
      {
        tokens: tokens.slice(i, i + 1000),
        ...(options.after === undefined ? {} : { after: options.after }),
      },
    );
    results.forEach((answer, j) => {
      const identifier = identifiers[i + j] as Identifier;
      checks.push({ identifier: { kind: identifier.kind, value: identifier.value }, answer });
    });
  }
  return checks;
}

const VERDICT = { clear: 'clear', suspicious: 'SUSPICIOUS', fraud: 'FRAUD' } as const;

/** A check as a person reads it: verdict, score, who and what, and why. */
export function describeCheck({ identifier, answer }: IdentifierCheck): string {
  const lines = [
    `${identifier.kind} ${identifier.value}: ${VERDICT[answer.verdict]} (score ${answer.score.toFixed(2)})`,
  ];
  const counts = Object.entries(answer.reports)
    .filter(([, n]) => n > 0)
    .map(([type, n]) => `${type} ${n}`);
  if (answer.reporters > 0) {
    lines.push(
      `  reported by ${answer.reporters} member${answer.reporters === 1 ? '' : 's'}: ${counts.join(', ')}${answer.categories.length > 0 ? `; ${answer.categories.join(', ')}` : ''}`,
    );
    lines.push(`  first seen ${answer.firstSeen ?? '?'}, last seen ${answer.lastSeen ?? '?'}`);
  }
  const { ring, rank } = answer;
  if (ring !== null)
    lines.push(
      `  ring ${ring.id}: ${ring.size} identifiers, score ${ring.score.toFixed(2)}${ring.categories.length > 0 ? `; ${ring.categories.join(', ')}` : ''}`,
    );
  if (rank !== undefined && rank !== null)
    lines.push(
      `  ranked ${rank.score.toFixed(2)}, above ${(100 * rank.percentile).toFixed(1)} % of scored identifiers (${rank.model})`,
    );
  lines.push(`  ${answer.explanation}`);
  return lines.join('\n');
}
