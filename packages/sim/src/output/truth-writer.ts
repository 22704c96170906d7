import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import type { Institution } from '../institutions.js';
import type { Ident } from '../world/events.js';
import type { Recycled } from '../world/honest.js';
import type { LaunderingRing } from '../world/laundering.js';
import type { Planted } from '../world/planted.js';
import type { Campaign, Ring } from '../world/ring.js';
import type { SeizedTruth } from '../world/seized.js';
import { BufferedFile } from './jsonl-file.js';

/**
 * The ground truth, written as it becomes known so that memory stays bounded: each ring
 * when it closes, each campaign's report references as they are filed. At the end the
 * pieces are stitched into one JSON document, truth.json.
 */
export class TruthWriter {
  private readonly rings: BufferedFile;
  private readonly refs = new Map<Campaign, BufferedFile>();
  private readonly falseReports: { ref: string; reason: string }[] = [];
  private readonly typos: { ref: string; kind: string }[] = [];
  private readonly accused: { ref: string; kind: string; value: string }[] = [];
  ringCount = 0;

  constructor(
    private readonly outDir: string,
    private readonly members: readonly Institution[],
  ) {
    this.rings = new BufferedFile(join(outDir, '.truth-rings.tmp'));
  }

  campaignReport(campaign: Campaign, ref: string): void {
    let file = this.refs.get(campaign);
    if (file === undefined) {
      file = new BufferedFile(join(this.outDir, `.truth-campaign-${campaign.index}.tmp`));
      this.refs.set(campaign, file);
    }
    file.write(`${file.lines === 0 ? '' : ','}${JSON.stringify(ref)}`);
    file.lines++;
  }

  falseReport(ref: string, reason: string): void {
    this.falseReports.push({ ref, reason });
  }

  /** An honest person reported once by mistake (issue 12): the report and whom it named. */
  falselyReported(ref: string, subject: Ident): void {
    this.accused.push({ ref, kind: subject.kind, value: subject.value });
  }

  typo(ref: string, kind: string): void {
    this.typos.push({ ref, kind });
  }

  /** Records a closed ring: what was planted, what members saw, and how much. */
  ring(ring: Ring): RingSummary {
    return this.record(ring, (seen) => ({
      id: ring.id,
      categories: ring.categories,
      campaigns: ring.plan.campaigns.map((c) => c.id),
      firstDay: ring.plan.startDay,
      lastDay: ring.plan.endDay,
      victims: ring.victims,
      reports: ring.reports,
      lossCny: ring.lossCny,
      size: seen,
      structure: {
        callers: ring.callers.length,
        smsSenders: ring.smsSenders.length,
        contacts: ring.contacts.length,
        apps: ring.apps.length,
        urls: ring.urls.length,
        operatorDevices: ring.operatorDevices.length,
        ips: ring.ips.length,
        muleLayers: ring.mules.map((layer) => layer.length),
        wallets: ring.wallets.length,
      },
    }));
  }

  /** Records a closed laundering ring, in the shape of a fraud ring's record plus its typology. */
  launderingRing(ring: LaunderingRing): RingSummary {
    const { plan } = ring;
    return this.record(ring, (seen) => ({
      id: ring.id,
      typology: plan.typology,
      categories: [plan.category],
      campaigns: [],
      firstDay: plan.startDay,
      lastDay: plan.endDay,
      victims: 0,
      reports: ring.reports,
      lossCny: 0,
      launderedCny: ring.launderedCny,
      size: seen,
      structure: {
        typology: plan.typology,
        accounts: ring.accounts.length,
        holders: ring.holders.length,
        layers: ring.layers.map((layer) => layer.length),
        memberHeld: ring.memberHeld,
        reported: ring.reported,
      },
    }));
  }

  /** Writes a ring's record: its own fields, then what members saw of its identifiers. */
  private record(ring: Planted, fields: (size: number) => Record<string, unknown>): RingSummary {
    const seen = ring.seenByAnyMember();
    const identifiers: Partial<Record<IdentifierKind, string[]>> = {};
    const unseen: Partial<Record<IdentifierKind, string[]>> = {};
    for (const ident of ring.identifiers()) {
      const target = seen.has(ident) ? identifiers : unseen;
      const list = target[ident.kind] ?? [];
      list.push(ident.value);
      target[ident.kind] = list;
    }
    const members: Record<string, number> = {};
    for (const m of this.members) {
      const n = ring.seen.get(m)?.size ?? 0;
      if (n > 0) members[m.id] = n;
    }
    const record = {
      ...fields(seen.size),
      members,
      identifiers,
      unseenIdentifiers: unseen,
    };
    this.rings.write(`${this.ringCount === 0 ? '' : ',\n'}    ${JSON.stringify(record)}`);
    this.ringCount++;
    const maxShare = seen.size === 0 ? 0 : Math.max(0, ...Object.values(members)) / seen.size;
    return {
      id: ring.id,
      size: seen.size,
      planted: seen.size + countValues(unseen),
      members: Object.keys(members).length,
      maxShare,
    };
  }

  /** Stitches truth.json together and removes the pieces. */
  finish(
    header: Record<string, unknown>,
    campaigns: readonly Campaign[],
    recycled: readonly Recycled[],
    /** With issue 12's options: the noise section lists honest people reported once. */
    withAccused = false,
    /** The seized lists and who on them was a victim (issue 17). */
    seized?: SeizedTruth,
  ): void {
    this.rings.close();
    for (const file of this.refs.values()) file.close();
    const path = join(this.outDir, 'truth.json');
    const fd = openSync(path, 'w');
    const put = (text: string) => writeSync(fd, text);
    const head = JSON.stringify(header, null, 2);
    put(`${head.slice(0, -2)},\n  "rings": [\n`);
    copyInto(fd, this.rings.path);
    put('\n  ],\n  "campaigns": [\n');
    const used = campaigns.filter((c) => c.ringIds.length > 0);
    used.forEach((c, i) => {
      const { template } = c;
      const meta = {
        id: c.id,
        template: template.id,
        category: template.category,
        lang: template.lang,
        rings: c.ringIds,
        reports: c.reports,
      };
      put(`    ${JSON.stringify(meta).slice(0, -1)},"reportRefs":[`);
      const file = this.refs.get(c);
      if (file !== undefined) copyInto(fd, file.path);
      put(`]}${i === used.length - 1 ? '' : ','}\n`);
    });
    const noise = {
      falseReports: this.falseReports,
      typos: this.typos,
      recycledPhones: recycled.map((r) => ({
        phone: r.phone.value,
        ring: r.ring,
        reassignedOnDay: r.fromDay,
      })),
      ...(withAccused ? { falselyReported: this.accused } : {}),
    };
    put(`  ],\n  "noise": ${JSON.stringify(noise)}`);
    if (seized !== undefined) put(`,\n  "seized": ${JSON.stringify(seized)}`);
    put('\n}\n');
    closeSync(fd);
    rmSync(this.rings.path);
    for (const file of this.refs.values()) rmSync(file.path);
  }
}

export interface RingSummary {
  readonly id: string;
  /** Identifiers of the ring that appear in some member's files. */
  readonly size: number;
  readonly planted: number;
  /** Members whose files hold at least one of its identifiers. */
  readonly members: number;
  /** The largest share of its seen identifiers that one member holds. */
  readonly maxShare: number;
}

/** Appends a file to an open descriptor in chunks (the pieces can be large). */
function copyInto(fd: number, path: string): void {
  const source = openSync(path, 'r');
  const buffer = Buffer.alloc(1 << 20);
  for (;;) {
    const n = readSync(source, buffer, 0, buffer.length, null);
    if (n === 0) break;
    writeSync(fd, buffer, 0, n);
  }
  closeSync(source);
}

function countValues(byKind: Partial<Record<string, string[]>>): number {
  let n = 0;
  for (const list of Object.values(byKind)) n += list?.length ?? 0;
  return n;
}
