import { median } from '../machine.js';
import { child, fmt, quick, sectionHead } from './kit.js';

interface IngestRun {
  perSecond: number;
  batchMedian: number;
}
interface IngestFigures {
  skipped?: string;
  reports: number;
  sequential: IngestRun;
  one: IngestRun;
  two: IngestRun;
  baseline: IngestRun;
}
interface LoadRun {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** Ingestion into SQLite and PostgreSQL, and risk checks against a bare Fastify route. */
export function platformSuite(): string {
  const reports = quick ? 20_000 : 100_000;
  const sqlite = child<IngestFigures>('platform-ingest.js', ['sqlite', String(reports)]);
  const pgUrl =
    process.env.CREDENCE_BENCH_POSTGRES_URL ??
    process.env.CREDENCE_TEST_POSTGRES_URL ??
    'postgres://postgres@127.0.0.1:5432/test';
  const postgres = child<IngestFigures>('platform-ingest.js', [pgUrl, String(reports)]);
  const pg = (f: (x: IngestFigures) => number) =>
    postgres.skipped === undefined ? fmt(f(postgres)) : 'skipped';
  console.log(
    `ingestion, 2 in flight: SQLite ${fmt(sqlite.one.perSecond)}/s, PostgreSQL ${pg((x) => x.one.perSecond)}/s`,
  );
  const flaggedReports = quick ? 50_000 : 250_000;
  const seconds = quick ? 5 : 10;
  const check = child<{
    flaggedTokens: number;
    connections: number;
    bare: LoadRun[];
    check: LoadRun[];
    half: LoadRun;
    halfRate: number;
    batch: LoadRun[];
    rssMb: number;
  }>('platform-check.js', [String(flaggedReports), String(seconds)]);
  const bare = median(check.bare.map((r) => r.rps));
  const single = median(check.check.map((r) => r.rps));
  const batch = median(check.batch.map((r) => r.rps));
  const failures = [...check.bare, ...check.check, ...check.batch, check.half].reduce(
    (n, r) => n + r.non2xx + r.errors,
    0,
  );
  console.log(`single check ${fmt(single)}/s vs bare ${fmt(bare)}/s`);
  return [
    ...sectionHead(
      'Platform: ingestion and risk checks (`credence serve`)',
      `; PostgreSQL ${postgres.skipped === undefined ? 'on the same machine' : `not reachable (${postgres.skipped})`}`,
    ),
    `### Ingestion: ${fmt(reports)} signed reports in batches of 5,000, over HTTP into an empty database`,
    '',
    '| submitters | SQLite (reports/s) | PostgreSQL (reports/s) | goal |',
    '|---|---:|---:|---|',
    `| one member, one batch at a time | ${fmt(sqlite.sequential.perSecond)} | ${pg((x) => x.sequential.perSecond)} | |`,
    `| one member, two batches in flight (what \`credence member submit\` does) | ${fmt(sqlite.one.perSecond)} | ${pg((x) => x.one.perSecond)} | ≥ 20,000 SQLite, ≥ 10,000 PostgreSQL |`,
    `| two members at once, two batches in flight each | ${fmt(sqlite.two.perSecond)} | ${pg((x) => x.two.perSecond)} | |`,
    `| baseline: the same bodies posted to a bare Fastify route that only parses them, one at a time | ${fmt(sqlite.baseline.perSecond)} | | |`,
    '',
    'Every batch is verified (Ed25519 over its RFC 8785 canonical JSON), its items hashed for idempotency, and stored in one transaction with per-token summaries and alerts for watchers; the answer comes once the transaction is durable (SQLite WAL with synchronous=FULL; PostgreSQL commit). The load generator, the API process (its SQLite writer thread) and PostgreSQL share the two cores.',
    ...[
      sqlite.one.perSecond < 20_000 ? 'SQLite' : undefined,
      postgres.skipped === undefined && postgres.one.perSecond < 10_000 ? 'PostgreSQL' : undefined,
    ]
      .filter((x) => x !== undefined)
      .flatMap((store) => [
        '',
        `**Below its goal here: ${store}** (two batches in flight). Why, and what would change it: docs/platform.md, "Performance".`,
      ]),
    '',
    `### Risk checks: ${fmt(check.flaggedTokens)} flagged tokens, autocannon with ${check.connections} connections, ${seconds} s per run`,
    '',
    '| measure | value | baseline in the same run | ratio | goal |',
    '|---|---:|---:|---:|---|',
    `| single check \`GET /v1/check/{token}\`, 95 % clear / 5 % flagged (median of 5 runs, alternating with the baseline's) | ${fmt(single)} requests/s | bare Fastify route returning a constant JSON of the same size: ${fmt(bare)} requests/s | ${fmt((100 * single) / bare)} % | ≥ 70 % |`,
    `| the same at half that load (${fmt(check.halfRate)} requests/s) | p99 ${fmt(check.half.p99)} ms, p50 ${fmt(check.half.p50)} ms | | | p99 < 10 ms |`,
    `| batch check \`POST /v1/check\` of 100 tokens, same mix (median of 3 runs) | ${fmt(batch * 100)} tokens/s (${fmt(batch)} requests/s) | | | ≥ 100,000 tokens/s |`,
    `| resident memory of the API process afterwards | ${fmt(check.rssMb)} MB | | | |`,
    '',
    `Failed or non-2xx responses in all runs: ${failures}. The API process runs as \`credence serve\` does by default (log level info, metrics on); a check of a token nobody reported is answered from memory (the view's compact set of every flagged token), and so is a flagged one whose summary is among the 100,000 most recently used (\`serve --check-cache\`); the others are read back from the store (issue 19, docs/deployment.md, "Memory"). Load generator and server share the two cores, so the bare route's figure is partly the load generator's ceiling.`,
  ].join('\n');
}
