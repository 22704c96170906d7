import { IDENTIFIER_KINDS, type IdentifierKind } from '@credence/core/identifiers/kinds';
import {
  CATEGORIES,
  type Category,
  type EntityRole,
  LINK_TYPES,
  type LinkType,
  REPORT_TYPES,
  type ReportType,
} from '@credence/core/wire/vocabulary';

/**
 * What the platform holds, as analysis reads it: tokens (never identifiers), which
 * member contributed each report and link (to count how many members a finding spans,
 * never to name them), report types, categories and times.
 */
export interface EvidenceEntity {
  readonly role: EntityRole;
  readonly kind: IdentifierKind;
  readonly token: string;
}

export interface EvidenceReport {
  readonly member: string;
  readonly type: ReportType;
  readonly category: Category;
  readonly occurredAt: number;
  readonly entities: readonly EvidenceEntity[];
}

export interface EvidenceEndpoint {
  readonly kind: IdentifierKind;
  readonly token: string;
}

export interface EvidenceLink {
  readonly member: string;
  readonly link: LinkType;
  readonly from: EvidenceEndpoint;
  readonly to: EvidenceEndpoint;
  readonly at: number;
  readonly count: number;
}

/** Kinds of edge: the six link types, then co-occurrence in one report. */
export const EDGE_TYPES = [...LINK_TYPES, 'co_report'] as const;
export type EdgeType = (typeof EDGE_TYPES)[number];
export const CO_REPORT = EDGE_TYPES.indexOf('co_report');

/** How much one report of each type counts, and how fast evidence ages (the policy's). */
export interface EvidenceWeights {
  readonly weights: Readonly<Record<ReportType, number>>;
  readonly halfLifeDays: Readonly<Record<IdentifierKind, number>>;
  /** Share of its weight a report of each type keeps however old (absent: none). */
  readonly ageFloor?: Readonly<Record<ReportType, number>>;
  /** The time evidence is aged to (epoch ms). */
  readonly now: number;
}

/** A token's reports in a fraudster's role: per member, its strongest evidence. */
export interface NodeEvidence {
  /** Member index → strongest weight × decay over that member's reports. */
  readonly members: Map<number, number>;
  reports: number;
  /** The number (in the order added) of the first report naming it in a fraudster's role. */
  readonly firstReport: number;
  /** Bit i: CATEGORIES[i]. */
  categories: number;
  /** Bit i: REPORT_TYPES[i]. */
  types: number;
  /** Roles it was reported in (bit per ROLE_BITS). */
  roles: number;
}

/**
 * Roles a report gives the victim's side. In a victim's own report, the device and
 * address are the victim's (the report describes what happened on their phone); in a
 * member's detection or a confirmed case they are the suspect's.
 */
const VICTIM_ROLES: ReadonlySet<EntityRole> = new Set(['victim', 'payer_account']);
const OWN_EQUIPMENT: ReadonlySet<EntityRole> = new Set(['device', 'ip']);

export function isVictimSide(type: ReportType, role: EntityRole): boolean {
  return VICTIM_ROLES.has(role) || (type === 'victim_report' && OWN_EQUIPMENT.has(role));
}

const DAY_MS = 86_400_000;

/**
 * The evidence graph, as built: tokens numbered 0..n-1 with their kinds, the evidence
 * reports give them, and every edge with its type, the member it came from and its
 * count. Edges are kept as they came (a link's direction matters: money flows from
 * `from` to `to`); algorithms build the CSR they need from them.
 */
export interface EvidenceGraph {
  readonly tokens: readonly string[];
  /** Index into IDENTIFIER_KINDS. */
  readonly kinds: Uint8Array;
  readonly members: readonly string[];
  /** Times a token was named on the victim's side of a report. */
  readonly victim: Uint16Array;
  /** Evidence of each token reported in a fraudster's role (absent: none). */
  readonly evidence: ReadonlyMap<number, NodeEvidence>;
  /** Who reported being defrauded by whom: the victim's side and the fraudster's side of one report. */
  readonly victimOf: {
    readonly victim: Int32Array;
    readonly suspect: Int32Array;
    readonly member: Uint16Array;
    readonly length: number;
  };
  readonly edges: {
    readonly from: Int32Array;
    readonly to: Int32Array;
    readonly type: Uint8Array;
    readonly member: Uint16Array;
    readonly count: Float64Array;
    readonly length: number;
  };
}

function grow<T extends Int32Array | Uint8Array | Uint16Array | Float64Array>(
  a: T,
  need: number,
): T {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/**
 * Builds the evidence graph from reports and links, in one pass over each (any order).
 * Within a report, every two tokens on the fraudster's side are joined by a co_report
 * edge; the victim's side gets no edges from a report (victims are not part of a ring,
 * and joining them would join every ring that reached the same victim).
 */
export class EvidenceGraphBuilder {
  private readonly index = new Map<string, number>();
  private readonly memberIndex = new Map<string, number>();
  private readonly tokenList: string[] = [];
  private readonly memberList: string[] = [];
  private kinds = new Uint8Array(1024);
  private victim = new Uint16Array(1024);
  private readonly evidence = new Map<number, NodeEvidence>();
  private from = new Int32Array(1024);
  private to = new Int32Array(1024);
  private type = new Uint8Array(1024);
  private member = new Uint16Array(1024);
  private count = new Float64Array(1024);
  private edgeCount = 0;
  private pairVictim = new Int32Array(256);
  private pairSuspect = new Int32Array(256);
  private pairMember = new Uint16Array(256);
  private pairCount = 0;
  private reportCount = 0;

  constructor(private readonly weights: EvidenceWeights) {}

  node(kind: IdentifierKind, token: string): number {
    let v = this.index.get(token);
    if (v === undefined) {
      v = this.tokenList.length;
      this.index.set(token, v);
      this.tokenList.push(token);
      this.kinds = grow(this.kinds, v + 1);
      this.victim = grow(this.victim, v + 1);
      this.kinds[v] = IDENTIFIER_KINDS.indexOf(kind);
    }
    return v;
  }

  /** The number of a member (numbered as first seen). */
  memberNumber(member: string): number {
    let m = this.memberIndex.get(member);
    if (m === undefined) {
      m = this.memberList.length;
      if (m > 0xffff) throw new RangeError('more than 65,536 members');
      this.memberIndex.set(member, m);
      this.memberList.push(member);
    }
    return m;
  }

  /** An edge between two nodes (numbers from node()), of EDGE_TYPES[type], by member(). */
  edge(from: number, to: number, type: number, member: number, count: number): void {
    const e = this.edgeCount++;
    this.from = grow(this.from, e + 1);
    this.to = grow(this.to, e + 1);
    this.type = grow(this.type, e + 1);
    this.member = grow(this.member, e + 1);
    this.count = grow(this.count, e + 1);
    this.from[e] = from;
    this.to[e] = to;
    this.type[e] = type;
    this.member[e] = member;
    this.count[e] = count;
  }

  addReport(report: EvidenceReport): void {
    const member = this.memberNumber(report.member);
    const number = this.reportCount++;
    const fraudSide: number[] = [];
    const victimSide: number[] = [];
    const weight = this.weights.weights[report.type];
    const age = Math.max(0, this.weights.now - report.occurredAt);
    for (const e of report.entities) {
      const v = this.node(e.kind, e.token);
      if (isVictimSide(report.type, e.role)) {
        this.victim[v] = Math.min(0xffff, (this.victim[v] as number) + 1);
        if (!victimSide.includes(v)) victimSide.push(v);
        continue;
      }
      if (!fraudSide.includes(v)) fraudSide.push(v);
      const decay = Math.max(
        this.weights.ageFloor?.[report.type] ?? 0,
        2 ** (-age / (this.weights.halfLifeDays[e.kind] * DAY_MS)),
      );
      let ev = this.evidence.get(v);
      if (ev === undefined) {
        ev = {
          members: new Map(),
          reports: 0,
          firstReport: number,
          categories: 0,
          types: 0,
          roles: 0,
        };
        this.evidence.set(v, ev);
      }
      ev.members.set(member, Math.max(ev.members.get(member) ?? 0, weight * decay));
      ev.reports++;
      ev.categories |= 1 << CATEGORIES.indexOf(report.category);
      ev.types |= 1 << REPORT_TYPES.indexOf(report.type);
      ev.roles |= roleBit(e.role);
    }
    for (let i = 0; i < fraudSide.length; i++)
      for (let j = i + 1; j < fraudSide.length; j++)
        this.edge(fraudSide[i] as number, fraudSide[j] as number, CO_REPORT, member, 1);
    for (const victim of victimSide)
      for (const suspect of fraudSide) {
        const p = this.pairCount++;
        this.pairVictim = grow(this.pairVictim, p + 1);
        this.pairSuspect = grow(this.pairSuspect, p + 1);
        this.pairMember = grow(this.pairMember, p + 1);
        this.pairVictim[p] = victim;
        this.pairSuspect[p] = suspect;
        this.pairMember[p] = member;
      }
  }

  addLink(link: EvidenceLink): void {
    const from = this.node(link.from.kind, link.from.token);
    const to = this.node(link.to.kind, link.to.token);
    if (from === to) return;
    this.edge(from, to, LINK_TYPES.indexOf(link.link), this.memberNumber(link.member), link.count);
  }

  build(): EvidenceGraph {
    const n = this.tokenList.length;
    const e = this.edgeCount;
    return {
      tokens: this.tokenList,
      kinds: this.kinds.slice(0, n),
      members: this.memberList,
      victim: this.victim.slice(0, n),
      evidence: this.evidence,
      victimOf: {
        victim: this.pairVictim.slice(0, this.pairCount),
        suspect: this.pairSuspect.slice(0, this.pairCount),
        member: this.pairMember.slice(0, this.pairCount),
        length: this.pairCount,
      },
      edges: {
        from: this.from.slice(0, e),
        to: this.to.slice(0, e),
        type: this.type.slice(0, e),
        member: this.member.slice(0, e),
        count: this.count.slice(0, e),
        length: e,
      },
    };
  }
}

/** Bits of the fraudster-side roles a token was reported in. */
export const ROLE_BITS: Readonly<Partial<Record<EntityRole, number>>> = {
  caller: 1,
  sms_sender: 2,
  beneficiary_account: 4,
  contact: 8,
  app: 16,
  url: 32,
  device: 64,
  ip: 128,
  wallet: 256,
};

function roleBit(role: EntityRole): number {
  return ROLE_BITS[role] ?? 0;
}

/**
 * A token's evidence as one score in [0, 1): independent evidence over distinct members,
 * 1 − Π (1 − strongest of each member), as the check's score is made.
 */
export function evidenceScore(ev: NodeEvidence | undefined): number {
  if (ev === undefined) return 0;
  let clear = 1;
  for (const w of ev.members.values()) clear *= 1 - w;
  return 1 - clear;
}
