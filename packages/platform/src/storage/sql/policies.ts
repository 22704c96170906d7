import type { QualityRule } from '@credence/core/risk/quality';
import type { PolicyRecord } from '../../domain/types.js';
import { tableEventEntry } from '../log-append.js';
import { reweigh } from './outcomes.js';
import { all, append, dialect, get, readJson, run, type Step } from './steps.js';

/** The operator's policies, versioned and logged: written once for both stores. */

export function* latestPolicy(): Step<PolicyRecord | undefined> {
  const row = yield* get<{
    version: number;
    body: unknown;
    created_at: number;
    created_by: string;
  }>('SELECT * FROM policies ORDER BY version DESC LIMIT 1');
  return row === undefined
    ? undefined
    : {
        version: row.version,
        body: yield* readJson(row.body),
        createdAt: row.created_at,
        createdBy: row.created_by,
      };
}

/** Keeps the next version of the policy and logs it; its version number. */
export function* putPolicy(
  body: unknown,
  createdBy: string,
  at: number,
  /** The new policy's quality rule: the contributors are weighed again with it at once. */
  quality?: QualityRule,
): Step<number> {
  // Versions are max + 1: on PostgreSQL two writers take turns on the table's lock.
  if ((yield* dialect()) === 'postgres') yield* run('LOCK TABLE policies IN EXCLUSIVE MODE');
  const version =
    ((yield* all<{ v: number | null }>('SELECT max(version) AS v FROM policies'))[0]?.v ?? 0) + 1;
  yield* run(
    'INSERT INTO policies (version, body, created_at, created_by) VALUES (?, ?, ?, ?)',
    version,
    JSON.stringify(body),
    at,
    createdBy,
  );
  yield* append([tableEventEntry('policy_change', createdBy, `policy/${version}`, at, body)]);
  // A new quality rule weighs the contributors again at once (docs/outcomes.md).
  if (quality !== undefined) yield* reweigh(at, { version, rule: quality });
  return version;
}

/** The policy's versions, newest first (their bodies are in the log's policy_change entries). */
export function* policyVersions(): Step<
  { version: number; createdAt: number; createdBy: string }[]
> {
  const rows = yield* all<{ version: number; created_at: number | string; created_by: string }>(
    'SELECT version, created_at, created_by FROM policies ORDER BY version DESC LIMIT 100',
  );
  return rows.map((r) => ({
    version: Number(r.version),
    createdAt: Number(r.created_at),
    createdBy: r.created_by,
  }));
}
