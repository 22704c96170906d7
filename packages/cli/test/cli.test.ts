import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { credence, credenceWith, temporaryFolders } from './command-line.js';

/**
 * The simulation end to end from the command line: `credence sim` writes a world,
 * `credence start` takes a demo consortium through the platform, `credence eval` holds
 * the pipeline against the truth.
 */

const temp = temporaryFolders();

/** One hash of every file below `root`, by its path and its bytes. */
function digest(root: string): string {
  const hash = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(path.slice(root.length)).update(readFileSync(path));
    }
  };
  walk(root);
  return hash.digest('hex');
}

describe('credence sim', () => {
  it('writes the same bytes twice for the same seed', () => {
    const a = join(temp(), 'w');
    const b = join(temp(), 'w');
    const first = credence('sim', '--seed', '7', '--scale', '0.2', '--days', '60', '--out', a);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain('Rings:');
    expect(first.out).toContain('bank-a');
    expect(
      credence('sim', '--seed', '7', '--scale', '0.2', '--days', '60', '--out', b, '--quiet').code,
    ).toBe(0);
    expect(digest(a)).toBe(digest(b));
    expect(existsSync(join(a, 'truth.json'))).toBe(true);
    expect(existsSync(join(a, 'members', 'telecom-b', 'links.jsonl'))).toBe(true);
  });

  it('takes the make-up of the consortium', () => {
    const out = join(temp(), 'w');
    const r = credence(
      'sim',
      '--scale',
      '0.1',
      '--days',
      '40',
      '--banks',
      '1',
      '--payments',
      '1',
      '--telecoms',
      '1',
      '--internet',
      '1',
      '--police',
      '2',
      '--out',
      out,
      '--quiet',
    );
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(join(out, 'members')).sort()).toEqual([
      'bank-a',
      'internet-a',
      'payment-a',
      'police-a',
      'police-b',
      'telecom-a',
    ]);
  });

  it('refuses bad options with exit code 2 and names the option', () => {
    const missing = credence('sim');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--out');
    const scale = credence('sim', '--scale', '-1', '--out', join(temp(), 'w'));
    expect(scale.code).toBe(2);
    expect(scale.err).toContain('scale');
    const banks = credence('sim', '--banks', '0', '--payments', '0', '--out', join(temp(), 'w'));
    expect(banks.code).toBe(2);
    expect(banks.err).toContain('members.bank');
    const date = credence('sim', '--start', '2026-13-45', '--out', join(temp(), 'w'));
    expect(date.code).toBe(2);
    expect(date.err).toContain('start');
    const allow = credence('serve', '--webhook-allow', 'localhost', '--db', join(temp(), 'p'));
    expect(allow.code).toBe(2);
    expect(allow.err).toContain('--webhook-allow');
  });
});

describe('credence start', () => {
  it('writes the demo consortium, submits it through the member side to the platform and says where to look', () => {
    const data = temp();
    // Progress lines at every step (stderr is not a terminal here).
    const r = credenceWith(
      { CREDENCE_PROGRESS_SECONDS: '0' },
      'start',
      '--data',
      data,
      '--exit',
      '--scale',
      '0.05',
      '--port-base',
      '17101',
      '--port',
      '0',
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Where to look');
    // The long part says how far it is, ending with every line of every member's files.
    const submitting = r.err.split('\n').filter((l) => l.startsWith('tokenizing and submitting: '));
    expect(submitting.length).toBeGreaterThan(2);
    expect(submitting.at(-1)).toMatch(
      /^tokenizing and submitting: ([\d,]+) of \1 lines \([\d,]+\/s, about 0 s left\); \S+ links$/,
    );
    expect(r.out).toMatch(
      /[\d,]+ distinct tokens; [\d,]+ of them appear in the data of two or more members/,
    );
    expect(r.out).toMatch(/Platform \(SQLite, .*platform\.sqlite\): http:\/\/127\.0\.0\.1:\d+/);
    expect(r.out).toMatch(/[\d,]+ tokens are flagged by reports; [\d,]+ alerts went to members/);
    expect(r.out).toMatch(/member check --config .*bank-a\/member\.json --kind \w+ \S+ +# fraud/);
    expect(r.out).toMatch(
      /Joint analysis: [\d,]+ tokens and [\d,]+ edges from every member's data → [\d,]+ rings/,
    );
    expect(r.out).toMatch(/Campaigns: [\d,]+ scripts told to victims at several members/);
    // A police case on the strongest ring: one owner's agent grants by policy, the
    // investigator reads, and the evidence package verifies offline.
    expect(r.out).toMatch(
      /A police case: police-a opens case-[0-9a-f]{20} with a court order on \S+, which brings in [\d,]+ reports/,
    );
    expect(r.out).toMatch(/'s agent grants its [1-9][\d,]* by its policy/);
    expect(r.out).toMatch(/The investigator opens [1-9][\d,]* granted details with its own key/);
    expect(r.out).toContain('verified offline with the log key alone');
    // What left the members of their narratives, as it is: two shared them masked.
    expect(r.out).toContain(
      'bank-b and internet-a opted to share their narratives masked (numbers, links, addresses and handles replaced, as the scripts below show); the other 6 members sent fingerprints only, and no raw narrative left any member.',
    );
    expect(r.out).not.toContain('the narratives never left the members');
    expect(existsSync(join(data, 'demo', 'truth.json'))).toBe(true);
    expect(existsSync(join(data, 'members', 'bank-a', 'tokens', 'reports.jsonl'))).toBe(true);
    expect(existsSync(join(data, 'members', 'bank-a', 'tokens', 'reports.results.jsonl'))).toBe(
      true,
    );
    // Each key server, bound to its share, had its counts logged as that share, and
    // none refused.
    const db = new Database(join(data, 'platform.sqlite'), { readonly: true });
    try {
      const rows = db
        .prepare('SELECT DISTINCT reporter, share_index FROM oprf_usage ORDER BY reporter')
        .all() as { reporter: string; share_index: number }[];
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) expect(r.reporter).toBe(`keyserver-${r.share_index}`);
    } finally {
      db.close();
    }
    for (const index of [1, 2, 3])
      expect(readFileSync(join(data, 'logs', `keyserver-${index}.log`), 'utf8')).not.toContain(
        'the platform refused the usage report',
      );
  });
});

describe('credence eval', () => {
  it('runs the whole pipeline on a world and holds it against the truth', () => {
    const world = join(temp(), 'w');
    // Seed 4: a small world whose police seized lists (three, 73 victims on them).
    expect(
      credence('sim', '--seed', '4', '--scale', '0.1', '--days', '90', '--out', world, '--quiet')
        .code,
    ).toBe(0);
    const r = credence('eval', '--world', world, '--json');
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(r.out) as {
      rings: {
        found: number;
        truth: number;
        f1: number;
        matchedFound: number;
        matchedTrue: number;
        misses: Record<'fragments' | 'mixtures' | 'outside' | 'untouched' | 'touched', number>;
      };
      namedRings: { truth: number; matched: number; untouched: number };
      tokens: { precision: number; recall: number; unreported: number };
      lift: { lift: number; allMembers: number; bestSingle: number };
      campaigns: { found: number; reports: number; purity: number; adjustedRandIndex: number };
      inProcessRings: number;
      exposures: {
        lists: number;
        listedVictims: number;
        warnedInTime: number;
        warnedLate: number;
        missed: number;
        unserved: number;
        alerts: number;
      };
    };
    const truth = JSON.parse(readFileSync(join(world, 'truth.json'), 'utf8')) as {
      rings: unknown[];
      campaigns: unknown[];
    };
    expect(report.rings.truth).toBe(truth.rings.length);
    expect(report.rings.found).toBeGreaterThan(0);
    // The platform and the same algorithm run in-process on the members' files agree.
    expect(report.inProcessRings).toBe(report.rings.found);
    // Every miss is said once: each unmatched found ring, each unmatched true ring.
    const { misses } = report.rings;
    expect(misses.fragments + misses.mixtures + misses.outside).toBe(
      report.rings.found - report.rings.matchedFound,
    );
    expect(misses.untouched + misses.touched).toBe(report.rings.truth - report.rings.matchedTrue);
    expect(report.namedRings.untouched).toBeLessThanOrEqual(
      report.namedRings.truth - report.namedRings.matched,
    );
    for (const x of [
      report.rings.f1,
      report.tokens.precision,
      report.tokens.recall,
      report.campaigns.purity,
    ]) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(1);
    }
    expect(report.lift.allMembers).toBeGreaterThanOrEqual(report.lift.bestSingle);
    expect(report.campaigns.found).toBeGreaterThan(0);
    expect(report.campaigns.reports).toBeGreaterThan(0);
    // Exposure warnings (docs/exposures.md): every listed victim a member serves was told
    // about by an alert, from the leak's spelling to the member's; each counted once.
    const e = report.exposures;
    expect(e.lists).toBeGreaterThan(0);
    expect(e.listedVictims).toBeGreaterThan(0);
    expect(e.missed).toBe(0);
    expect(e.warnedInTime + e.warnedLate + e.missed + e.unserved).toBe(e.listedVictims);
    expect(e.alerts).toBeGreaterThanOrEqual(e.warnedInTime + e.warnedLate);
    const table = credence('eval', '--world', join(temp(), 'nothing'));
    expect(table.code).toBe(1);
    expect(table.err).toContain('truth.json');
  }, 180_000);
});
