import type { Identifier } from '@credence/core/identifiers/kinds';
import { tryNormalizeIdentifier } from '@credence/core/identifiers/normalize';
import { parseRawRecord } from '@credence/core/wire/raw-record-parser';
import type { RawEndpoint } from '@credence/core/wire/raw-records';
import type { MemberSession } from './member-session.js';
import { platformRequest } from './platform-client.js';
import { readRecords } from './record-source.js';

/** The ranked risk a check answer carries (issue 12). */
export interface RankAnswer {
  readonly score: number;
  readonly percentile: number;
  readonly model: string;
  readonly reason: string;
}

export interface RankedIdentifier {
  /** The normalized identifier: it never leaves the member. */
  readonly identifier: Pick<Identifier, 'kind' | 'value'>;
  readonly verdict: 'clear' | 'suspicious' | 'fraud';
  readonly rank: RankAnswer;
  readonly ring: { readonly id: string } | null;
}

export interface RankResult {
  /** Distinct identifiers in the files. */
  readonly identifiers: number;
  /** Of them, those no member has reported. */
  readonly unreported: number;
  /** Of those, the ones with a report within the analysis' reach (ranked). */
  readonly ranked: number;
  /** The highest ranked, best first. */
  readonly top: readonly RankedIdentifier[];
}

interface Answer {
  readonly verdict: 'clear' | 'suspicious' | 'fraud';
  readonly reporters: number;
  readonly rank: RankAnswer | null;
  readonly ring: { readonly id: string } | null;
}

/**
 * The member's own identifiers that no member reported, ranked by the consortium's risk
 * (issue 12): an analyst's list to work down, highest first. Reads the member's raw files
 * (reports and links, as `credence member submit` reads them), tokenizes every distinct
 * identifier through the key servers (the token cache makes a second run cheap), checks
 * them a thousand at a time, and keeps the `top` by ranked score. Nothing but tokens
 * leaves the member.
 */
export async function rankOwnIdentifiers(
  session: MemberSession,
  files: readonly string[],
  options: { readonly top: number; readonly encoding?: string },
): Promise<RankResult> {
  const region = session.config.phoneRegion;
  const seen = new Map<string, Identifier>();
  const now = Date.now();
  const add = (e: RawEndpoint) => {
    const r = tryNormalizeIdentifier(e.kind, e.value, { phoneRegion: region });
    if (!r.ok) return;
    for (const id of [r.identifier, ...r.identifier.derived]) {
      const key = `${id.kind}\u0000${id.value}`;
      if (!seen.has(key)) seen.set(key, id);
    }
  };
  for (const file of files) {
    const format = file.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl';
    for await (const item of readRecords(
      file,
      format,
      options.encoding === undefined ? {} : { encoding: options.encoding },
    )) {
      if (!('value' in item)) continue;
      const parsed = parseRawRecord(item.value, { now });
      if (!parsed.ok) continue;
      if (parsed.record.kind === 'report') for (const e of parsed.record.report.entities) add(e);
      else {
        add(parsed.record.link.from);
        add(parsed.record.link.to);
      }
    }
  }
  const identifiers = [...seen.values()];
  const tokens = await session.tokenize(identifiers);
  let unreported = 0;
  const ranked: RankedIdentifier[] = [];
  for (let i = 0; i < tokens.length; i += 1000) {
    const { results } = await platformRequest<{ results: Answer[] }>(
      session.platform,
      'POST',
      '/v1/check',
      { tokens: tokens.slice(i, i + 1000) },
    );
    results.forEach((answer, j) => {
      if (answer.reporters > 0) return;
      unreported++;
      if (answer.rank === null) return;
      const id = identifiers[i + j] as Identifier;
      ranked.push({
        identifier: { kind: id.kind, value: id.value },
        verdict: answer.verdict,
        rank: answer.rank,
        ring: answer.ring === null ? null : { id: answer.ring.id },
      });
    });
  }
  ranked.sort((a, b) => b.rank.percentile - a.rank.percentile || b.rank.score - a.rank.score);
  return {
    identifiers: identifiers.length,
    unreported,
    ranked: ranked.length,
    top: ranked.slice(0, options.top),
  };
}

/** The list as an analyst reads it. */
export function describeRanking(result: RankResult): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const lines = [
    `${n(result.identifiers)} identifiers in your files; ${n(result.unreported)} reported by no member, ${n(result.ranked)} of them near reported ones. The highest ranked:`,
  ];
  result.top.forEach((r, i) => {
    lines.push(
      `${String(i + 1).padStart(3)}. ${r.identifier.kind} ${r.identifier.value}: risk ${r.rank.score.toFixed(3)}, ${r.verdict}${r.ring === null ? '' : `, in ${r.ring.id}`}`,
    );
    lines.push(`     ${r.rank.reason}`);
  });
  return lines.join('\n');
}
