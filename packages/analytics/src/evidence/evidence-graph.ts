import { IDENTIFIER_KINDS, type IdentifierKind } from '@credence/core/identifiers/kinds';
import { isVictimSide } from '@credence/core/risk/token-summary';
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

/** Kinds of edge: the link types, then co-occurrence in one report. */
export const EDGE_TYPES = [...LINK_TYPES, 'co_report'] as const;
export type EdgeType = (typeof EDGE_TYPES)[number];
export const CO_REPORT = EDGE_TYPES.indexOf('co_report');

/**
 * The name of a former holder's epoch of a token: the token, '@', and the time (epoch
 * ms) of the reassignment that ended it. Tokens are base64url, so no token contains '@'
 * and no epoch's name is a token's.
 */
export function formerName(token: string, until: number): string {
  return `${token}@${until}`;
}

/** The token and end of a former epoch's name (formerName), or undefined for a token. */
export function parseFormerName(name: string): { token: string; until: number } | undefined {
  const at = name.lastIndexOf('@');
  if (at < 0) return undefined;
  return { token: name.slice(0, at), until: Number(name.slice(at + 1)) };
}

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

/** Roles a report gives the victim's side (core/risk/token-summary.ts, shared with the summaries). */
export { isVictimSide };

const DAY_MS = 86_400_000;

/**
 * The evidence graph, as built: tokens numbered 0..n-1 with their kinds, the evidence
 * reports give them, and every edge with its type, the member it came from and its
 * count. Edges are kept as they came (a link's direction matters: money flows from
 * `from` to `to`); algorithms build the CSR they need from them.
 */
export interface EvidenceGraph {
  /**
   * Each node's name: its token, or for a former holder's epoch of a reassigned token,
   * formerName(token, end of the epoch). The latest epoch of a token is named by it.
   */
  readonly tokens: readonly string[];
  /**
   * 1 for a node that is a former holder's epoch of a token (issue 12): part of the
   * structure analysis reads, but nothing said of it is said of the token today.
   */
  readonly former: Uint8Array;
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

/** The reassignment times of a token (ascending) and, once it is named, its epochs' nodes. */
interface Epochs {
  readonly kind: IdentifierKind;
  readonly times: number[];
  nodes?: number[];
}

/**
 * Builds the evidence graph from reports and links, in one pass over each (any order).
 * Within a report, every two tokens on the fraudster's side are joined by a co_report
 * edge; the victim's side gets no edges from a report (victims are not part of a ring,
 * and joining them would join every ring that reached the same victim).
 *
 * Reassignments (issue 12: a recycled number, an account given to someone else) are
 * declared first, with reassign(): a token reassigned at t1 < … < tk becomes k + 1 nodes,
 * its epochs. A report (by its occurredAt) or link (by its at) before t1 names the first,
 * from t1 on the second, and so on; the `reassigned` link itself, at ti, joins the new
 * epoch to the new holder's identity. The latest epoch is named by the token; earlier ones
 * by formerName() and marked in `former`. Declaring a reassignment of a token already
 * named throws: its reports would already be on the wrong holder. A `reassigned` link
 * whose reassignment was not declared is an ordinary edge, as a registration (what
 * callers did before epochs).
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
  private former = new Uint8Array(1024);
  private readonly epochs = new Map<string, Epochs>();

  constructor(private readonly weights: EvidenceWeights) {}

  /**
   * Declares that `token` was given to a new holder at `at` (epoch ms). Must come before
   * any report or link naming the token (throws otherwise); the same time twice is one.
   */
  reassign(kind: IdentifierKind, token: string, at: number): void {
    if (!Number.isFinite(at)) throw new RangeError('a reassignment needs a time');
    let e = this.epochs.get(token);
    if (e?.nodes !== undefined || (e === undefined && this.index.has(token)))
      throw new Error('a reassignment must be declared before any report or link naming the token');
    if (e === undefined) {
      e = { kind, times: [] };
      this.epochs.set(token, e);
    }
    const times = e.times;
    let i = times.length;
    while (i > 0 && (times[i - 1] as number) > at) i--;
    if (times[i - 1] !== at) times.splice(i, 0, at);
  }

  /** Declares the reassignments among these links (the `reassigned` ones); see reassign(). */
  reassignAll(links: Iterable<EvidenceLink>): void {
    for (const l of links)
      if (l.link === 'reassigned') this.reassign(l.from.kind, l.from.token, l.at);
  }

  private newNode(kind: IdentifierKind, name: string, former: boolean): number {
    const v = this.tokenList.length;
    this.index.set(name, v);
    this.tokenList.push(name);
    this.kinds = grow(this.kinds, v + 1);
    this.victim = grow(this.victim, v + 1);
    this.former = grow(this.former, v + 1);
    this.kinds[v] = IDENTIFIER_KINDS.indexOf(kind);
    this.former[v] = former ? 1 : 0;
    return v;
  }

  /** The node of a token (its latest epoch, for a reassigned one). */
  node(kind: IdentifierKind, token: string): number {
    return this.nodeAt(kind, token, Number.POSITIVE_INFINITY);
  }

  /** The node of a token as it was at `time`: its epoch then, for a reassigned one. */
  nodeAt(kind: IdentifierKind, token: string, time: number): number {
    // Most graphs have no reassignment: no second lookup per link end for them.
    const e = this.epochs.size === 0 ? undefined : this.epochs.get(token);
    if (e === undefined) return this.index.get(token) ?? this.newNode(kind, token, false);
    const times = e.times;
    e.nodes ??= [
      ...times.map((t) => this.newNode(e.kind, formerName(token, t), true)),
      this.newNode(e.kind, token, false),
    ];
    // Epoch i runs from times[i - 1] (included) to times[i] (excluded).
    let i = 0;
    while (i < times.length && (times[i] as number) <= time) i++;
    return e.nodes[i] as number;
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
      const v = this.nodeAt(e.kind, e.token, report.occurredAt);
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
    const from = this.nodeAt(link.from.kind, link.from.token, link.at);
    const to = this.nodeAt(link.to.kind, link.to.token, link.at);
    if (from === to) return;
    this.edge(from, to, LINK_TYPES.indexOf(link.link), this.memberNumber(link.member), link.count);
  }

  build(): EvidenceGraph {
    const n = this.tokenList.length;
    const e = this.edgeCount;
    return {
      tokens: this.tokenList,
      kinds: this.kinds.slice(0, n),
      former: this.former.slice(0, n),
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
