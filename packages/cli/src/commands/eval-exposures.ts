import { join } from 'node:path';
import type { Identifier, IdentifierKind } from '@credence/core/identifiers/kinds';
import { tryNormalizeIdentifier } from '@credence/core/identifiers/normalize';
import { type Alert, fetchAlerts } from '@credence/member/alerts';
import { MemberSession } from '@credence/member/member-session';
import type { PlatformEndpoint } from '@credence/member/platform-client';
import type { SeizedTruth } from '@credence/sim/world/seized';
import { memberConfigFile } from './demo-setup.js';
import { readJson } from './files.js';

/**
 * Exposure warnings on a simulator world (issue 17, docs/exposures.md): after the
 * pipeline loaded the world, the members watched their listed customers and the police
 * uploaded every seized list (demo-exposures.ts). Each victim on a list is held against
 * what reached the members that serve it: warned in time when one of them got an
 * `exposed` alert about one of the victim's identifiers from a list uploaded before the
 * victim's first call or text (the upload's time is the world's: the run itself happens
 * now, but the platform matches a list when it is uploaded, so a warning's time is its
 * list's upload), warned late when the list came after, missed when no alert came.
 */

export interface ExposureMeasure {
  readonly lists: number;
  readonly rows: number;
  /** Victims on the lists, and of them those served by no member (nobody could warn them). */
  readonly listedVictims: number;
  readonly unserved: number;
  /** Victims warned before their first contact, after it, or not at all (served ones). */
  readonly warnedInTime: number;
  readonly warnedLate: number;
  readonly missed: number;
  /** warnedInTime / listedVictims. */
  readonly shareOfListed: number | null;
  /** warnedInTime / every victim first contacted after the first list was uploaded. */
  readonly laterVictims: number;
  readonly shareOfLater: number | null;
  /** Median hours from the warning (its list's upload) to the first contact. */
  readonly medianLeadHours: number | null;
  /** Exposed alerts that reached members (about victims and the people a ring never reached). */
  readonly alerts: number;
}

const HOUR = 3_600_000;

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1
    ? (s[mid] as number)
    : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Holds the exposed alerts every member received against the world's seized lists. */
export async function measureExposures(
  data: string,
  seized: SeizedTruth,
  members: readonly { readonly id: string; readonly type: string }[],
): Promise<ExposureMeasure> {
  // What each member was told: "<token>@<when the list was seized>".
  const told = new Map<string, Set<string>>();
  let alerts = 0;
  for (const m of members) {
    if (m.type === 'police') continue;
    const { platform } = readJson(memberConfigFile(data, m.id)) as { platform: PlatformEndpoint };
    const mine = new Set<string>();
    await fetchAlerts(platform, undefined, (a: Alert) => {
      if (a.source !== 'exposed') return;
      alerts++;
      mine.add(`${a.token}@${Date.parse(a.occurredAt)}`);
    });
    told.set(m.id, mine);
  }
  // The victims' identifiers as tokens (the evaluator holds the world; any member's key
  // servers give the same tokens).
  const first = members.find((m) => m.type !== 'police')?.id as string;
  const session = await MemberSession.open(join(data, 'members', first, 'member.json'), {
    threads: 0,
    cache: false,
  });
  // Each listed victim with its identifiers, normalized once.
  const ids = (v: SeizedTruth['lists'][number]['victims'][number]): Identifier[] =>
    (
      [
        ['phone', v.phone],
        ['bank_card', v.bankCard],
        ['im_account', v.im],
      ] as [IdentifierKind, string][]
    ).flatMap(([kind, value]) => {
      const r = tryNormalizeIdentifier(kind, value);
      return r.ok ? [r.identifier] : [];
    });
  const victims = seized.lists.flatMap((list) =>
    list.victims.map((v) => ({ list, v, ids: ids(v) })),
  );
  let tokens: string[];
  try {
    tokens = await session.tokenize(victims.flatMap((x) => x.ids));
  } finally {
    await session.close();
  }
  let t = 0;
  let inTime = 0;
  let late = 0;
  let missed = 0;
  let unserved = 0;
  const leads: number[] = [];
  for (const { list, v, ids: identifiers } of victims) {
    const mine = tokens.slice(t, t + identifiers.length);
    t += mine.length;
    const serving = [v.telecom, v.bank, v.platform].filter((id) => told.has(id));
    if (serving.length === 0) {
      unserved++;
      continue;
    }
    const seizedAt = Date.parse(list.seizedAt);
    const warned = serving.some((id) =>
      mine.some((tok) => told.get(id)?.has(`${tok}@${seizedAt}`)),
    );
    if (!warned) {
      missed++;
      continue;
    }
    const lead = Date.parse(v.firstContact) - Date.parse(list.uploadAt);
    if (lead > 0) {
      inTime++;
      leads.push(lead / HOUR);
    } else late++;
  }
  return {
    lists: seized.lists.length,
    rows: seized.lists.reduce((a, l) => a + l.rows, 0),
    listedVictims: victims.length,
    unserved,
    warnedInTime: inTime,
    warnedLate: late,
    missed,
    shareOfListed: victims.length === 0 ? null : inTime / victims.length,
    laterVictims: seized.victimsAfterFirstUpload,
    shareOfLater:
      seized.victimsAfterFirstUpload === 0 ? null : inTime / seized.victimsAfterFirstUpload,
    medianLeadHours: median(leads),
    alerts,
  };
}

const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(1)} %`);

/** The measure in a few lines, for `credence eval`'s output. */
export function describeExposureMeasure(m: ExposureMeasure): string {
  return [
    `Exposure warnings: ${m.lists} seized lists (${m.rows.toLocaleString('en-US')} rows) uploaded by the police; ${m.alerts.toLocaleString('en-US')} exposed alerts reached members.`,
    `  of the ${m.listedVictims} victims on them: warned before the first contact ${m.warnedInTime} (${pct(m.shareOfListed)}), warned after it ${m.warnedLate}, not warned ${m.missed}, served by no member ${m.unserved}; median lead ${m.medianLeadHours === null ? '–' : `${m.medianLeadHours.toFixed(0)} h`}`,
    `  of all ${m.laterVictims.toLocaleString('en-US')} victims first contacted after the first upload: ${pct(m.shareOfLater)} warned in time`,
  ].join('\n');
}
