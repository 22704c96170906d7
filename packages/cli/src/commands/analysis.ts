import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { OwnNames } from '@credence/member/own-index';
import type { PlatformEndpoint } from '@credence/member/platform-client';
import { platformRequest } from '@credence/member/platform-client';
import { type Names, ringGraphml, ringJson } from '@credence/member/ring-export';
import { type Command, Option } from 'commander';
import { readJson } from './files.js';
import { integer } from './parse.js';
import { credentialOption, endpoint } from './platform-endpoint.js';

const n = (x: number) => x.toLocaleString('en-US');

/** A list's query string: the page, and the filters that were given. */
function listQuery(
  page: { limit: number; offset: number },
  filters: Record<string, string | undefined>,
): URLSearchParams {
  const query = new URLSearchParams({ limit: String(page.limit), offset: String(page.offset) });
  for (const [name, value] of Object.entries(filters))
    if (value !== undefined) query.set(name, value);
  return query;
}

/** The platform these commands ask: --config, or --platform with a credential. */
const platformOf = (flags: {
  platform?: string;
  credential?: string;
  config?: string;
}): PlatformEndpoint =>
  endpoint(
    { ...flags, ...(flags.platform === undefined ? {} : { log: flags.platform }) },
    '--platform',
  );

interface RingSummary {
  id: string;
  score: number;
  size: number;
  categories: string[];
  reported: number;
  victims: number;
  members: number;
  explanation: string;
}

interface RingDetail extends RingSummary {
  tokens: {
    token: string;
    kind: string;
    risk: number;
    why: { reported: boolean; evidence?: number; via?: string; from?: number };
  }[];
  edges: { from: number; to: number; type: string; count: number }[];
}

/** Rings as a table, strongest first, each with its explanation. */
export function printRings(rings: readonly RingSummary[], total: number): void {
  if (rings.length === 0) {
    console.log('No rings.');
    return;
  }
  const rows = [
    ['ring', 'score', 'tokens', 'reported', 'victims', 'members', 'categories'],
    ...rings.map((r) => [
      r.id,
      r.score.toFixed(3),
      n(r.size),
      n(r.reported),
      n(r.victims),
      n(r.members),
      r.categories.join(','),
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  for (const r of rows)
    console.log(
      r
        .map((c, i) => (i === 0 || i === 6 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    );
  console.log('');
  for (const r of rings) console.log(`${r.id}: ${r.explanation}`);
  if (total > rings.length) console.log(`(${n(total - rings.length)} more: --limit, --offset)`);
}

function printRing(ring: RingDetail, names: Names): void {
  console.log(`${ring.id}  score ${ring.score}  ${n(ring.size)} tokens\n${ring.explanation}\n`);
  let yours = 0;
  let watched = 0;
  ring.tokens.forEach((t, i) => {
    const why = t.why.reported
      ? `reported (evidence ${t.why.evidence})`
      : `${t.why.via} from ${t.why.from === undefined ? 'outside the ring' : `#${t.why.from}`}`;
    const own = names(t.token);
    if (own !== undefined) {
      yours++;
      if (own.watched) watched++;
    }
    console.log(
      `#${String(i).padEnd(4)} ${t.kind.padEnd(12)} risk ${t.risk.toFixed(3)}  ${why}  ${t.token}${own === undefined ? '' : `  ← ${OwnNames.describe(own)}`}`,
    );
  });
  console.log(`\n${n(ring.edges.length)} edges inside the ring.`);
  if (yours > 0)
    console.log(
      `${n(yours)} of its tokens are yours (${n(watched)} watched customers), named from your own indexes; nothing was sent to name them.`,
    );
}

/**
 * The member's own names for tokens, when --config is a member's configuration (its
 * watch index and the index of what it tokenized, beside member.json); none otherwise.
 */
function namesOf(config: string | undefined): { names: Names; close: () => void } {
  const none = { names: () => undefined, close: () => undefined };
  if (config === undefined) return none;
  const json = readJson(config) as { memberId?: unknown };
  if (typeof json.memberId !== 'string') return none;
  const own = OwnNames.open(dirname(resolve(config)));
  return { names: (token) => own.get(token), close: () => own.close() };
}

interface CampaignSummary {
  id: string;
  category: string;
  size: number;
  members: number;
  weekly: number[];
  growth: number | null;
  script: string | null;
  rings: { id: string; reports: number }[];
}

function printCampaigns(campaigns: readonly CampaignSummary[], total: number): void {
  if (campaigns.length === 0) {
    console.log('No campaigns.');
    return;
  }
  for (const c of campaigns) {
    const growth =
      c.growth === null ? 'new this week or quiet' : `${c.growth.toFixed(2)}× week on week`;
    console.log(
      `${c.id}  ${c.category}  ${n(c.size)} reports at ${c.members} members, ${c.rings.length} rings; last 8 weeks ${c.weekly.join(' ')} (${growth})`,
    );
    if (c.script !== null) console.log(`  as told: ${c.script}`);
  }
  if (total > campaigns.length)
    console.log(`(${n(total - campaigns.length)} more: --limit, --offset)`);
}

/** `credence rings`' options. */
interface RingsFlags {
  readonly platform?: string;
  readonly credential?: string;
  readonly config?: string;
  readonly id?: string;
  readonly minScore?: string;
  readonly category?: string;
  readonly kind?: string;
  readonly limit: number;
  readonly offset: number;
  readonly json?: boolean;
  readonly export?: 'graphml' | 'json';
  readonly out?: string;
}

/** `credence rings`: one ring (printed, as JSON, or exported as a graph), or a page of them. */
async function showRings(flags: RingsFlags): Promise<void> {
  const platform = platformOf(flags);
  if (flags.id !== undefined) {
    const ring = await platformRequest<RingDetail>(
      platform,
      'GET',
      `/v1/rings/${encodeURIComponent(flags.id)}`,
    );
    const { names, close } = namesOf(flags.config);
    try {
      if (flags.export !== undefined) {
        const text =
          flags.export === 'graphml'
            ? ringGraphml(ring, names)
            : `${JSON.stringify(ringJson(ring, names), null, 2)}\n`;
        if (flags.out === undefined) process.stdout.write(text);
        else {
          writeFileSync(flags.out, text, { mode: 0o600 });
          process.stderr.write(`${ring.id} written to ${flags.out} (${flags.export}).\n`);
        }
      } else if (flags.json === true) console.log(JSON.stringify(ring, null, 2));
      else printRing(ring, names);
    } finally {
      close();
    }
    return;
  }
  const query = listQuery(flags, {
    minScore: flags.minScore,
    category: flags.category,
    kind: flags.kind,
  });
  const answer = await platformRequest<{ rings: RingSummary[]; total: number }>(
    platform,
    'GET',
    `/v1/rings?${query}`,
  );
  if (flags.json === true) console.log(JSON.stringify(answer, null, 2));
  else printRings(answer.rings, answer.total);
}

/** `credence campaigns`' options. */
interface CampaignsFlags {
  readonly platform?: string;
  readonly credential?: string;
  readonly config?: string;
  readonly id?: string;
  readonly category?: string;
  readonly minSize?: string;
  readonly limit: number;
  readonly offset: number;
  readonly json?: boolean;
}

/** `credence campaigns`: one campaign with the member's own reports in it, or a page of them. */
async function showCampaigns(flags: CampaignsFlags): Promise<void> {
  const platform = platformOf(flags);
  if (flags.id !== undefined) {
    const c = await platformRequest<CampaignSummary & { yourReports: string[] }>(
      platform,
      'GET',
      `/v1/campaigns/${encodeURIComponent(flags.id)}`,
    );
    if (flags.json === true) console.log(JSON.stringify(c, null, 2));
    else {
      printCampaigns([c], 1);
      console.log(
        `  rings: ${c.rings.map((r) => `${r.id} (${r.reports})`).join(', ') || 'none'}\n  your reports in it: ${c.yourReports.join(', ') || 'none'}`,
      );
    }
    return;
  }
  const query = listQuery(flags, { category: flags.category, minSize: flags.minSize });
  const answer = await platformRequest<{ campaigns: CampaignSummary[]; total: number }>(
    platform,
    'GET',
    `/v1/campaigns?${query}`,
  );
  if (flags.json === true) console.log(JSON.stringify(answer, null, 2));
  else printCampaigns(answer.campaigns, answer.total);
}

export function registerAnalysis(program: Command): void {
  registerAnalyze(program);
  registerPolicy(program);
  registerRings(program);
  registerCampaigns(program);
}

/** `credence analyze`: an analysis run now, and the rings it found. */
function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('Run joint analysis on the platform now (operator) and print the rings found.')
    .option('--platform <url>', 'the platform URL')
    .addOption(credentialOption())
    .option('--config <file>', "a JSON file with url and credential (the operator's)")
    .option('--limit <n>', 'rings to print', integer, 20)
    .action(
      async (flags: { platform?: string; credential?: string; config?: string; limit: number }) => {
        const platform = platformOf(flags);
        const run = await platformRequest<{
          id: number;
          rings: number;
          ringTokens: number;
          alerts: number;
          seconds: number;
          stats: { nodes: number; edges: number; reported: number };
        }>(platform, 'POST', '/v1/analysis');
        console.log(
          `Analysis ${run.id}: ${n(run.stats.nodes)} tokens, ${n(run.stats.edges)} edges, ${n(run.stats.reported)} reported in a fraudster's role → ${n(run.rings)} rings holding ${n(run.ringTokens)} tokens; ${n(run.alerts)} alerts to watchers (${run.seconds.toFixed(1)} s).\n`,
        );
        const { rings, total } = await platformRequest<{ rings: RingSummary[]; total: number }>(
          platform,
          'GET',
          `/v1/rings?limit=${flags.limit}`,
        );
        printRings(rings, total);
      },
    );
}

/** `credence policy show` and `credence policy set`. */
function registerPolicy(program: Command): void {
  const policy = program
    .command('policy')
    .description('The risk policy in force: show it (anyone), or set a new version (operator).');
  policy
    .command('show')
    .description('Print the risk policy in force and its version, as JSON.')
    .option('--platform <url>', 'the platform URL')
    .addOption(credentialOption())
    .option('--config <file>', "a member's config, or a JSON file with url and credential")
    .action(async (flags: { platform?: string; credential?: string; config?: string }) => {
      const answer = await platformRequest<{ version: number; policy: unknown }>(
        platformOf(flags),
        'GET',
        '/v1/policy',
      );
      console.log(JSON.stringify(answer, null, 2));
    });
  policy
    .command('set')
    .description(
      'Set a new version of the risk policy from a JSON file (the policy object, as policy show prints it under "policy"); logged, and checks follow it at once.',
    )
    .argument('<file>', 'the policy, as JSON')
    .option('--platform <url>', 'the platform URL')
    .addOption(credentialOption())
    .option('--config <file>', "a JSON file with url and credential (the operator's)")
    .action(
      async (file: string, flags: { platform?: string; credential?: string; config?: string }) => {
        const json = readJson(file) as { policy?: unknown };
        // Either the policy itself, or what policy show printed ({version, policy}).
        const body =
          typeof json === 'object' && json !== null && 'policy' in json ? json.policy : json;
        const { version } = await platformRequest<{ version: number }>(
          platformOf(flags),
          'PUT',
          '/v1/policy',
          body,
        );
        console.log(`policy version ${version} is in force`);
      },
    );
}

/** `credence rings`: the list of rings, or one ring. */
function registerRings(program: Command): void {
  program
    .command('rings')
    .description(
      'List the rings of the latest analysis, or show one (any member, police, auditor).',
    )
    .option('--platform <url>', 'the platform URL')
    .addOption(credentialOption())
    .option('--config <file>', "a member's config, or a JSON file with url and credential")
    .option(
      '--id <ring>',
      'show this ring: its tokens (yours named, with a member config), why each is in it, its edges',
    )
    .addOption(
      new Option('--export <format>', 'with --id: the ring as a graph file').choices([
        'graphml',
        'json',
      ]),
    )
    .option('--out <file>', 'with --export: write it here (default: standard output)')
    .option('--min-score <s>', 'rings at least this strong')
    .option('--category <c>', 'rings reported in this category')
    .option('--kind <k>', 'rings holding this kind of identifier')
    .option('--limit <n>', 'rings to print', integer, 20)
    .option('--offset <n>', 'rings to skip', integer, 0)
    .option('--json', 'print the answer as JSON')
    .action(showRings);
}

/** `credence campaigns`: the list of campaigns, or one with the member's reports in it. */
function registerCampaigns(program: Command): void {
  program
    .command('campaigns')
    .description(
      'List the campaigns of the latest analysis (scripts told at several members), or show one with your reports in it.',
    )
    .option('--platform <url>', 'the platform URL')
    .addOption(credentialOption())
    .option('--config <file>', "a member's config, or a JSON file with url and credential")
    .option('--id <campaign>', 'show this campaign, with your own reports in it')
    .option('--category <c>', 'campaigns reported in this category')
    .option('--min-size <n>', 'campaigns of at least this many reports')
    .option('--limit <n>', 'campaigns to print', integer, 20)
    .option('--offset <n>', 'campaigns to skip', integer, 0)
    .option('--json', 'print the answer as JSON')
    .action(showCampaigns);
}
