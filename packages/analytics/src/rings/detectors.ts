import { IDENTIFIER_KINDS, type IdentifierKind } from '@credence/core/identifiers/kinds';
import { LINK_TYPES } from '@credence/core/wire/vocabulary';
import { type EvidenceGraph, ROLE_BITS } from '../evidence/evidence-graph.js';
import type { Incidence } from './propagation.js';

/**
 * Pattern detectors: structures a person recognises, found among a ring's tokens and
 * the edges around them. Each returns counts only (never a member's name), so that its
 * finding can be shown to every member.
 */

export interface MuleChain {
  readonly pattern: 'mule_chain';
  /** Accounts on the chain (the ring's accounts that move money). */
  readonly accounts: number;
  /** Transfer hops from an account paid by victims to the farthest cash-out. */
  readonly hops: number;
  /** Accounts paid from outside the ring (by victims), and those that pay no one further. */
  readonly entries: number;
  readonly cashOuts: number;
  /** Most distinct payers into one account, and most payees out of one. */
  readonly maxFanIn: number;
  readonly maxFanOut: number;
  /** Members whose transfers show the chain. */
  readonly members: number;
}

export interface CallCentre {
  readonly pattern: 'call_centre';
  /** Numbers of the ring that call or message. */
  readonly callers: number;
  /** Devices or addresses behind three or more of them. */
  readonly machines: number;
  /** Numbers they called or messaged outside the ring, and the members that carried those calls. */
  readonly called: number;
  readonly carriers: number;
}

export interface Hub {
  readonly pattern: 'app_hub' | 'url_hub';
  /** Apps, or links and domains, that reach many people. */
  readonly hubs: number;
  /** Devices that installed them, or reports that named them. */
  readonly reach: number;
}

export type Pattern = MuleChain | CallCentre | Hub;

const kindIndex = (k: IdentifierKind) => IDENTIFIER_KINDS.indexOf(k);
const ACCOUNT_KINDS = new Set(
  ['bank_card', 'bank_account', 'wallet'].map((k) => kindIndex(k as IdentifierKind)),
);
const MACHINE_KINDS = new Set(
  ['imei', 'device_id', 'ip'].map((k) => kindIndex(k as IdentifierKind)),
);
const PHONE = kindIndex('phone');
const APP = kindIndex('app');
const LINK_KINDS = new Set(['url', 'domain'].map((k) => kindIndex(k as IdentifierKind)));
const TRANSFER = LINK_TYPES.indexOf('transfer');
const CALL = LINK_TYPES.indexOf('call');
const SMS = LINK_TYPES.indexOf('sms');
const LOGIN = LINK_TYPES.indexOf('login');
const INSTALL = LINK_TYPES.indexOf('install');
const CALLER_ROLES = (ROLE_BITS.caller as number) | (ROLE_BITS.sms_sender as number);
const PAYEE_ROLE = ROLE_BITS.beneficiary_account as number;

export interface RingContext {
  readonly graph: EvidenceGraph;
  readonly inc: Incidence;
  /** Ring index of each node (-1: none). */
  readonly ringOf: Int32Array;
}

/** The ids of v's incident edges (a view of its row, no copy). */
function incident(ctx: RingContext, v: number): Int32Array {
  return ctx.inc.edgeIds.subarray(ctx.inc.offsets[v] as number, ctx.inc.offsets[v + 1] as number);
}

/**
 * Mule chains: the ring's accounts joined by transfers, from accounts victims paid
 * (money in from outside the ring, or named as the beneficiary in a report) through
 * two or more hops to cash-out. Hops are counted by breadth-first layers from the
 * entries, so cycles do not inflate them.
 */
export function detectMuleChain(
  ctx: RingContext,
  ring: number,
  nodes: readonly number[],
): MuleChain | undefined {
  const { graph, ringOf } = ctx;
  const { from, to, type, member } = graph.edges;
  const accounts = nodes.filter((v) => ACCOUNT_KINDS.has(graph.kinds[v] as number));
  if (accounts.length < 3) return undefined;
  const payers = new Map<number, Set<number>>();
  const payees = new Map<number, Set<number>>();
  const members = new Set<number>();
  const entries: number[] = [];
  for (const v of accounts) {
    let paidFromOutside = ((graph.evidence.get(v)?.roles ?? 0) & PAYEE_ROLE) !== 0;
    for (const e of incident(ctx, v)) {
      if (type[e] !== TRANSFER) continue;
      const a = from[e] as number;
      const b = to[e] as number;
      if (b === v) {
        if (ringOf[a] === ring) {
          payers.set(v, (payers.get(v) ?? new Set()).add(a));
          members.add(member[e] as number);
        } else paidFromOutside = true;
      } else if (ringOf[b] === ring) {
        payees.set(v, (payees.get(v) ?? new Set()).add(b));
        members.add(member[e] as number);
      }
    }
    if (paidFromOutside) entries.push(v);
  }
  // Breadth-first layers along the ring's transfers, from every entry at once.
  const depth = new Map<number, number>();
  let frontier = entries.filter((v) => payees.has(v));
  for (const v of frontier) depth.set(v, 0);
  let hops = 0;
  while (frontier.length > 0) {
    const next: number[] = [];
    for (const v of frontier)
      for (const w of payees.get(v) ?? []) {
        if (depth.has(w)) continue;
        depth.set(w, hops + 1);
        next.push(w);
      }
    if (next.length > 0) hops++;
    frontier = next;
  }
  if (hops < 2) return undefined;
  const onChain = [...depth.keys()];
  let maxFanIn = 0;
  let maxFanOut = 0;
  let cashOuts = 0;
  for (const v of onChain) {
    maxFanOut = Math.max(maxFanOut, payees.get(v)?.size ?? 0);
    if (!payees.has(v)) cashOuts++;
  }
  // Fan-in counts every payer, victims included.
  for (const v of onChain) {
    const inn = new Set<number>();
    for (const e of incident(ctx, v))
      if (type[e] === TRANSFER && to[e] === v) inn.add(from[e] as number);
    maxFanIn = Math.max(maxFanIn, inn.size);
  }
  return {
    pattern: 'mule_chain',
    accounts: onChain.length,
    hops,
    entries: entries.filter((v) => depth.has(v)).length,
    cashOuts,
    maxFanIn,
    maxFanOut,
    members: members.size,
  };
}

/**
 * Call centres: devices or addresses behind three or more of the ring's numbers that
 * call or message (by calls and messages they made, or reports naming them as the caller).
 */
export function detectCallCentre(
  ctx: RingContext,
  ring: number,
  nodes: readonly number[],
): CallCentre | undefined {
  const { graph, ringOf } = ctx;
  const { from, to, type, member } = graph.edges;
  const callers = new Set<number>();
  const called = new Set<number>();
  const carriers = new Set<number>();
  for (const v of nodes) {
    if (graph.kinds[v] !== PHONE) continue;
    let calls = ((graph.evidence.get(v)?.roles ?? 0) & CALLER_ROLES) !== 0;
    for (const e of incident(ctx, v)) {
      const t = type[e];
      if ((t === CALL || t === SMS) && from[e] === v) {
        calls = true;
        const b = to[e] as number;
        if (ringOf[b] !== ring) {
          called.add(b);
          carriers.add(member[e] as number);
        }
      }
    }
    if (calls) callers.add(v);
  }
  let machines = 0;
  for (const v of nodes) {
    if (!MACHINE_KINDS.has(graph.kinds[v] as number)) continue;
    const behind = new Set<number>();
    for (const e of incident(ctx, v)) {
      if (type[e] !== LOGIN) continue;
      const other = (from[e] === v ? to[e] : from[e]) as number;
      if (callers.has(other)) behind.add(other);
    }
    if (behind.size >= 3) machines++;
  }
  if (machines === 0) return undefined;
  return {
    pattern: 'call_centre',
    callers: callers.size,
    machines,
    called: called.size,
    carriers: carriers.size,
  };
}

/** Apps installed on three or more devices, and links or domains named in three or more reports. */
export function detectHubs(ctx: RingContext, nodes: readonly number[]): Hub[] {
  const { graph } = ctx;
  const { from, to, type } = graph.edges;
  const apps = { hubs: 0, reach: 0 };
  const links = { hubs: 0, reach: 0 };
  for (const v of nodes) {
    const kind = graph.kinds[v] as number;
    if (kind === APP) {
      const devices = new Set<number>();
      for (const e of incident(ctx, v))
        if (type[e] === INSTALL) devices.add((from[e] === v ? to[e] : from[e]) as number);
      const reach = Math.max(devices.size, graph.evidence.get(v)?.reports ?? 0);
      if (reach >= 3) {
        apps.hubs++;
        apps.reach += reach;
      }
    } else if (LINK_KINDS.has(kind)) {
      const reach = graph.evidence.get(v)?.reports ?? 0;
      if (reach >= 3) {
        links.hubs++;
        links.reach += reach;
      }
    }
  }
  const hubs: Hub[] = [];
  if (apps.hubs > 0) hubs.push({ pattern: 'app_hub', ...apps });
  if (links.hubs > 0) hubs.push({ pattern: 'url_hub', ...links });
  return hubs;
}
