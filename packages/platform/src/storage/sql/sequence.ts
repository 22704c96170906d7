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
