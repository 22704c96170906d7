import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RawEntity, RawLink, RawReport } from '@credence/core/wire/raw-records';
import { type HouseStyle, personRaw, systemRaw, TYPO_KINDS, typo } from '../formatting.js';
import type { Institution } from '../institutions.js';
import { Rng } from '../rng.js';
import type { LinkEvent, ReportEvent } from '../world/events.js';
import type { World } from '../world/world.js';
import { BufferedFile } from './jsonl-file.js';

/** Share of the fraud identifiers a person writes down that carry a slip of the hand. */
const TYPO_RATE = 0.02;

/**
 * How often a member of each type writes down where the victim lives: a bank, a payment
 * company and a telecom hold the customer's address, the police the case's; an internet
 * platform seldom knows.
 */
const KNOWS_REGION: Readonly<Record<Institution['type'], number>> = {
  bank: 0.9,
  payment: 0.8,
  telecom: 0.9,
  internet: 0.3,
  police: 0.95,
};

/** The report's `region`, where its member knows the victim's (a stream of its own). */
function regionWritten(seed: number, event: ReportEvent, seq: number): { region?: string } {
  if (event.victimRegion === undefined) return {};
  const knows = Rng.of(seed, 'region', event.member.index, seq).chance(
    KNOWS_REGION[event.member.type],
  );
  return knows ? { region: event.victimRegion } : {};
}

const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

class MemberFiles {
  readonly reports: BufferedFile;
  readonly links: BufferedFile;
  seq = 0;

  constructor(
    readonly member: Institution,
    readonly style: HouseStyle,
    dir: string,
  ) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'member.json'),
      `${JSON.stringify({ id: member.id, type: member.type, name: member.name, nameZh: member.nameZh }, null, 2)}\n`,
    );
    this.reports = new BufferedFile(join(dir, 'reports.jsonl'));
    this.links = new BufferedFile(join(dir, 'links.jsonl'));
  }
}

export interface WrittenReport {
  readonly ref: string;
  readonly event: ReportEvent;
  readonly hasNarrative: boolean;
  /** Kinds of the entities written with a typo. */
  readonly typos: readonly string[];
}

/**
 * Writes each member's view: the events its systems saw, in the SPEC §5 raw format, with
 * values spelled in the member's house style (systems) or however people write them.
 * Also does the bookkeeping of which ring identifiers each member got to see.
 */
export class MemberWriter {
  private readonly files = new Map<Institution, MemberFiles>();

  constructor(
    private readonly world: World,
    outDir: string,
  ) {
    for (const member of world.members) {
      const style = world.styles.get(member);
      if (style === undefined) throw new Error(`no house style for ${member.id}`);
      this.files.set(member, new MemberFiles(member, style, join(outDir, 'members', member.id)));
    }
  }

  link(event: LinkEvent): void {
    const written = new Set<Institution>();
    for (const institution of event.seenBy) {
      const files = this.files.get(institution);
      if (files === undefined || written.has(institution)) continue;
      written.add(institution);
      const rng = Rng.of(this.world.seed, 'link', institution.index, files.links.lines);
      const record: RawLink = {
        link: event.link,
        from: {
          kind: event.from.kind,
          value: systemRaw(event.from.kind, event.from.value, files.style, rng),
        },
        to: {
          kind: event.to.kind,
          value: systemRaw(event.to.kind, event.to.value, files.style, rng),
        },
        at: iso(event.at),
        count: event.count,
        ...(event.amountCny === undefined ? {} : { amountCny: event.amountCny }),
      };
      files.links.line(record);
      if (event.ring) {
        event.ring.see(institution, event.from);
        event.ring.see(institution, event.to);
      }
    }
  }

  report(event: ReportEvent): WrittenReport | undefined {
    const files = this.files.get(event.member);
    if (files === undefined) return undefined;
    files.seq++;
    const ref = `${event.member.id}-${String(files.seq).padStart(7, '0')}`;
    const rng = Rng.of(this.world.seed, 'report', event.member.index, files.seq);
    const typos: string[] = [];
    const entities: RawEntity[] = event.entities.map(({ role, ident, by }) => {
      let value: string;
      let mistyped = false;
      if (by === 'system') {
        value = systemRaw(ident.kind, ident.value, files.style, rng);
      } else if (event.ring?.has(ident) && TYPO_KINDS.has(ident.kind) && rng.chance(TYPO_RATE)) {
        value = typo(ident.value, rng);
        mistyped = value !== ident.value;
        if (mistyped) typos.push(ident.kind);
      } else {
        value = personRaw(ident.kind, ident.value, rng, event.lang);
      }
      // A mistyped value is not the ring's identifier: the member did not see that one.
      if (!mistyped) event.ring?.see(event.member, ident);
      return { role, kind: ident.kind, value };
    });
    const narrative = event.narrative?.();
    const record: RawReport = {
      ref,
      type: event.reportType,
      category: event.category,
      occurredAt: iso(event.occurredAt),
      ...(event.lossCny === undefined ? {} : { lossCny: event.lossCny }),
      ...regionWritten(this.world.seed, event, files.seq),
      entities,
      ...(narrative === undefined ? {} : { narrative }),
    };
    files.reports.line(record);
    return { ref, event, hasNarrative: narrative !== undefined, typos };
  }

  counts(): { member: string; reports: number; links: number }[] {
    return [...this.files.values()].map((f) => ({
      member: f.member.id,
      reports: f.reports.lines,
      links: f.links.lines,
    }));
  }

  close(): void {
    for (const f of this.files.values()) {
      f.reports.close();
      f.links.close();
    }
  }
}
