import { all, dialect, get, run, type Step } from './steps.js';

/** The PostgreSQL channel on which every committed change of the sequence is announced. */
export const CHANGES_CHANNEL = 'credence_changes';

/**
 * Tells other API processes of a change at commit (PostgreSQL's NOTIFY is delivered
 * when the transaction commits); SQLite has no other process to tell.
 */
export function* announce(what: string): Step<void> {
  if ((yield* dialect()) === 'postgres')
    yield* all('SELECT pg_notify(?, ?)', CHANGES_CHANNEL, what);
}

/** The change sequence as committed. */
export function* currentSeq(): Step<number> {
  return (
    (yield* get<{ value: number }>("SELECT value FROM counters WHERE name = 'seq'"))?.value ?? 0
  );
}

/**
 * Takes the next sequence number. On PostgreSQL the counter row stays locked until
 * commit, so sequence order is commit order and no reader skips a change that commits
 * late; SQLite has one writer.
 */
export function* bumpSeq(): Step<number> {
  const seq =
    (yield* get<{ value: number }>(
      "UPDATE counters SET value = value + 1 WHERE name = 'seq' RETURNING value",
    ))?.value ?? 0;
  yield* announce(String(seq));
  return seq;
}

/**
 * Inside a transaction that changes a member's status, credentials or keys: API
 * processes follow this counter to drop their caches (on PostgreSQL at once, by NOTIFY).
 */
export function* bumpMemberVersion(): Step<void> {
  yield* run(
    "INSERT INTO counters (name, value) VALUES ('members', 1) ON CONFLICT (name) DO UPDATE SET value = counters.value + 1",
  );
  yield* announce('members');
}

export function* memberVersion(): Step<number> {
  return (
    (yield* get<{ value: number }>("SELECT value FROM counters WHERE name = 'members'"))?.value ?? 0
  );
}

/**
 * Takes a job's turn for the platform (every API process has the job on a timer; one of
 * them should run it each interval, and only on data it has not covered): true for the
 * one process whose claim finds no turn taken, or the last taken at least `minGapMs`
 * before `now` and on an older change sequence than `basis`; it records `now` and
 * `basis`. False for every other. One statement, so two processes claiming at once
 * cannot both win.
 */
export function* takeTurn(
  job: string,
  now: number,
  minGapMs: number,
  basis: number,
): Step<boolean> {
  const row = yield* get<{ last_at: number }>(
    'INSERT INTO job_turns (job, last_at, basis) VALUES (?, ?, ?) ON CONFLICT (job) DO UPDATE SET last_at = excluded.last_at, basis = excluded.basis WHERE job_turns.last_at <= excluded.last_at - ? AND job_turns.basis < excluded.basis RETURNING last_at',
    job,
    now,
    basis,
    minGapMs,
  );
  return row !== undefined;
}
