import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScriptReport } from '@credence/analytics/campaigns/campaigns';
import {
  type CampaignQuality,
  campaignQuality,
} from '@credence/analytics/evaluation/campaign-quality';
import { minhash, shingles } from '@credence/core/narrative/fingerprint';
import { maskNarrative } from '@credence/core/narrative/mask';
import type { Category } from '@credence/core/wire/vocabulary';
import { resolveOptions } from '@credence/sim/options';
import { simulate } from '@credence/sim/simulate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Issue 11 on a simulator world: brief narratives (how it began and how it ended), 90 %
 * of them ending with a reporting form's sentence, fingerprinted as each member does,
 * clustered as the platform does, and held against the world's truth.
 */

const dir = mkdtempSync(join(tmpdir(), 'credence-form-'));
const NOW = Date.parse('2026-09-01T00:00:00Z');
let plain: CampaignQuality;
let story: CampaignQuality;
let narratives = 0;
let withForm = 0;

beforeAll(() => {
  simulate(resolveOptions({ seed: 5, scale: 0.5, days: 120, brief: 1, boilerplate: 0.9 }), dir);
  const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as {
    campaigns: { id: string; reportRefs: string[] }[];
  };
  const campaignOf = new Map(truth.campaigns.flatMap((c) => c.reportRefs.map((r) => [r, c.id])));
  const reports: ScriptReport[] = [];
  for (const member of readdirSync(join(dir, 'members')).sort())
    for (const line of readFileSync(join(dir, 'members', member, 'reports.jsonl'), 'utf8').split(
      '\n',
    )) {
      if (line === '') continue;
      const r = JSON.parse(line) as {
        ref: string;
        category: Category;
        occurredAt: string;
        narrative?: string;
      };
      if (r.narrative === undefined) continue;
      narratives++;
      if (/对方来电号码|The caller's number was/.test(r.narrative)) withForm++;
      // What the member sends: the fingerprint of the masked narrative.
      const masked = maskNarrative(r.narrative, { phoneRegion: 'CN' });
      if (shingles(masked).size === 0) continue;
      reports.push({
        id: r.ref,
        member,
        category: r.category,
        occurredAt: Date.parse(r.occurredAt),
        signature: minhash(masked),
      });
    }
  plain = campaignQuality(reports, campaignOf, { now: NOW, formShare: 1 });
  story = campaignQuality(reports, campaignOf, { now: NOW });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('campaigns on a world whose narratives end with a reporting form (issue 11)', () => {
  it('has the form on about 90 % of the narratives', () => {
    expect(narratives).toBeGreaterThan(500);
    expect(withForm / narratives).toBeGreaterThan(0.85);
    expect(withForm / narratives).toBeLessThan(0.95);
  });

  it('chains unrelated scripts into a few campaigns under the plain estimate', () => {
    expect(plain.purity).toBeLessThan(0.7);
    expect(plain.adjustedRandIndex).toBeLessThan(0.5);
    expect(plain.crossPairs).toBeGreaterThan(1000);
  });

  it('finds each script its own campaign once the form is discounted', () => {
    expect(story.formValues).toBeGreaterThan(0);
    expect(story.crossPairs).toBe(0);
    expect(story.purity).toBeGreaterThanOrEqual(0.99);
    expect(story.adjustedRandIndex).toBeGreaterThanOrEqual(0.99);
  });
});
