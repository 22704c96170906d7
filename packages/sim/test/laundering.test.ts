import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tryNormalizeIdentifier } from '@credence/core/identifiers/normalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_KNOBS, type Knobs } from '../src/knobs.js';
import { resolveOptions, type SimOptions } from '../src/options.js';
import { simulate } from '../src/simulate.js';
import { TYPOLOGIES } from '../src/world/laundering.js';

/**
 * `--laundering` and `--variant` (issue 12), checked from the files a user gets: each
 * typology's shape in the transfers, partial reporting over the past year, what one member
 * sees, honest traffic through laundering accounts, honest hubs, honest people reported
 * once, and variants whose knobs differ from the defaults.
 */

interface Endpoint {
  kind: string;
  value: string;
}
interface Link {
  link: string;
  from: Endpoint;
  to: Endpoint;
  at: string;
}
interface Report {
  ref: string;
  type: string;
  occurredAt: string;
  entities: (Endpoint & { role: string })[];
}
interface TruthRing {
  id: string;
  typology?: string;
  size: number;
  categories: string[];
  members: Record<string, number>;
  identifiers: Record<string, string[]>;
  unseenIdentifiers: Record<string, string[]>;
  structure: { accounts?: number; memberHeld?: number; reported?: number };
}
interface Truth {
  rings: TruthRing[];
  noise: { falselyReported?: { ref: string; kind: string; value: string }[] };
}
interface Manifest {
  options: SimOptions;
  knobs?: Knobs;
}

const OPTIONS = resolveOptions({ seed: 5, scale: 0.25, days: 365, laundering: 80 });
const dirs: string[] = [];
let dir = '';
let truth: Truth;
let rings: TruthRing[];
const links: Link[] = [];
/** Every report, with the member that filed it. */
const reports: (Report & { member: string })[] = [];

const readJsonl = <T>(path: string): T[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as T);

const key = (e: Endpoint): string | undefined => {
  const r = tryNormalizeIdentifier(e.kind, e.value);
  return r.ok ? `${r.identifier.kind}:${r.identifier.value}` : undefined;
};

function world(options: SimOptions): string {
  const d = mkdtempSync(join(tmpdir(), 'credence-sim-aml-'));
  dirs.push(d);
  simulate(options, d);
  return d;
}

function digest(root: string): string {
  const hash = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(`${path.slice(root.length)}\n`).update(readFileSync(path));
    }
  };
  walk(root);
  return hash.digest('hex');
}

/** A ring's accounts, seen or not, as canonical keys. */
const accountsOf = (ring: TruthRing): Set<string> =>
  new Set(
    [ring.identifiers, ring.unseenIdentifiers].flatMap((ids) =>
      ['bank_card', 'bank_account'].flatMap((k) => (ids[k] ?? []).map((v) => `${k}:${v}`)),
    ),
  );

/** Transfers among a ring's accounts in the union of members' files: from -> set of to. */
function internalGraph(ring: TruthRing): Map<string, Set<string>> {
  const accounts = accountsOf(ring);
  const out = new Map<string, Set<string>>();
  for (const l of links) {
    if (l.link !== 'transfer') continue;
    const a = key(l.from);
    const b = key(l.to);
    if (a === undefined || b === undefined || !accounts.has(a) || !accounts.has(b)) continue;
    const set = out.get(a) ?? new Set();
    set.add(b);
    out.set(a, set);
  }
  return out;
}

const inDegrees = (g: Map<string, Set<string>>) => {
  const d = new Map<string, number>();
  for (const tos of g.values()) for (const b of tos) d.set(b, (d.get(b) ?? 0) + 1);
  return d;
};

function hasCycle(g: Map<string, Set<string>>): boolean {
  const state = new Map<string, 1 | 2>();
  const visit = (v: string): boolean => {
    state.set(v, 1);
    for (const w of g.get(v) ?? []) {
      const s = state.get(w);
      if (s === 1 || (s === undefined && visit(w))) return true;
    }
    state.set(v, 2);
    return false;
  };
  return [...g.keys()].some((v) => state.get(v) === undefined && visit(v));
}

/** Longest path in edges (the graph must be acyclic). */
function longestPath(g: Map<string, Set<string>>): number {
  const memo = new Map<string, number>();
  const depth = (v: string): number => {
    const known = memo.get(v);
    if (known !== undefined) return known;
    let best = 0;
    for (const w of g.get(v) ?? []) best = Math.max(best, 1 + depth(w));
    memo.set(v, best);
    return best;
  };
  return Math.max(0, ...[...g.keys()].map(depth));
}

beforeAll(() => {
  dir = world(OPTIONS);
  truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as Truth;
  rings = truth.rings.filter((r) => r.typology !== undefined);
  for (const member of readdirSync(join(dir, 'members')).sort()) {
    links.push(...readJsonl<Link>(join(dir, 'members', member, 'links.jsonl')));
    for (const r of readJsonl<Report>(join(dir, 'members', member, 'reports.jsonl')))
      reports.push({ ...r, member });
  }
});

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('laundering rings as written', () => {
  it('are written byte for byte again for the same seed and options', () => {
    expect(digest(world(OPTIONS))).toBe(digest(dir));
  });

  it('appear in truth.json as rings of the usual shape with a typology', () => {
    expect(rings.length).toBe(Math.round((80 * 0.25 * 365) / 182));
    for (const r of rings) {
      expect(TYPOLOGIES).toContain(r.typology);
      expect(r.categories.length).toBe(1);
      expect(r.size).toBe(Object.values(r.identifiers).flat().length);
      expect(r.structure.accounts).toBeGreaterThanOrEqual(4);
      expect(r.structure.accounts).toBeLessThanOrEqual(200);
    }
    const sizes = rings.map((r) => r.structure.accounts ?? 0).sort((a, b) => a - b);
    // Skewed: most are small, a few are large.
    expect(sizes[Math.floor(sizes.length / 2)]).toBeLessThan(25);
    expect(sizes[sizes.length - 1]).toBeGreaterThan(60);
  });

  it("count exactly the ring identifiers in each member's files", () => {
    const byMember = new Map<string, Set<string>>();
    for (const member of readdirSync(join(dir, 'members'))) {
      const seen = new Set<string>();
      for (const l of readJsonl<Link>(join(dir, 'members', member, 'links.jsonl')))
        for (const k of [key(l.from), key(l.to)]) if (k) seen.add(k);
      for (const r of readJsonl<Report>(join(dir, 'members', member, 'reports.jsonl')))
        for (const e of r.entities) {
          const k = key(e);
          if (k) seen.add(k);
        }
      byMember.set(member, seen);
    }
    for (const r of rings) {
      const planted = Object.entries(r.identifiers).flatMap(([k, vs]) =>
        vs.map((v) => `${k}:${v}`),
      );
      const hidden = Object.entries(r.unseenIdentifiers).flatMap(([k, vs]) =>
        vs.map((v) => `${k}:${v}`),
      );
      for (const [member, seen] of byMember) {
        expect(r.members[member] ?? 0, `${r.id} at ${member}`).toBe(
          planted.filter((k) => seen.has(k)).length,
        );
        for (const k of hidden) expect(seen.has(k), `${r.id}: ${k}`).toBe(false);
      }
    }
  });
});

describe('laundering rings in the transfers and reports', () => {
  it("show each typology's shape in the transfers members see together", () => {
    const shown = (typology: string, test: (g: Map<string, Set<string>>) => boolean) => {
      const ok = rings.filter((r) => r.typology === typology).some((r) => test(internalGraph(r)));
      if (!ok) throw new Error(`no ${typology} ring shows its shape`);
      return ok;
    };
    const maxIn = (g: Map<string, Set<string>>) => Math.max(0, ...inDegrees(g).values());
    const maxOut = (g: Map<string, Set<string>>) =>
      Math.max(0, ...[...g.values()].map((s) => s.size));
    expect(shown('fan_in', (g) => maxIn(g) >= 5 && maxOut(g) === 1)).toBe(true);
    expect(shown('fan_out', (g) => maxOut(g) >= 5 && maxIn(g) === 1)).toBe(true);
    // Money returns to where it started.
    expect(shown('cycle', (g) => hasCycle(g))).toBe(true);
    // A source pays several accounts which all pay one sink.
    expect(
      shown('scatter_gather', (g) =>
        [...g].some(([, mids]) => {
          const sinks = [...mids].map((m) => [...(g.get(m) ?? [])].join());
          return mids.size >= 3 && sinks.every((s) => s === sinks[0] && s !== '');
        }),
      ),
    ).toBe(true);
    // Several pay one account, which pays several others.
    const ins = (g: Map<string, Set<string>>) => inDegrees(g);
    expect(
      shown('gather_scatter', (g) =>
        [...g].some(([hub, tos]) => tos.size >= 3 && (ins(g).get(hub) ?? 0) >= 3),
      ),
    ).toBe(true);
    // Two sides, money going one way: no account both pays and is paid.
    expect(
      shown('bipartite', (g) => {
        const paid = ins(g);
        return g.size >= 3 && paid.size >= 3 && [...g.keys()].every((a) => !paid.has(a));
      }),
    ).toBe(true);
    // Layers: acyclic, three or more deep, with more than one account per layer.
    expect(
      shown('stack', (g) => !hasCycle(g) && longestPath(g) >= 2 && maxOut(g) >= 2 && maxIn(g) >= 2),
    ).toBe(true);
    // A walk of several hops through the ring's accounts.
    expect(shown('random_walk', (g) => [...g.values()].reduce((s, t) => s + t.size, 0) >= 4)).toBe(
      true,
    );
  });

  it('have 20 to 40 % of their member-held accounts reported, over the past year', () => {
    const refs = new Set((truth.noise.falselyReported ?? []).map((f) => f.ref));
    const named = new Map<string, { type: string; at: number }>();
    for (const r of reports)
      if (!refs.has(r.ref))
        for (const e of r.entities) {
          const k = key(e);
          if (k && e.role === 'beneficiary_account')
            named.set(k, { type: r.type, at: Date.parse(r.occurredAt) });
        }
    let checked = 0;
    const times: number[] = [];
    const types = new Map<string, number>();
    for (const r of rings) {
      const held = r.structure.memberHeld ?? 0;
      const reported = [...accountsOf(r)].filter((a) => named.has(a));
      expect(reported.length, r.id).toBe(r.structure.reported);
      for (const a of reported) {
        const n = named.get(a) as { type: string; at: number };
        times.push(n.at);
        types.set(n.type, (types.get(n.type) ?? 0) + 1);
      }
      if (held < 3) continue;
      checked++;
      expect(reported.length / held, r.id).toBeGreaterThanOrEqual(0.2);
      expect(reported.length / held, r.id).toBeLessThanOrEqual(0.4);
    }
    expect(checked).toBeGreaterThan(20);
    const end = Date.parse(`${OPTIONS.start}T00:00:00Z`) + OPTIONS.days * 86_400_000;
    const ages = times.map((t) => (end - t) / 86_400_000);
    expect(Math.max(...ages)).toBeLessThanOrEqual(365);
    expect(Math.min(...ages)).toBeGreaterThan(0);
    // Spread over the year: every quarter holds a fair share of them.
    for (let q = 0; q < 4; q++) {
      const inQuarter = ages.filter((a) => a >= q * 91.25 && a < (q + 1) * 91.25).length;
      expect(inQuarter / ages.length, `quarter ${q}`).toBeGreaterThan(0.15);
    }
    expect(types.get('confirmed_fraud') ?? 0).toBeGreaterThan(ages.length / 2);
    expect(types.get('suspected') ?? 0).toBeGreaterThan(0);
  });
});

describe('laundering rings among members and honest traffic', () => {
  it('leave no member more than 60 % of a large ring', () => {
    const large = rings.filter((r) => r.size >= 20);
    expect(large.length).toBeGreaterThan(15);
    for (const r of large) {
      expect(Object.keys(r.members).length, r.id).toBeGreaterThanOrEqual(2);
      expect(Math.max(...Object.values(r.members)) / r.size, r.id).toBeLessThanOrEqual(0.6);
    }
  });

  it('run through accounts that also carry honest traffic', () => {
    const all = new Set(rings.flatMap((r) => [...accountsOf(r)]));
    const ringTraffic = new Set<string>();
    const honestTraffic = new Set<string>();
    for (const l of links) {
      if (l.link !== 'transfer') continue;
      const a = key(l.from);
      const b = key(l.to);
      if (a === undefined || b === undefined) continue;
      for (const [x, y] of [
        [a, b],
        [b, a],
      ] as const) {
        if (!all.has(x)) continue;
        (all.has(y) ? ringTraffic : honestTraffic).add(x);
      }
    }
    const both = [...ringTraffic].filter((a) => honestTraffic.has(a));
    expect(ringTraffic.size).toBeGreaterThan(200);
    expect(both.length / ringTraffic.size).toBeGreaterThan(0.6);
  });

  it('live among honest hubs: merchants with many payers, payrolls, shared Wi-Fi, family devices', () => {
    const payers = new Map<string, Set<string>>();
    const payees = new Map<string, Set<string>>();
    const ipUsers = new Map<string, Set<string>>();
    const deviceUsers = new Map<string, Set<string>>();
    const add = (m: Map<string, Set<string>>, k: string, v: string) => {
      const s = m.get(k) ?? new Set();
      s.add(v);
      m.set(k, s);
    };
    for (const l of links) {
      const a = key(l.from);
      const b = key(l.to);
      if (a === undefined || b === undefined) continue;
      if (l.link === 'transfer') {
        add(payers, b, a);
        add(payees, a, b);
      }
      if (l.link === 'login' && b.startsWith('ip:')) add(ipUsers, b, a);
      if (l.link === 'login' && b.startsWith('device_id:')) add(deviceUsers, b, a);
    }
    const max = (m: Map<string, Set<string>>) => Math.max(0, ...[...m.values()].map((s) => s.size));
    expect(max(payers)).toBeGreaterThan(300);
    expect(max(payees)).toBeGreaterThan(30);
    expect(max(ipUsers)).toBeGreaterThan(30);
    expect(max(deviceUsers)).toBeGreaterThanOrEqual(4);
  });
});

describe('honest people reported once', () => {
  it('are listed in the truth, named once by one member, and go on living', () => {
    const listed = truth.noise.falselyReported ?? [];
    expect(listed.length).toBeGreaterThan(10);
    const byRef = new Map(reports.map((r) => [r.ref, r]));
    const planted = new Set(
      truth.rings.flatMap((r) =>
        Object.entries(r.identifiers).flatMap(([k, vs]) => vs.map((v) => `${k}:${v}`)),
      ),
    );
    let active = 0;
    for (const f of listed) {
      const r = byRef.get(f.ref);
      expect(r, f.ref).toBeDefined();
      expect(['confirmed_fraud', 'suspected']).toContain(r?.type);
      const subject = `${f.kind}:${f.value}`;
      expect(r?.entities.map(key)).toContain(subject);
      expect(planted.has(subject)).toBe(false);
      // Named as a fraudster once (the same person may also be a victim of a ring).
      const namedBy = reports.filter((x) =>
        x.entities.some(
          (e) => key(e) === subject && e.role !== 'victim' && e.role !== 'payer_account',
        ),
      );
      expect(namedBy.length, subject).toBe(1);
      const after = Date.parse(r?.occurredAt as string);
      if (
        links.some(
          (l) => Date.parse(l.at) > after && (key(l.from) === subject || key(l.to) === subject),
        )
      )
        active++;
    }
    expect(active / listed.length).toBeGreaterThan(0.8);
  });
});

describe('variants', () => {
  const manifest = (d: string) =>
    JSON.parse(readFileSync(join(d, 'world.json'), 'utf8')) as Manifest;

  it('record the knobs used: the defaults without a variant', () => {
    expect(manifest(dir).knobs).toEqual({ ...DEFAULT_KNOBS, launderingRings: 80 });
  });

  it('draw every knob from half to one and a half times its default, and differ by K', () => {
    const base = { seed: 5, scale: 0.1, days: 120, laundering: 40 };
    const one = manifest(world(resolveOptions({ ...base, variant: 1 })));
    const two = manifest(world(resolveOptions({ ...base, variant: 2 })));
    const defaults: Knobs = { ...DEFAULT_KNOBS, launderingRings: 40 };
    for (const knobs of [one.knobs, two.knobs]) {
      expect(knobs).toBeDefined();
      for (const [name, value] of Object.entries(knobs as Knobs)) {
        const d = defaults[name as keyof Knobs];
        expect(value, name).toBeGreaterThanOrEqual(0.5 * d);
        expect(value, name).toBeLessThanOrEqual(1.5 * d);
        expect(value, name).not.toBe(d);
      }
    }
    expect(one.knobs).not.toEqual(two.knobs);
    expect(one.options.variant).toBe(1);
  });

  it('change the fraud stories too, and add honest people reported once without laundering', () => {
    const base = { seed: 5, scale: 0.1, days: 60 };
    const plain = world(resolveOptions(base));
    const varied = world(resolveOptions({ ...base, variant: 3 }));
    const t = (d: string) => JSON.parse(readFileSync(join(d, 'truth.json'), 'utf8')) as Truth;
    expect(t(varied).rings.map((r) => r.size)).not.toEqual(t(plain).rings.map((r) => r.size));
    expect(t(varied).rings.some((r) => r.typology)).toBe(false);
    expect((t(varied).noise.falselyReported ?? []).length).toBeGreaterThan(0);
    expect(t(plain).noise.falselyReported).toBeUndefined();
  });
});
