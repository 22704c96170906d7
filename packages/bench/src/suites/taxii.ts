import { child, fmt, quick, sectionHead } from './kit.js';

/** The TAXII 2.1 server and the STIX export at a million flagged tokens (issue 18, docs/interop.md). */
export function taxiiSuite(): string {
  const n = quick ? 100_000 : 1_000_000;
  type Export = { objects: number; seconds: number; maxRssBytes: number; fileBytes: number };
  const r = child<{
    tokens: number;
    pageObjects: number;
    pageBytes: number;
    firstPageMs: number;
    firstPageMaxMs: number;
    middlePageMs: number;
    checkMs: number;
    whole: Export;
    tenth: Export;
  }>('taxii.js', [String(n)], ['--max-old-space-size=4096']);
  console.log(
    `taxii: first page ${fmt(r.firstPageMs, 1)} ms at ${fmt(r.tokens)} flagged tokens; export ${fmt(r.whole.objects)} objects in ${fmt(r.whole.seconds, 1)} s, peak ${fmt(r.whole.maxRssBytes / 2 ** 20)} MiB`,
  );
  const mib = (b: number) => `${fmt(b / 2 ** 20)} MiB`;
  const row = (name: string, e: Export) =>
    `| ${name} | ${fmt(e.objects)} | ${mib(e.fileBytes)} | ${fmt(e.seconds, 1)} s | ${fmt(e.objects / e.seconds)} | ${mib(e.maxRssBytes)} |`;
  return [
    ...sectionHead('TAXII 2.1 and STIX export (`http/routes/taxii.ts`, `member/stix-export.ts`)'),
    `\`credence serve\` on SQLite holding ${fmt(r.tokens)} flagged tokens (filled directly, 10,000 a batch, a batch a day: the collection is dated by day, 10,000 tokens a day sorted by token on each page), asked over HTTP one request at a time, 25 rounds, the first 5 as warm-up, medians of the rest. A page is ${fmt(r.pageObjects)} STIX objects (${mib(r.pageBytes)}): each indicator assessed from the token's reports as of the end of the day of its last change, with when they stop making it suspicious. Baseline in the same run: a batch check of 1,000 flagged tokens (the same view's answers, without STIX). Issue 18's goals: the first page of 1,000 indicators in ≤ 50 ms at 1 million flagged tokens; an export of 1 million in bounded memory.`,
    '',
    '| request | median | ratio to the baseline | goal |',
    '|---|---:|---:|---|',
    `| first page (limit 1,000) | ${fmt(r.firstPageMs, 1)} ms (slowest ${fmt(r.firstPageMaxMs, 1)} ms) | ${fmt(r.firstPageMs / r.checkMs, 2)} | ≤ 50 ms |`,
    `| a page from the middle (its \`next\`) | ${fmt(r.middlePageMs, 1)} ms | ${fmt(r.middlePageMs / r.checkMs, 2)} | |`,
    `| POST /v1/check of 1,000 flagged tokens (baseline) | ${fmt(r.checkMs, 1)} ms | 1.00 | |`,
    '',
    `The export (\`member export-stix\`'s code, \`exportStix\`, in a process of its own; pages of 1,000 written to the file as they come): the whole collection, and a tenth of it (the days after 90 % of the batches, by \`added_after\`). Bounded memory: the two peaks alike while the objects differ tenfold.`,
    '',
    '| export | objects | file | time | objects/s | peak resident memory |',
    '|---|---:|---:|---:|---:|---:|',
    row('the whole collection', r.whole),
    row('a tenth (added_after)', r.tenth),
  ].join('\n');
}
