import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import type { EntityRole, LinkType, ReportType } from '@credence/core/wire/vocabulary';
import { describe, expect, it } from 'vitest';
import { EDGE_TYPES, EvidenceGraphBuilder } from '../../src/evidence/evidence-graph.js';
import type { CallCentre, Hub, MuleChain } from '../../src/rings/detectors.js';
import { findRings } from '../../src/rings/rings.js';

const NOW = Date.UTC(2026, 10, 1);
const WEIGHTS = {
  weights: { police_confirmed: 0.95, confirmed_fraud: 0.8, victim_report: 0.5, suspected: 0.25 },
  halfLifeDays: {
    phone: 90,
    bank_card: 365,
    bank_account: 365,
    id_number: 730,
    imei: 365,
    device_id: 180,
    ip: 14,
    url: 30,
    domain: 90,
    email: 180,
    app: 180,
    wallet: 365,
    im_account: 180,
  },
  now: NOW,
} as const;

/** A small world written by hand; tokens are readable names standing for tokens. */
class World {
  readonly builder = new EvidenceGraphBuilder(WEIGHTS);
  report(
    member: string,
    type: ReportType,
    entities: [EntityRole, IdentifierKind, string][],
    category = 'task_rebate' as const,
  ) {
    this.builder.addReport({
      member,
      type,
      category,
      occurredAt: NOW - 86_400_000,
      entities: entities.map(([role, kind, token]) => ({ role, kind, token })),
    });
  }
  link(
    member: string,
    link: LinkType,
    from: [IdentifierKind, string],
    to: [IdentifierKind, string],
  ) {
    this.builder.addLink({
      member,
      link,
      from: { kind: from[0], token: from[1] },
      to: { kind: to[0], token: to[1] },
      at: NOW - 86_400_000,
      count: 1,
    });
  }
  analyse(memberType?: (m: string) => string | undefined) {
    const graph = this.builder.build();
    const analysis = findRings(graph, memberType === undefined ? {} : { memberType });
    const ringOf = (token: string) => {
      const v = graph.tokens.indexOf(token);
      if (v < 0) throw new Error(`no token ${token}`);
      return analysis.ringOf[v] as number;
    };
    const tokensOf = (ring: number) =>
      (analysis.rings[ring]?.nodes ?? []).map((v) => graph.tokens[v] as string).sort();
    const risk = (token: string) => analysis.risk[graph.tokens.indexOf(token)] as number;
    return { graph, analysis, ringOf, tokensOf, risk };
  }
}

/** A mule chain: victims pay m1, m1 sweeps to m2 and m3, both to the cash-out m4. */
function muleChain(w: World, victims = 4) {
  for (let i = 1; i <= victims; i++) {
    w.report('bank-a', 'victim_report', [
      ['payer_account', 'bank_card', `victim-card-${i}`],
      ['beneficiary_account', 'bank_card', 'm1'],
    ]);
    w.link('bank-a', 'transfer', ['bank_card', `victim-card-${i}`], ['bank_card', 'm1']);
  }
  w.link('bank-a', 'transfer', ['bank_card', 'm1'], ['bank_card', 'm2']);
  w.link('bank-b', 'transfer', ['bank_card', 'm1'], ['bank_card', 'm3']);
  w.link('bank-b', 'transfer', ['bank_card', 'm2'], ['bank_account', 'm4']);
  w.link('bank-c', 'transfer', ['bank_card', 'm3'], ['bank_account', 'm4']);
  w.link('bank-a', 'registered_with', ['bank_card', 'm1'], ['id_number', 'holder-1']);
  w.link('bank-b', 'registered_with', ['bank_card', 'm3'], ['phone', 'holder-3']);
}

describe('the evidence graph', () => {
  it('joins the fraudster side of a report and keeps victims apart', () => {
    const w = new World();
    w.report('internet-a', 'victim_report', [
      ['victim', 'im_account', 'victim-im'],
      ['device', 'device_id', 'victim-handset'],
      ['contact', 'im_account', 'scammer-im'],
      ['url', 'url', 'scam-url'],
    ]);
    w.report('bank-a', 'police_confirmed', [
      ['beneficiary_account', 'bank_card', 'm1'],
      ['device', 'device_id', 'mule-handset'],
    ]);
    const g = w.builder.build();
    const id = (t: string) => g.tokens.indexOf(t);
    const co = EDGE_TYPES.indexOf('co_report');
    const pairs = Array.from({ length: g.edges.length }, (_, e) => [
      g.tokens[g.edges.from[e] as number],
      g.tokens[g.edges.to[e] as number],
      g.edges.type[e],
    ]);
    expect(pairs).toEqual([
      ['scammer-im', 'scam-url', co],
      ['m1', 'mule-handset', co],
    ]);
    // In a victim's own report the device is the victim's; in a confirmed case, the suspect's.
    expect(g.victim[id('victim-handset')]).toBe(1);
    expect(g.victim[id('mule-handset')]).toBe(0);
    expect(g.evidence.get(id('mule-handset'))?.reports).toBe(1);
    expect(g.victimOf.length).toBe(4);
  });
});

describe('rings: the patterns they are found by', () => {
  it('follow the money from a reported account to the unreported next hops and cash-out', () => {
    const w = new World();
    muleChain(w);
    const { analysis, ringOf, tokensOf, risk } = w.analyse();
    expect(analysis.rings).toHaveLength(1);
    expect(tokensOf(0)).toEqual(['holder-1', 'holder-3', 'm1', 'm2', 'm3', 'm4']);
    for (let i = 1; i <= 4; i++) expect(ringOf(`victim-card-${i}`)).toBe(-1);
    // 4 victim reports by one member: that member's strongest evidence, 0.5, decayed a day.
    expect(risk('m1')).toBeCloseTo(0.5 * 2 ** (-1 / 365), 9);
    expect(risk('m2')).toBeCloseTo(risk('m1') * 0.8, 9);
    expect(risk('m4')).toBeCloseTo(risk('m1') * 0.8 * 0.8, 9);
    const chain = analysis.rings[0]?.patterns.find((p) => p.pattern === 'mule_chain') as MuleChain;
    expect(chain).toEqual({
      pattern: 'mule_chain',
      accounts: 4,
      hops: 2,
      entries: 1,
      cashOuts: 1,
      maxFanIn: 4,
      maxFanOut: 2,
      members: 3,
    });
    expect(analysis.rings[0]?.victims).toBe(4);
    expect(analysis.rings[0]?.members).toBe(3);
  });

  it('find a call centre: numbers behind one handset calling victims on two networks', () => {
    const w = new World();
    for (let i = 1; i <= 4; i++) {
      w.report(i % 2 === 0 ? 'telecom-a' : 'telecom-b', 'victim_report', [
        ['victim', 'phone', `victim-${i}`],
        ['caller', 'phone', `sim-${i}`],
      ]);
      w.link(
        i % 2 === 0 ? 'telecom-a' : 'telecom-b',
        'login',
        ['phone', `sim-${i}`],
        ['imei', 'sim-box'],
      );
      w.link(
        i % 2 === 0 ? 'telecom-a' : 'telecom-b',
        'call',
        ['phone', `sim-${i}`],
        ['phone', `victim-${i}`],
      );
      w.link('telecom-a', 'call', ['phone', `sim-${i}`], ['phone', `unreported-victim-${i}`]);
    }
    const types = (m: string) => m.replace(/-.*/, '');
    const { analysis, tokensOf, ringOf } = w.analyse(types);
    expect(analysis.rings).toHaveLength(1);
    expect(tokensOf(0)).toEqual(['sim-1', 'sim-2', 'sim-3', 'sim-4', 'sim-box']);
    // Numbers the ring called are its victims, not its members.
    expect(ringOf('unreported-victim-1')).toBe(-1);
    const centre = analysis.rings[0]?.patterns.find(
      (p) => p.pattern === 'call_centre',
    ) as CallCentre;
    expect(centre).toEqual({
      pattern: 'call_centre',
      callers: 4,
      machines: 1,
      called: 8,
      carriers: 2,
    });
    expect(analysis.rings[0]?.explanation).toMatch(
      /^4 caller numbers behind 1 shared device, calling or messaging 8 numbers on 2 members' networks; 5 identifiers \(4 phone, 1 imei\), 4 of them reported; 4 victims; data of 2 members \(2 telecom\); reported as task_rebate\.$/,
    );
  });

  it('find an app hub without taking in the devices it was installed on', () => {
    const w = new World();
    for (let i = 1; i <= 3; i++)
      w.report('internet-a', 'victim_report', [
        ['victim', 'im_account', `victim-${i}`],
        ['app', 'app', 'fake-broker'],
        ['contact', 'im_account', 'agent'],
      ]);
    for (let i = 1; i <= 5; i++)
      w.link('internet-a', 'install', ['device_id', `device-${i}`], ['app', 'fake-broker']);
    w.link('internet-a', 'registered_with', ['im_account', 'agent'], ['phone', 'agent-sim']);
    const { analysis, tokensOf, ringOf } = w.analyse();
    expect(tokensOf(0)).toEqual(['agent', 'agent-sim', 'fake-broker']);
    expect(ringOf('device-1')).toBe(-1);
    const hub = analysis.rings[0]?.patterns.find((p) => p.pattern === 'app_hub') as Hub;
    expect(hub).toEqual({ pattern: 'app_hub', hubs: 1, reach: 5 });
  });
});

describe('rings: what they leave out', () => {
  it('leave out a busy merchant a mule pays, refunds to payers, and weak evidence', () => {
    const w = new World();
    muleChain(w);
    for (let i = 0; i < 100; i++)
      w.link('bank-c', 'transfer', ['bank_card', `shopper-${i}`], ['bank_account', 'merchant']);
    w.link('bank-c', 'transfer', ['bank_account', 'm4'], ['bank_account', 'merchant']);
    // An unreported payer of m1 gets a little back: a refund, not the next hop.
    w.link('bank-a', 'transfer', ['bank_card', 'quiet-payer'], ['bank_card', 'm1']);
    w.link('bank-a', 'transfer', ['bank_card', 'm1'], ['bank_card', 'quiet-payer']);
    // One member's suspicion alone (0.25) is below a ring's least score.
    w.report('bank-c', 'suspected', [['beneficiary_account', 'bank_card', 'lone']]);
    w.link('bank-c', 'registered_with', ['bank_card', 'lone'], ['phone', 'lone-phone']);
    w.link('bank-c', 'registered_with', ['bank_card', 'lone'], ['id_number', 'lone-id']);
    const { analysis, ringOf, graph } = w.analyse();
    expect(analysis.rings).toHaveLength(1);
    expect(ringOf('m4')).toBe(0);
    expect(ringOf('merchant')).toBe(-1);
    // Ranked, the merchant comes after every mule and before the shoppers.
    const pct = (t: string) => analysis.ranking.percentile[graph.tokens.indexOf(t)] as number;
    for (const mule of ['m2', 'm3', 'm4']) expect(pct(mule)).toBeGreaterThan(pct('merchant'));
    expect(pct('merchant')).toBeGreaterThan(pct('shopper-1'));
    expect(ringOf('quiet-payer')).toBe(-1);
    expect(ringOf('lone')).toBe(-1);
  });

  it('need two reports: one false report of an honest person makes no ring of their identity', () => {
    const w = new World();
    // One member's confirmed report (0.8) of an honest person's card; the person's whole
    // identity is active: registrations, logins, another card.
    w.report('bank-c', 'confirmed_fraud', [['beneficiary_account', 'bank_card', 'honest-card']]);
    w.link('bank-c', 'registered_with', ['bank_card', 'honest-card'], ['phone', 'honest-phone']);
    w.link('bank-c', 'registered_with', ['bank_card', 'honest-card'], ['id_number', 'honest-id']);
    w.link('bank-b', 'registered_with', ['bank_card', 'honest-card-2'], ['id_number', 'honest-id']);
    w.link('bank-c', 'login', ['bank_card', 'honest-card'], ['device_id', 'honest-handset']);
    const alone = w.analyse();
    expect(alone.analysis.rings).toHaveLength(0);
    // The same structure with a second report (another member, another token of it) is one.
    w.report('bank-b', 'confirmed_fraud', [['beneficiary_account', 'bank_card', 'honest-card-2']]);
    const twice = w.analyse();
    expect(twice.analysis.rings).toHaveLength(1);
    expect(twice.tokensOf(0)).toContain('honest-id');
  });

  it('take repeated evidence between the same two tokens for what it is, not for a hub', () => {
    const w = new World();
    muleChain(w);
    // Thirty logins of one account from one handset: one neighbour, not thirty.
    for (let i = 0; i < 30; i++)
      w.link('bank-a', 'login', ['bank_card', 'm1'], ['device_id', 'mule-handset']);
    const { risk } = w.analyse();
    expect(risk('mule-handset')).toBeCloseTo(risk('m1') * 0.85, 9);
  });
});

describe('rings: splitting and naming', () => {
  it('keep two operations apart and split a component far larger than one operation', () => {
    const w = new World();
    // Two dense groups of accounts, each reported, joined through one shared number.
    for (const g of ['a', 'b'])
      for (let i = 0; i < 12; i++) {
        w.report('bank-a', 'confirmed_fraud', [['beneficiary_account', 'bank_card', `${g}${i}`]]);
        for (let j = 0; j < i; j++)
          w.link('bank-a', 'registered_with', ['bank_card', `${g}${i}`], ['bank_card', `${g}${j}`]);
      }
    w.link('bank-a', 'registered_with', ['bank_card', 'a0'], ['phone', 'shared']);
    w.link('bank-a', 'registered_with', ['bank_card', 'b0'], ['phone', 'shared']);
    const graph = w.builder.build();
    const whole = findRings(graph);
    expect(whole.rings).toHaveLength(1);
    const split = findRings(graph, { splitAbove: 20 });
    expect(split.rings).toHaveLength(2);
    expect(split.stats.split).toBe(1);
    const sides = split.rings.map(
      (r) => new Set(r.nodes.map((v) => (graph.tokens[v] as string)[0])),
    );
    expect(sides.map((s) => s.has('a') !== s.has('b'))).toEqual([true, true]);
  });

  it('name a ring by its smallest reported token, hashed, so the id does not change as it grows', () => {
    const w = new World();
    muleChain(w, 2);
    const before = w.analyse().analysis.rings[0]?.id;
    w.link('bank-a', 'registered_with', ['bank_card', 'm2'], ['phone', 'm2-holder']);
    const after = w.analyse();
    expect(after.analysis.rings[0]?.id).toBe(before);
    expect(after.analysis.rings[0]?.id).toMatch(/^ring-[0-9a-f]{16}$/);
    expect(after.ringOf('m2-holder')).toBe(0);
  });
});
