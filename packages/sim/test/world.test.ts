import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDENTIFIER_KINDS } from '@credence/core/identifiers/kinds';
import { tryNormalizeIdentifier } from '@credence/core/identifiers/normalize';
import { CATEGORIES, ENTITY_ROLES, LINK_TYPES, REPORT_TYPES } from '@credence/core/wire/vocabulary';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveOptions } from '../src/options.js';
import { type SimSummary, simulate } from '../src/simulate.js';

/**
 * One small world, generated once, checked from every side a user of the simulator
 * relies on: determinism, the raw format, each member's view, and the truth file.
 */

interface Institution {
  id: string;
  type: string;
  member: boolean;
  bins?: string[];
  accountPrefix?: string;
  mobilePrefixes?: string[];
  imPlatform?: string;
  emailDomains?: string[];
}
interface Endpoint {
  kind: string;
  value: string;
}
interface Report {
  ref: string;
  type: string;
  category: string;
  occurredAt: string;
  lossCny?: number;
  entities: (Endpoint & { role: string })[];
  narrative?: string;
}
interface Link {
  link: string;
  from: Endpoint;
  to: Endpoint;
  at: string;
  count: number;
  amountCny?: number;
}
interface TruthRing {
  id: string;
  size: number;
  members: Record<string, number>;
  identifiers: Record<string, string[]>;
  unseenIdentifiers: Record<string, string[]>;
}
interface Truth {
  rings: TruthRing[];
  campaigns: { id: string; category: string; reportRefs: string[]; rings: string[] }[];
  noise: {
    falseReports: { ref: string }[];
    typos: { ref: string; kind: string }[];
    recycledPhones: { phone: string; reassignedOnDay: number }[];
  };
}

const OPTIONS = resolveOptions({ seed: 7, scale: 0.5, days: 120 });
const dirs: string[] = [];
let dir = '';
let summary: SimSummary;
let truth: Truth;
let institutions: Institution[];
const reports = new Map<string, Report[]>();
const links = new Map<string, Link[]>();

const readJsonl = <T>(path: string): T[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as T);

function tree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else
        out.set(
          path.slice(root.length),
          createHash('sha256').update(readFileSync(path)).digest('hex'),
        );
    }
  };
  walk(root);
  return out;
}

function world(seed = OPTIONS.seed): string {
  const d = mkdtempSync(join(tmpdir(), 'credence-sim-'));
  dirs.push(d);
  simulate({ ...OPTIONS, seed }, d);
  return d;
}

/** Canonical keys of a raw value: the value and, for a url, its domain. */
function keys(e: Endpoint): string[] {
  const r = tryNormalizeIdentifier(e.kind, e.value);
  if (!r.ok) return [];
  return [r.identifier, ...r.identifier.derived].map((i) => `${i.kind}:${i.value}`);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'credence-sim-'));
  dirs.push(dir);
  summary = simulate(OPTIONS, dir);
  truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as Truth;
  institutions = (
    JSON.parse(readFileSync(join(dir, 'world.json'), 'utf8')) as { institutions: Institution[] }
  ).institutions;
  for (const m of institutions.filter((i) => i.member)) {
    reports.set(m.id, readJsonl<Report>(join(dir, 'members', m.id, 'reports.jsonl')));
    links.set(m.id, readJsonl<Link>(join(dir, 'members', m.id, 'links.jsonl')));
  }
});

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('determinism', () => {
  it('gives byte-identical output for the same seed and options', () => {
    const again = world();
    expect(tree(again)).toEqual(tree(dir));
  });

  it('gives another world for another seed', () => {
    const other = tree(world(8));
    expect(other.get('/truth.json')).not.toBe(tree(dir).get('/truth.json'));
  });
});

describe('raw format (SPEC §5)', () => {
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

  it('writes well-formed reports', () => {
    for (const [member, list] of reports) {
      expect(list.length, member).toBeGreaterThan(0);
      const refs = new Set<string>();
      for (const r of list) {
        expect(r.ref.startsWith(`${member}-`)).toBe(true);
        expect(refs.has(r.ref)).toBe(false);
        refs.add(r.ref);
        expect(REPORT_TYPES).toContain(r.type);
        expect(CATEGORIES).toContain(r.category);
        expect(r.occurredAt).toMatch(iso);
        if (r.lossCny !== undefined)
          expect(Number.isInteger(r.lossCny) && r.lossCny > 0).toBe(true);
        expect(r.entities.length).toBeGreaterThan(0);
        for (const e of r.entities) {
          expect(ENTITY_ROLES).toContain(e.role);
          expect(IDENTIFIER_KINDS).toContain(e.kind);
          expect(typeof e.value).toBe('string');
        }
      }
    }
  });

  it('writes well-formed links', () => {
    for (const list of links.values()) {
      for (const l of list) {
        expect(LINK_TYPES).toContain(l.link);
        expect(IDENTIFIER_KINDS).toContain(l.from.kind);
        expect(IDENTIFIER_KINDS).toContain(l.to.kind);
        expect(l.at).toMatch(iso);
        expect(Number.isInteger(l.count) && l.count >= 1).toBe(true);
        expect(l.amountCny === undefined || l.link === 'transfer').toBe(true);
      }
    }
  });

  it('writes identifiers that normalize, except the mistyped ones the truth lists', () => {
    let failed = 0;
    let total = 0;
    for (const member of reports.keys()) {
      for (const r of reports.get(member) ?? []) {
        for (const e of r.entities) {
          total++;
          if (keys(e).length === 0) failed++;
        }
      }
      for (const l of links.get(member) ?? []) {
        total += 2;
        expect(keys(l.from).length, JSON.stringify(l.from)).toBeGreaterThan(0);
        expect(keys(l.to).length, JSON.stringify(l.to)).toBeGreaterThan(0);
      }
    }
    expect(total).toBeGreaterThan(10_000);
    expect(failed).toBeLessThanOrEqual(truth.noise.typos.length);
  });

  it('spells values in more than one way', () => {
    const phones = new Set<string>();
    for (const list of links.values())
      for (const l of list)
        if (l.from.kind === 'phone') phones.add(l.from.value.replace(/\d/g, '9'));
    expect(phones.size).toBeGreaterThanOrEqual(3);
  });
});

describe("each member's files hold only what that member would see", () => {
  const byId = () => new Map(institutions.map((i) => [i.id, i]));
  const holds = (m: Institution, e: Endpoint) => {
    const r = tryNormalizeIdentifier(e.kind, e.value);
    if (!r.ok) return false;
    const v = r.identifier.value;
    if (e.kind === 'bank_card') return (m.bins ?? []).includes(v.slice(0, 6));
    if (e.kind === 'bank_account')
      return m.accountPrefix !== undefined && v.startsWith(m.accountPrefix);
    if (e.kind === 'phone') {
      // Firms' fixed and service lines carry no operator in their digits.
      return (
        !/^\+861/.test(v) ||
        (m.mobilePrefixes ?? []).includes(v.slice(3, 6)) ||
        !v.startsWith('+86')
      );
    }
    if (e.kind === 'im_account') return v.startsWith(`${m.imPlatform}:`);
    if (e.kind === 'email') return (m.emailDomains ?? []).some((d) => v.endsWith(`@${d}`));
    return false;
  };

  it('banks: transfers, logins and registrations of their own accounts', () => {
    for (const [id, list] of links) {
      const m = byId().get(id) as Institution;
      if (m.type !== 'bank') continue;
      for (const l of list) {
        expect(['transfer', 'login', 'registered_with']).toContain(l.link);
        if (l.link === 'transfer')
          expect(holds(m, l.from) || holds(m, l.to), JSON.stringify(l)).toBe(true);
        else expect(holds(m, l.from), JSON.stringify(l)).toBe(true);
      }
      for (const r of reports.get(id) ?? []) {
        for (const e of r.entities)
          expect(['imei', 'im_account'].includes(e.kind) && e.role !== 'contact').toBe(false);
        for (const e of r.entities.filter((x) => x.role === 'payer_account'))
          expect(holds(m, e)).toBe(true);
      }
    }
  });

  it('telecoms: calls, messages, SIMs in devices and registrations of their numbers', () => {
    for (const [id, list] of links) {
      const m = byId().get(id) as Institution;
      if (m.type !== 'telecom') continue;
      for (const l of list) {
        expect(['call', 'sms', 'login', 'registered_with']).toContain(l.link);
        expect(l.from.kind).toBe('phone');
        if (l.link === 'call' || l.link === 'sms')
          expect(holds(m, l.from) || holds(m, l.to), JSON.stringify(l)).toBe(true);
        else expect(holds(m, l.from), JSON.stringify(l)).toBe(true);
      }
      for (const r of reports.get(id) ?? [])
        for (const e of r.entities) expect(['bank_card', 'bank_account']).not.toContain(e.kind);
    }
  });

  it('internet companies: installs, and logins and registrations of their own accounts', () => {
    for (const [id, list] of links) {
      const m = byId().get(id) as Institution;
      if (m.type !== 'internet') continue;
      for (const l of list) {
        expect(['install', 'login', 'registered_with']).toContain(l.link);
        if (l.link === 'install') expect([l.from.kind, l.to.kind]).toEqual(['device_id', 'app']);
        else expect(holds(m, l.from), JSON.stringify(l)).toBe(true);
      }
      for (const r of reports.get(id) ?? [])
        for (const e of r.entities) expect(['bank_card', 'imei']).not.toContain(e.kind);
    }
  });
});

describe('recycled numbers', () => {
  // Numbers change hands 30 to 120 days after their ring closes: a year-long world.
  it("are reported as given to their new holder, before the holder's card is registered with them", () => {
    const d = mkdtempSync(join(tmpdir(), 'credence-sim-'));
    dirs.push(d);
    simulate(resolveOptions({ seed: 7, scale: 0.3, days: 365 }), d);
    const year = JSON.parse(readFileSync(join(d, 'truth.json'), 'utf8')) as Truth & {
      start: string;
    };
    const members = (
      JSON.parse(readFileSync(join(d, 'world.json'), 'utf8')) as { institutions: Institution[] }
    ).institutions.filter((i) => i.member);
    const all = members.flatMap((m) => readJsonl<Link>(join(d, 'members', m.id, 'links.jsonl')));
    const phoneOf = (e: Endpoint) => keys(e).find((k) => k.startsWith('phone:'));
    const given = new Map(
      year.noise.recycledPhones
        .filter((r) => r.reassignedOnDay < 365)
        .map((r) => [`phone:${r.phone}`, r.reassignedOnDay]),
    );
    // The operator reports it, when the operator is a member.
    const reassigned = all.filter((l) => l.link === 'reassigned');
    expect(reassigned.length).toBeGreaterThan(0);
    const start = Date.parse(year.start);
    const seen = new Set<string>();
    for (const r of reassigned) {
      const key = phoneOf(r.from) as string;
      expect(given.has(key), key).toBe(true);
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
      expect(Math.floor((Date.parse(r.at) - start) / 86_400_000)).toBe(given.get(key));
      expect(r.to.kind).toBe('id_number');
      const cards = all.filter(
        (l) => l.link === 'registered_with' && phoneOf(l.to) === key && l.from.kind === 'bank_card',
      );
      for (const c of cards) expect(Date.parse(c.at)).toBeGreaterThanOrEqual(Date.parse(r.at));
    }
  });
});

describe('truth.json', () => {
  const recycled = () => new Set(truth.noise.recycledPhones.map((r) => `phone:${r.phone}`));

  /** Per member, the canonical keys of every identifier in its files. */
  function seenByMember(): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    for (const member of reports.keys()) {
      const seen = new Set<string>();
      for (const r of reports.get(member) ?? [])
        for (const e of r.entities) for (const k of keys(e)) seen.add(k);
      for (const l of links.get(member) ?? [])
        for (const k of [...keys(l.from), ...keys(l.to)]) seen.add(k);
      out.set(member, seen);
    }
    return out;
  }

  it("counts exactly the ring identifiers in each member's files", () => {
    const seen = seenByMember();
    const skip = recycled();
    expect(truth.rings.length).toBeGreaterThan(10);
    for (const ring of truth.rings) {
      const planted = Object.entries(ring.identifiers).flatMap(([k, vs]) =>
        vs.map((v) => `${k}:${v}`),
      );
      const hidden = Object.entries(ring.unseenIdentifiers).flatMap(([k, vs]) =>
        vs.map((v) => `${k}:${v}`),
      );
      expect(planted.length).toBe(ring.size);
      for (const [member, keysSeen] of seen) {
        const all = planted.filter((k) => keysSeen.has(k)).length;
        const withoutRecycled = planted.filter((k) => keysSeen.has(k) && !skip.has(k)).length;
        const counted = ring.members[member] ?? 0;
        expect(counted, `${ring.id} at ${member}`).toBeLessThanOrEqual(all);
        expect(counted, `${ring.id} at ${member}`).toBeGreaterThanOrEqual(withoutRecycled);
        for (const k of hidden)
          if (!skip.has(k))
            expect(keysSeen.has(k), `${ring.id}: ${k} is marked unseen`).toBe(false);
      }
    }
  });

  it('covers every identifier that confirmed and suspected reports name in a fraud role', () => {
    const planted = new Set(
      truth.rings.flatMap((r) =>
        Object.entries(r.identifiers).flatMap(([k, vs]) => vs.map((v) => `${k}:${v}`)),
      ),
    );
    const wrong = new Set(truth.noise.falseReports.map((f) => f.ref));
    const fraudRoles = [
      'caller',
      'sms_sender',
      'beneficiary_account',
      'contact',
      'app',
      'url',
      'device',
      'ip',
      'wallet',
    ];
    let checked = 0;
    for (const list of reports.values()) {
      for (const r of list) {
        if (r.type === 'victim_report' || wrong.has(r.ref)) continue;
        for (const e of r.entities.filter((x) => fraudRoles.includes(x.role))) {
          checked++;
          for (const k of keys(e)) expect(planted.has(k), `${r.ref} ${e.role} ${k}`).toBe(true);
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('lists campaigns whose references are real reports with narratives of their category', () => {
    const all = new Map<string, Report>();
    for (const list of reports.values()) for (const r of list) all.set(r.ref, r);
    expect(truth.campaigns.length).toBeGreaterThan(5);
    for (const c of truth.campaigns) {
      expect(c.rings.length).toBeGreaterThan(0);
      for (const ref of c.reportRefs) {
        const r = all.get(ref);
        expect(r, ref).toBeDefined();
        expect(r?.narrative).toBeTruthy();
        expect(r?.category).toBe(c.category);
      }
    }
  });

  it('lists the noise it planted', () => {
    const refs = new Set([...reports.values()].flatMap((list) => list.map((r) => r.ref)));
    expect(truth.noise.falseReports.length).toBeGreaterThan(0);
    expect(truth.noise.recycledPhones.length).toBeGreaterThan(0);
    for (const f of truth.noise.falseReports) expect(refs.has(f.ref)).toBe(true);
    for (const t of truth.noise.typos) expect(refs.has(t.ref)).toBe(true);
  });

  it('makes joint analysis matter: rings span members and no member sees most of a large one', () => {
    expect(summary.multiMemberShare).toBeGreaterThanOrEqual(0.9);
    const shares = truth.rings
      .filter((r) => r.size >= 20)
      .map((r) => Math.max(...Object.values(r.members)) / r.size)
      .sort((a, b) => a - b);
    expect(shares.length).toBeGreaterThan(5);
    expect(shares[Math.floor(shares.length / 2)]).toBeLessThan(0.5);
    expect(shares[shares.length - 1]).toBeLessThan(0.75);
  });
});
