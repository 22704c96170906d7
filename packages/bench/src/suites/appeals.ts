import { child, fmt, quick, sectionHead } from './kit.js';

/** An appeal's effect across API processes (issue 17, docs/appeals.md). */
export function appealSection(): string[] {
  const url = process.env.CREDENCE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const rounds = quick ? 20 : 100;
  const r = child<{
    skipped?: string;
    rounds: number;
    polls: number;
    clearAtFirstPoll: number;
    upholdMs: number;
    pollMs: number;
    followMs: number;
    followMaxMs: number;
    baselineMs: number;
  }>('appeal-effect.js', [url, String(rounds)]);
  const head = "### An appeal's effect: from upheld to `clear` on another API process (issue 17)";
  if (r.skipped !== undefined) return [head, '', `Not run: ${r.skipped}.`];
  console.log(
    `appeals: clear at the first poll ${r.clearAtFirstPoll} of ${r.polls}; followed alone in ${fmt(r.followMs, 1)} ms`,
  );
  return [
    head,
    '',
    `Two API processes on one PostgreSQL schema (each its own store pool, view of flagged tokens and NOTIFY listener; here in one Node process), ${r.rounds} rounds: bank-a confirms fraud about a new token on process A, bank-b appeals on B, the operator upholds on A. Half the rounds then ask B once at the ruling's sequence (\`GET /v1/check/{token}?after=<sequence>\`, what a member does after a write it was told of); the other half ask B without it, every millisecond, until it answers \`clear\` (B following the ruling through its NOTIFY listener). Baseline in the same run: a check on B of a token nobody appealed.`,
    '',
    '| measure | value | baseline in the same run |',
    '|---|---:|---:|',
    `| B answers \`clear\` at its first check after the ruling, asked at the ruling's sequence | ${r.clearAtFirstPoll} of ${r.polls} | |`,
    `| that check, from the uphold's answer (median) | ${fmt(r.pollMs, 2)} ms | a plain check on B: ${fmt(r.baselineMs, 2)} ms |`,
    `| B answers \`clear\` unasked, from the uphold's answer (median; slowest) | ${fmt(r.followMs, 2)} ms; ${fmt(r.followMaxMs, 1)} ms | |`,
    `| the uphold itself on A (median: the ruling, the token's sequence, alerts, log entries in one transaction) | ${fmt(r.upholdMs, 1)} ms | |`,
  ];
}

/** `--suite=appeals`: the section alone (also in the quality suite). */
export function appealsSuite(): string {
  return [...sectionHead('Appeals across API processes (PostgreSQL)'), ...appealSection()].join(
    '\n',
  );
}
