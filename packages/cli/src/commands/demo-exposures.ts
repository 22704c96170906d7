/**
 * The demo's exposure warnings (issue 17, docs/exposures.md): each member watches its
 * customers among the people on the world's seized lists (customers.txt: a member watches
 * its whole customer base, and these are the ones a list can match), then the police
 * member uploads each list it seized, tokenized at its side, in the order it would have:
 * every member watching a listed customer gets an `exposed` alert.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExposureJson } from '@credence/core/wire/exposures';
import { uploadExposure } from '@credence/member/exposure';
import { MemberSession } from '@credence/member/member-session';
import type { PlatformEndpoint } from '@credence/member/platform-client';
import { watchFile } from '@credence/member/watch';
import { memberConfigFile, type WorldMember } from './demo-setup.js';
import { listExposures } from './exposures.js';

/** A seized list as the simulator hands it to the police member (seized/lists.json). */
export interface SeizedListFile {
  readonly list: string;
  readonly file: string;
  readonly seizedAt: string;
  readonly uploadAt: string;
  readonly rows: number;
}

export interface ExposureRun {
  /** Each list uploaded, with the platform's counts for its parts (the operator's view). */
  readonly lists: { readonly list: SeizedListFile; readonly parts: ExposureJson[] }[];
  /** Customers' identifiers each member watched for it. */
  readonly watched: ReadonlyMap<string, number>;
}

/** Watches each member's listed customers, then uploads every seized list; none without a police member. */
export async function uploadSeizedLists(
  data: string,
  world: string,
  members: readonly Pick<WorldMember, 'id' | 'type'>[],
  operator: PlatformEndpoint,
): Promise<ExposureRun | undefined> {
  const police = members.find((m) => m.type === 'police');
  const index = police && join(world, 'members', police.id, 'seized', 'lists.json');
  if (police === undefined || index === undefined || !existsSync(index)) return undefined;
  const watched = new Map<string, number>();
  for (const { id } of members) {
    const file = join(world, 'members', id, 'customers.txt');
    if (id === police.id || !existsSync(file) || readFileSync(file).length === 0) continue;
    const session = await MemberSession.open(memberConfigFile(data, id));
    try {
      watched.set(id, (await watchFile(session, file)).identifiers);
    } finally {
      await session.close();
    }
  }
  const lists = JSON.parse(readFileSync(index, 'utf8')) as SeizedListFile[];
  const uploaded: { list: SeizedListFile; ids: number[] }[] = [];
  const session = await MemberSession.open(memberConfigFile(data, police.id));
  try {
    for (const list of lists) {
      const summary = await uploadExposure(
        session,
        join(world, 'members', police.id, 'seized', list.file),
        { list: list.list, seizedAt: list.seizedAt },
      );
      uploaded.push({ list, ids: summary.parts.map((p) => p.id) });
    }
  } finally {
    await session.close();
  }
  // The counts, as the operator reads them: the police's answers do not hold them.
  const counts = new Map(
    (await listExposures(operator)).map((e) => [e.id, e as ExposureJson] as const),
  );
  return {
    lists: uploaded.map(({ list, ids }) => ({
      list,
      parts: ids.flatMap((id) => counts.get(id) ?? []),
    })),
    watched,
  };
}

/** The run in one sentence, for the demo's output. */
export function describeExposureRun(run: ExposureRun): string {
  const parts = run.lists.flatMap((l) => l.parts);
  const sum = (pick: (p: ExposureJson) => number) => parts.reduce((a, p) => a + pick(p), 0);
  const rows = run.lists.reduce((a, l) => a + l.list.rows, 0);
  const alerts = (['bank', 'telecom', 'internet', 'payment'] as const)
    .map(
      (t) =>
        `${sum((p) => p.alerts[t] ?? 0).toLocaleString('en-US')} to ${t === 'internet' ? 'internet platforms' : `${t}s`}`,
    )
    .join(', ');
  return `Exposure warnings: the police uploaded ${run.lists.length} lists of personal data seized from rings (${rows.toLocaleString('en-US')} rows, ${sum((p) => p.tokens).toLocaleString('en-US')} distinct tokens; tokenized at the police, never sent raw); ${sum((p) => p.matched).toLocaleString('en-US')} of the tokens are watched by members, and ${sum((p) => Object.values(p.alerts).reduce((a, b) => a + b, 0)).toLocaleString('en-US')} exposed alerts went to the watchers (${alerts}), so they can warn their customers before the call. The log holds the counts only (docs/exposures.md).`;
}
