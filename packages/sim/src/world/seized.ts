import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import { personRaw, systemRaw } from '../formatting.js';
import type { Institution } from '../institutions.js';
import type { Person } from '../population.js';
import { Rng } from '../rng.js';
import type { Ring } from './ring.js';
import type { World } from './world.js';

const DAY = 86_400_000;

/**
 * Seized lists (issue 17, docs/exposures.md, docs/simulator.md): fraudsters work from
 * stolen lists of personal data, and now and then the police seize one. Each ring's
 * list is seized at most once, on a day of its life; it holds some of the people the ring
 * will first contact in the weeks after, and many it never reaches (a leak is mostly
 * unused). The police upload it a few days later. Every draw comes from streams of their
 * own, so a world is otherwise what it was before seizures.
 */
export const SEIZURE = {
  /** Share of rings whose list of leads the police seize. */
  rings: 0.5,
  /** The list reaches this many days past the seizure: a victim contacted later is not on it. */
  horizonDays: 21,
  /** Share of the ring's victims within the horizon that the list holds. */
  listed: 0.6,
  /** People the ring never reaches, per victim on the list, and on every list besides. */
  decoysPerVictim: 4,
  decoysPerList: 20,
  /** Days from the seizure to the upload, at least and at most. */
  uploadDays: [1, 3],
} as const;

export interface SeizedEntry {
  readonly person: Person;
  /** When the ring first contacted the person; none for someone it never reached. */
  readonly firstContact?: number;
}

export interface SeizedList {
  readonly id: string;
  readonly ring: string;
  readonly seizedAt: number;
  readonly uploadAt: number;
  readonly entries: SeizedEntry[];
}

/** The lists the police seize, filled as the rings' victims are contacted. */
export class Seizures {
  private readonly lists = new Map<Ring, SeizedList | null>();
  /** Every victim's first contact: the measure's denominator. */
  readonly firstContacts: number[] = [];

  constructor(private readonly world: World) {}

  /** The ring's list, if the police seize one (decided by the ring alone). */
  private listOf(ring: Ring): SeizedList | null {
    const known = this.lists.get(ring);
    if (known !== undefined) return known;
    const world = this.world;
    const rng = Rng.of(world.seed, 'seizure', ring.plan.index);
    let list: SeizedList | null = null;
    if (world.police !== undefined && rng.chance(SEIZURE.rings)) {
      const { startDay, endDay } = ring.plan;
      const seizedAt = world.time(
        rng.int(startDay, Math.max(startDay, endDay - 7)),
        rng.float() * 14,
      );
      const [least, most] = SEIZURE.uploadDays;
      list = {
        id: `seized-${ring.id}`,
        ring: ring.id,
        seizedAt,
        uploadAt: seizedAt + rng.int(least, most - 1) * DAY + Math.floor(rng.float() * DAY),
        entries: [],
      };
      for (let i = 0; i < SEIZURE.decoysPerList; i++)
        list.entries.push({
          person: world.population.person(rng.int(0, world.population.size - 1)),
        });
    }
    this.lists.set(ring, list);
    return list;
  }

  /** A victim of the ring, first contacted at `firstContact`: on its list, or not. */
  victim(ring: Ring, person: Person, firstContact: number): void {
    this.firstContacts.push(firstContact);
    const list = this.listOf(ring);
    if (list === null) return;
    if (firstContact <= list.seizedAt || firstContact > list.seizedAt + SEIZURE.horizonDays * DAY)
      return;
    const rng = Rng.of(this.world.seed, 'seized-victim', ring.plan.index, ring.victims);
    if (!rng.chance(SEIZURE.listed)) return;
    list.entries.push({ person, firstContact });
    for (let i = 0; i < SEIZURE.decoysPerVictim; i++)
      list.entries.push({
        person: this.world.population.person(rng.int(0, this.world.population.size - 1)),
      });
  }

  /** The lists seized, in upload order. */
  seized(): SeizedList[] {
    return [...this.lists.values()]
      .filter((l): l is SeizedList => l !== null)
      .sort((a, b) => a.uploadAt - b.uploadAt);
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

/** What a member holds of a customer, by the member's type: what it would watch. */
function customerIdentifiers(member: Institution, p: Person): [IdentifierKind, string][] {
  if (member.type === 'telecom' && p.telecom === member) return [['phone', p.phone]];
  if (member.type === 'bank' && p.bank === member)
    return [
      ['bank_card', p.card],
      ['phone', p.phone],
    ];
  if (member.type === 'internet' && p.platform === member)
    return [
      ['im_account', p.im],
      ['phone', p.phone],
    ];
  return [];
}

/**
 * Writes the seized lists where the police member keeps them (members/<police>/seized/:
 * one CSV per list, spelled as the leak had it, and lists.json with when each was seized
 * and is to be uploaded), each other member's customers among the listed people
 * (members/<id>/customers.txt, `kind,value` in its systems' spelling: a member watches its
 * whole customer base, and these are the only customers a seized list can match), and
 * returns the truth: who on each list was a victim, and when first contacted.
 */
export function writeSeized(world: World, seizures: Seizures, outDir: string): SeizedTruth {
  const lists = seizures.seized();
  const police = world.police;
  const truth: SeizedTruth = {
    lists: [],
    victims: seizures.firstContacts.length,
    victimsAfterFirstUpload:
      lists.length === 0
        ? 0
        : seizures.firstContacts.filter((t) => t > (lists[0] as SeizedList).uploadAt).length,
  };
  if (police === undefined) return truth;
  const dir = join(outDir, 'members', police.id, 'seized');
  mkdirSync(dir, { recursive: true });
  const customers = new Map<Institution, Set<string>>();
  lists.forEach((list, n) => {
    const rng = Rng.of(world.seed, 'seized-list', n);
    const rows = ['name,phone,id_number,bank_card'];
    const order = list.entries.map((e, i) => ({ e, key: rng.u32() + i / 1e6 }));
    order.sort((a, b) => a.key - b.key);
    for (const { e } of order) {
      const p = e.person;
      const cell = (kind: IdentifierKind, value: string) =>
        `"${personRaw(kind, value, rng, p.lang).replaceAll('"', '""')}"`;
      rows.push(
        [
          `"${p.name.full.replaceAll('"', '""')}"`,
          cell('phone', p.phone),
          rng.chance(0.8) ? cell('id_number', p.idNumber) : '',
          rng.chance(0.6) ? cell('bank_card', p.card) : '',
        ].join(','),
      );
      for (const member of world.members)
        for (const [kind, value] of customerIdentifiers(member, p)) {
          const set = customers.get(member) ?? new Set<string>();
          customers.set(member, set);
          set.add(`${kind},${value}`);
        }
    }
    writeFileSync(join(dir, `${list.id}.csv`), `${rows.join('\n')}\n`);
    truth.lists.push({
      list: list.id,
      file: `${list.id}.csv`,
      ring: list.ring,
      seizedAt: iso(list.seizedAt),
      uploadAt: iso(list.uploadAt),
      rows: list.entries.length,
      victims: list.entries
        .filter((e) => e.firstContact !== undefined)
        .map((e) => ({
          phone: e.person.phone,
          bankCard: e.person.card,
          idNumber: e.person.idNumber,
          im: e.person.im,
          telecom: e.person.telecom.id,
          bank: e.person.bank.id,
          platform: e.person.platform.id,
          firstContact: iso(e.firstContact as number),
        })),
    });
  });
  writeFileSync(
    join(dir, 'lists.json'),
    `${JSON.stringify(
      truth.lists.map(({ list, file, seizedAt, uploadAt, rows }) => ({
        list,
        file,
        seizedAt,
        uploadAt,
        rows,
      })),
      null,
      2,
    )}\n`,
  );
  for (const member of world.members) {
    if (member === police) continue;
    const style = world.styles.get(member);
    const rng = Rng.of(world.seed, 'customers', member.index);
    const lines = [...(customers.get(member) ?? [])].sort().map((line) => {
      const comma = line.indexOf(',');
      const kind = line.slice(0, comma) as IdentifierKind;
      const value = line.slice(comma + 1);
      return `${kind},${style === undefined ? value : systemRaw(kind, value, style, rng)}`;
    });
    writeFileSync(
      join(outDir, 'members', member.id, 'customers.txt'),
      lines.length === 0 ? '' : `${lines.join('\n')}\n`,
    );
  }
  return truth;
}

/** The seized lists as the truth holds them (truth.json, `seized`). */
export interface SeizedTruth {
  readonly lists: {
    readonly list: string;
    readonly file: string;
    readonly ring: string;
    readonly seizedAt: string;
    readonly uploadAt: string;
    readonly rows: number;
    readonly victims: {
      readonly phone: string;
      readonly bankCard: string;
      readonly idNumber: string;
      readonly im: string;
      readonly telecom: string;
      readonly bank: string;
      readonly platform: string;
      readonly firstContact: string;
    }[];
  }[];
  /** Every victim of the world, and those first contacted after the first list's upload. */
  readonly victims: number;
  readonly victimsAfterFirstUpload: number;
}
