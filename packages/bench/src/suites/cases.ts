import { join } from 'node:path';
import { child, fmt, quick, root, sectionHead } from './kit.js';

/** Evidence packages (issue 15): `verify-package` of a case of 10,000 reports, against RFC 9162 alone. */
export function casesSuite(): string {
  const n = quick ? 2_000 : 10_000;
  const r = child<{
    reports: number;
    entries: number;
    details: number;
    packageBytes: number;
    exportSeconds: number;
    grantsPerSecond: number;
    verifySeconds: number;
    baselineSeconds: number;
    cliSeconds: number;
  }>('evidence.js', [String(n), join(root, 'packages/cli/bin/credence.js')]);
  console.log(`cases: verify-package of ${fmt(r.reports)} reports in ${fmt(r.cliSeconds, 2)} s`);
  return [
    ...sectionHead('Evidence packages (`credence case export`, `credence verify-package`)'),
    `A case of ${fmt(r.reports)} reports of one bank naming one account, each with a sealed detail, every one asked for and granted, exported in one package: ${fmt(r.entries)} log entries (the reports, each request and grant, the case's steps), ${fmt(r.details)} grants, ${fmt(r.packageBytes / 1e6, 1)} MB of JSON. An in-process platform on SQLite. Verifying is every check of docs/evidence-package.md without the recipient key (the grants' digests, not their opening); the baseline in the same run is RFC 9162 alone: every entry's leaf hash and inclusion proof. Medians of 3 in process; the command once, Node.js start included.`,
    '',
    '| measure | seconds | baseline: inclusion proofs alone | ratio | goal |',
    '|---|---:|---:|---:|---|',
    `| verify the package (in process) | ${fmt(r.verifySeconds, 2)} | ${fmt(r.baselineSeconds, 2)} | ${fmt(r.verifySeconds / r.baselineSeconds, 1)} | |`,
    `| \`credence verify-package\` (the command) | ${fmt(r.cliSeconds, 2)} | | | < 10 |`,
    `| export (\`GET /v1/cases/{id}/evidence\`) | ${fmt(r.exportSeconds, 2)} | | | |`,
    '',
    `Granting them as the bank's agent does (re-seal each report's data key to the investigator, a thousand decisions per \`POST /v1/disclosures/decisions\`, pages of requests read as it goes, every grant logged): **${fmt(r.grantsPerSecond)} grants/s** (goal ≥ 1,000/s).`,
  ].join('\n');
}
