import { join } from 'node:path';
import type { ScriptReport } from '@credence/analytics/campaigns/campaigns';
import { campaignQuality } from '@credence/analytics/evaluation/campaign-quality';
import {
  modelFlag,
  modelScore,
  modelScoreSource,
} from '@credence/analytics/evaluation/token-ranking';
import type { EvidenceEntity, EvidenceLink } from '@credence/analytics/evidence/evidence-graph';
import type { Identifier } from '@credence/core/identifiers/kinds';
import { tryNormalizeIdentifier } from '@credence/core/identifiers/normalize';
import { decodeFingerprint } from '@credence/core/narrative/fingerprint';
import { narrativeScript } from '@credence/core/narrative/script';
import { DEFAULT_POLICY } from '@credence/core/risk/policy';
import { parseRawRecord } from '@credence/core/wire/raw-record-parser';
import type { RawEndpoint } from '@credence/core/wire/raw-records';
import type { EvalReport } from './eval.js';
import { judge, type MemberData, type Policy, type Truth } from './eval-judge.js';
import { readJson } from './files.js';
import { jsonLines } from './start.js';

const DAY_MS = 86_400_000;
/** Members of the simulator's worlds write phone numbers as Chinese members do. */
const REGION = 'CN';

/**
 * The token of an identifier in-process: its kind and normalized value. The platform's
 * tokens are keyed pseudonyms of the same normalized value, so two identifiers share a
 * token here exactly when they share one there.
 */
export const localToken = (id: Identifier) => `${id.kind}:${id.value}`;

/** The identifier and what it implies (a url's domain), as the member tokenizes them; none if invalid. */
function normalized(e: RawEndpoint): Identifier[] {
  const r = tryNormalizeIdentifier(e.kind, e.value, { phoneRegion: REGION });
  return r.ok ? [r.identifier, ...r.identifier.derived] : [];
}

/**
 * A member's raw files read as the member side reads them (tokenize-file.ts): each record
 * checked, each identifier normalized (an invalid one left out, a report with none left
 * out, a link needs both ends), narratives fingerprinted; tokens are `kind:value`.
 */
export async function rawMemberData(dir: string, member: string, now: number): Promise<MemberData> {
  const data: MemberData = { reports: [], links: [], scripts: [] };
  for (const file of ['reports.jsonl', 'links.jsonl'])
    for await (const value of jsonLines<unknown>(join(dir, file))) {
      const parsed = parseRawRecord(value, { now });
      if (!parsed.ok) continue;
      if (parsed.record.kind === 'report') {
        const r = parsed.record.report;
        const entities: EvidenceEntity[] = r.entities.flatMap((e) =>
          normalized(e).map((id) => ({ role: e.role, kind: id.kind, token: localToken(id) })),
        );
        if (entities.length === 0) continue;
        const occurredAt = Date.parse(r.occurredAt);
        data.reports.push({ member, type: r.type, category: r.category, occurredAt, entities });
        const made =
          r.narrative === undefined
            ? undefined
            : narrativeScript(r.narrative, { phoneRegion: REGION });
        const signature = made === undefined ? undefined : decodeFingerprint(made.fingerprint);
        if (signature !== undefined)
          (data.scripts as ScriptReport[]).push({
            id: r.ref,
            member,
            category: r.category,
            occurredAt,
            signature,
          });
      } else {
        const l = parsed.record.link;
        const from = normalized(l.from)[0];
        const to = normalized(l.to)[0];
        if (from === undefined || to === undefined) continue;
        (data.links as EvidenceLink[]).push({
          member,
          link: l.link,
          from: { kind: from.kind, token: localToken(from) },
          to: { kind: to.kind, token: localToken(to) },
          at: Date.parse(l.at),
          count: l.count,
        });
      }
    }
  return data;
}

/** The world's true rings as local tokens (an identifier that does not normalize is kept as given). */
export function localTrueRings(truth: Truth): string[][] {
  return truth.rings.map((r) =>
    Object.entries(r.identifiers).flatMap(([kind, values]) =>
      values.map((value) => {
        const n = tryNormalizeIdentifier(kind, value, { phoneRegion: REGION });
        return n.ok ? localToken(n.identifier) : `${kind}:${value}`;
      }),
    ),
  );
}

/**
 * `credence eval --in-process`: the same analysis on the same graph as the platform's,
 * without key servers or a platform, for tuning over many worlds (seconds a world, not
 * minutes). The members' raw files are read as the member side reads them, the evidence
 * graph built with the default policy at the world's end, analyzeGraph run, and every
 * figure computed by the code the pipeline's path uses. The platform's path stays the
 * reference: it also tests tokenization, submission, storage and the check.
 */
export async function evaluateWorldInProcess(options: {
  world: string;
  progress?: (line: string) => void;
}): Promise<EvalReport> {
  const started = performance.now();
  const say = options.progress ?? (() => undefined);
  const truth = readJson(join(options.world, 'truth.json')) as Truth;
  const now = Date.parse(`${truth.start}T00:00:00Z`) + truth.days * DAY_MS;
  const policy = DEFAULT_POLICY as unknown as Policy;
  say('reading and normalizing the members’ files');
  const data = new Map<string, MemberData>();
  for (const m of truth.members)
    data.set(m.id, await rawMemberData(join(options.world, 'members', m.id), m.id, now));
  say('analysing, in-process, with every member’s data and with each one’s alone');
  const judged = judge({
    trueRings: localTrueRings(truth),
    data,
    policy,
    now,
    types: new Map(truth.members.map((m) => [m.id, m.type])),
    answer: (token, all) => {
      const v = all.node.get(token);
      if (v === undefined) return { score: 0, flagged: false };
      return {
        score: modelScore(all.analysis, v),
        flagged: modelFlag(all.analysis, v, policy.thresholds.suspicious),
      };
    },
    scoreSource: (all) => modelScoreSource(all.analysis),
  });

  say('campaigns, in-process, and with the plain estimate');
  const scripted = truth.campaigns.flatMap((c) => c.reportRefs.map((ref) => [ref, c.id] as const));
  const scripts = [...data.values()].flatMap((d) => d.scripts);
  const trueCampaign = new Map(scripted);
  const story = campaignQuality(scripts, trueCampaign, { now });
  const plain = campaignQuality(scripts, trueCampaign, { now, formShare: 1 });
  return {
    path: 'in-process',
    world: {
      seed: truth.seed,
      scale: truth.scale,
      days: truth.days,
      members: truth.members.length,
    },
    ...judged,
    campaigns: {
      found: story.found,
      truth: truth.campaigns.length,
      reports: scripted.length,
      purity: story.purity,
      adjustedRandIndex: story.adjustedRandIndex,
      crossPairs: story.crossPairs,
      formValues: story.formValues,
      baseline: {
        found: plain.found,
        purity: plain.purity,
        adjustedRandIndex: plain.adjustedRandIndex,
        crossPairs: plain.crossPairs,
      },
    },
    seconds: (performance.now() - started) / 1000,
  };
}
