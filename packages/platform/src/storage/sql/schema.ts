import type { Dialect } from './steps.js';

/**
 * The platform's schema, written once for both stores and applied in order at start-up
 * (each migration is named by date and runs once: schema_migrations). Times are epoch
 * milliseconds. Token-keyed tables lead with the token, the column a Citus deployment of
 * PostgreSQL distributes them on (docs/citus.md).
 *
 * The dialects differ in the names of a few types and in four statements (below). On
 * SQLite, tables keyed by text are WITHOUT ROWID, so that each row is written once, in
 * its key's B-tree. A migration, once released, never changes: add one instead.
 */

export interface Migration {
  readonly version: string;
  readonly sql: string;
}

interface Ddl {
  readonly dialect: Dialect;
  /** A 64-bit integer: times in milliseconds, sequence numbers, log indexes. */
  readonly big: string;
  readonly bytes: string;
  readonly json: string;
  readonly bool: string;
  /** After a table keyed by text. */
  readonly keyed: string;
  /** Before TABLE: a table derived from others, not written to the WAL (PostgreSQL). */
  readonly unlogged: string;
}

const DDL: Record<Dialect, Ddl> = {
  sqlite: {
    dialect: 'sqlite',
    big: 'INTEGER',
    bytes: 'BLOB',
    json: 'TEXT',
    bool: 'INTEGER',
    keyed: ' WITHOUT ROWID',
    unlogged: '',
  },
  postgres: {
    dialect: 'postgres',
    big: 'BIGINT',
    bytes: 'BYTEA',
    json: 'JSONB',
    bool: 'BOOLEAN',
    keyed: '',
    unlogged: 'UNLOGGED ',
  },
};

// Alerts are numbered by the store: SQLite's rowid; a PostgreSQL sequence, keyed with the
// member so that a distributed deployment keeps a member's alerts together.
const ALERTS: Record<Dialect, string> = {
  sqlite:
    'CREATE TABLE alerts (id INTEGER PRIMARY KEY AUTOINCREMENT, seq INTEGER NOT NULL, member_id TEXT NOT NULL, token TEXT NOT NULL, kind TEXT NOT NULL, source TEXT NOT NULL, report_type TEXT, category TEXT, link_type TEXT, occurred_at INTEGER NOT NULL, created_at INTEGER NOT NULL)',
  postgres:
    'CREATE TABLE alerts (id BIGSERIAL, seq BIGINT NOT NULL, member_id TEXT NOT NULL, token TEXT NOT NULL, kind TEXT NOT NULL, source TEXT NOT NULL, report_type TEXT, category TEXT, link_type TEXT, occurred_at BIGINT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (member_id, id))',
};
const WEBHOOK_DELIVERIES: Record<Dialect, string> = {
  sqlite:
    'CREATE TABLE webhook_deliveries (alert_id INTEGER PRIMARY KEY, member_id TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL, delivered_at INTEGER, last_error TEXT)',
  postgres:
    'CREATE TABLE webhook_deliveries (alert_id BIGINT NOT NULL, member_id TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt_at BIGINT NOT NULL, delivered_at BIGINT, last_error TEXT, PRIMARY KEY (member_id, alert_id))',
};
// Deliveries due: PostgreSQL indexes the undelivered alone (a partial index).
const WEBHOOK_DELIVERIES_DUE: Record<Dialect, string> = {
  sqlite:
    'CREATE INDEX webhook_deliveries_due ON webhook_deliveries (delivered_at, next_attempt_at)',
  postgres:
    'CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE delivered_at IS NULL',
};
// The empty log: no frontier, the root SHA-256 of nothing (RFC 9162 §2.1.1), as each
// dialect writes bytes.
const LOG_STATE_START: Record<Dialect, string> = {
  sqlite:
    "INSERT INTO log_state (id, size, frontier, root) VALUES (1, 0, x'', x'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')",
  postgres:
    "INSERT INTO log_state (id, size, frontier, root) VALUES (1, 0, '\\x', '\\xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')",
};

const MIGRATIONS: readonly { readonly version: string; readonly sql: (t: Ddl) => string }[] = [
  {
    version: '2026-11-25-01-platform-core',
    sql: (t) => `
      CREATE TABLE members (id TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL, status TEXT NOT NULL, created_at ${t.big} NOT NULL);
      CREATE TABLE credentials (sha256 TEXT PRIMARY KEY, member_id TEXT NOT NULL REFERENCES members (id), created_at ${t.big} NOT NULL, revoked_at ${t.big});
      CREATE INDEX credentials_member ON credentials (member_id);
      CREATE TABLE signing_keys (member_id TEXT NOT NULL REFERENCES members (id), public_key TEXT NOT NULL, created_at ${t.big} NOT NULL, revoked_at ${t.big}, PRIMARY KEY (member_id, public_key))${t.keyed};
      CREATE TABLE batches (member_id TEXT NOT NULL, batch_id TEXT NOT NULL, kind TEXT NOT NULL, digest TEXT NOT NULL, public_key TEXT NOT NULL, signature TEXT NOT NULL, items INTEGER NOT NULL, received_at ${t.big} NOT NULL, PRIMARY KEY (member_id, batch_id))${t.keyed};
      CREATE TABLE reports (id TEXT NOT NULL, member_id TEXT NOT NULL, ref TEXT NOT NULL, type TEXT NOT NULL, category TEXT NOT NULL, occurred_at ${t.big} NOT NULL, loss TEXT, entities TEXT NOT NULL, content_hash TEXT NOT NULL, batch_id TEXT NOT NULL, created_at ${t.big} NOT NULL, retracted_at ${t.big}, retract_reason TEXT, PRIMARY KEY (member_id, id), UNIQUE (member_id, ref))${t.keyed};
      CREATE TABLE report_entities (token TEXT NOT NULL, report_id TEXT NOT NULL, role TEXT NOT NULL, kind TEXT NOT NULL, key_id TEXT NOT NULL, member_id TEXT NOT NULL, PRIMARY KEY (token, report_id, role))${t.keyed};
      CREATE TABLE links (from_token TEXT NOT NULL, id TEXT NOT NULL, member_id TEXT NOT NULL, link TEXT NOT NULL, from_kind TEXT NOT NULL, to_token TEXT NOT NULL, to_kind TEXT NOT NULL, key_id TEXT NOT NULL, at ${t.big} NOT NULL, count INTEGER NOT NULL, amount TEXT, content_hash TEXT NOT NULL, batch_id TEXT NOT NULL, created_at ${t.big} NOT NULL, PRIMARY KEY (from_token, id), UNIQUE (from_token, member_id, content_hash))${t.keyed};
      CREATE INDEX links_to ON links (to_token);
      CREATE TABLE token_stats (token TEXT NOT NULL, member_id TEXT NOT NULL, type TEXT NOT NULL, reports INTEGER NOT NULL, first_seen ${t.big} NOT NULL, last_seen ${t.big} NOT NULL, categories INTEGER NOT NULL, PRIMARY KEY (token, member_id, type))${t.keyed};
      CREATE TABLE token_state (token TEXT PRIMARY KEY, kind TEXT NOT NULL, key_id TEXT NOT NULL, seq ${t.big} NOT NULL, flagged ${t.bool} NOT NULL)${t.keyed};
      CREATE INDEX token_state_seq ON token_state (seq);
      CREATE TABLE watchlist (token TEXT NOT NULL, member_id TEXT NOT NULL, kind TEXT NOT NULL, key_id TEXT NOT NULL, created_at ${t.big} NOT NULL, PRIMARY KEY (token, member_id))${t.keyed};
      CREATE INDEX watchlist_member ON watchlist (member_id, token);
      ${ALERTS[t.dialect]};
      CREATE INDEX alerts_member ON alerts (member_id, seq, id);
      CREATE TABLE webhooks (member_id TEXT PRIMARY KEY, url TEXT NOT NULL, created_at ${t.big} NOT NULL);
      ${WEBHOOK_DELIVERIES[t.dialect]};
      ${WEBHOOK_DELIVERIES_DUE[t.dialect]};
      CREATE TABLE policies (version INTEGER PRIMARY KEY, body ${t.json} NOT NULL, created_at ${t.big} NOT NULL, created_by TEXT NOT NULL);
      CREATE TABLE counters (name TEXT PRIMARY KEY, value ${t.big} NOT NULL);
      INSERT INTO counters (name, value) VALUES ('seq', 0);
    `,
  },
  {
    version: '2026-11-26-01-transparency-log',
    sql: (t) => `
      CREATE INDEX links_batch ON links (member_id, batch_id);
      CREATE TABLE log_entries (idx ${t.big} PRIMARY KEY, entry TEXT NOT NULL);
      CREATE TABLE log_tiles (band INTEGER NOT NULL, idx ${t.big} NOT NULL, hashes ${t.bytes} NOT NULL, PRIMARY KEY (band, idx))${t.keyed};
      CREATE TABLE log_state (id INTEGER PRIMARY KEY CHECK (id = 1), size ${t.big} NOT NULL, frontier ${t.bytes} NOT NULL, root ${t.bytes} NOT NULL);
      ${LOG_STATE_START[t.dialect]};
      CREATE TABLE oprf_usage (reporter TEXT NOT NULL, key_id TEXT NOT NULL, share_index INTEGER NOT NULL, day TEXT NOT NULL, member_id TEXT NOT NULL, evaluations ${t.big} NOT NULL, PRIMARY KEY (reporter, key_id, share_index, day, member_id));
      CREATE TABLE log_checkpoints (size ${t.big} PRIMARY KEY, note TEXT NOT NULL, created_at ${t.big} NOT NULL);
      CREATE TABLE log_cosignatures (size ${t.big} NOT NULL, witness TEXT NOT NULL, line TEXT NOT NULL, created_at ${t.big} NOT NULL, PRIMARY KEY (size, witness))${t.keyed};
    `,
  },
  {
    version: '2026-11-27-01-analysis',
    sql: (t) => `
      CREATE TABLE analysis_runs (id ${t.big} PRIMARY KEY, created_at ${t.big} NOT NULL, created_by TEXT NOT NULL, body TEXT NOT NULL);
      CREATE TABLE ring_tokens (token TEXT PRIMARY KEY, ring_id TEXT NOT NULL, kind TEXT NOT NULL, run_id ${t.big} NOT NULL)${t.keyed};
      ALTER TABLE alerts ADD COLUMN ring_id TEXT;
      ALTER TABLE reports ADD COLUMN fingerprint TEXT;
      ALTER TABLE reports ADD COLUMN script TEXT;
    `,
  },
  {
    version: '2026-12-03-01-verifiable-answers',
    sql: (t) => `
      CREATE TABLE log_records (idx ${t.big} PRIMARY KEY, record TEXT NOT NULL);
      ALTER TABLE alerts ADD COLUMN log_index ${t.big};
      CREATE INDEX alerts_log ON alerts (log_index);
      CREATE TABLE alert_salts (log_index ${t.big} PRIMARY KEY, salt TEXT NOT NULL);
      CREATE TABLE sequence_log (seq ${t.big} PRIMARY KEY, log_size ${t.big} NOT NULL);
      CREATE TABLE report_scripts (member_id TEXT NOT NULL, report_id TEXT NOT NULL, script TEXT NOT NULL, batch_id TEXT NOT NULL, created_at ${t.big} NOT NULL, PRIMARY KEY (member_id, report_id))${t.keyed};
      ALTER TABLE signing_keys ADD COLUMN activates_at ${t.big};
    `,
  },
  {
    // A key server member's share: it may report evaluation counts for that share only.
    // Members enrolled before stay unbound (NULL) until the operator binds them.
    version: '2026-12-03-01-keyserver-shares',
    sql: () => `
      ALTER TABLE members ADD COLUMN share_index INTEGER;
      CREATE UNIQUE INDEX members_share ON members (share_index) WHERE share_index IS NOT NULL;
    `,
  },
  {
    // A number or account given to a new holder (issue 12): analysis reads reassignments
    // first, and a check counts only reports after a token's latest one.
    version: '2026-12-04-01-reassignments',
    sql: () => `
      CREATE INDEX links_reassigned ON links (from_token, id, at) WHERE link = 'reassigned';
    `,
  },
  {
    // Witnesses the operator registers while the platform runs (issue 13): the log
    // collects their cosignatures without a restart of serve.
    version: '2026-12-04-02-witnesses',
    sql: (t) => `
      CREATE TABLE witnesses (vkey TEXT PRIMARY KEY, added_at ${t.big} NOT NULL);
    `,
  },
  {
    // A report's narrative and exact loss sealed to its member's key (issue 15): the
    // ciphertext as JSON (core/sealing/sealed-detail.ts), which the report's entry binds.
    version: '2026-12-05-01-sealed-details',
    sql: () => `
      ALTER TABLE reports ADD COLUMN sealed TEXT;
    `,
  },
  {
    // Police cases and disclosures (issue 15, docs/cases.md): a case with its legal basis
    // and recipient key, what is attached to it and the reports that brings in, and each
    // disclosure request with its grant (the data key re-sealed to the recipient).
    version: '2026-12-05-02-cases',
    sql: (t) => `
      CREATE TABLE cases (id TEXT PRIMARY KEY, member_id TEXT NOT NULL, basis TEXT NOT NULL, basis_type TEXT NOT NULL, recipient TEXT NOT NULL, expires_at ${t.big} NOT NULL, created_at ${t.big} NOT NULL, closed_at ${t.big})${t.keyed};
      CREATE INDEX cases_member ON cases (member_id, id);
      CREATE TABLE case_items (case_id TEXT NOT NULL, kind TEXT NOT NULL, item TEXT NOT NULL, reports INTEGER NOT NULL, attached_at ${t.big} NOT NULL, PRIMARY KEY (case_id, kind, item))${t.keyed};
      CREATE TABLE case_reports (case_id TEXT NOT NULL, member_id TEXT NOT NULL, report_id TEXT NOT NULL, via TEXT NOT NULL, attached_at ${t.big} NOT NULL, PRIMARY KEY (case_id, member_id, report_id))${t.keyed};
      CREATE TABLE disclosures (id ${t.big} PRIMARY KEY, case_id TEXT NOT NULL, police_id TEXT NOT NULL, owner_id TEXT NOT NULL, report_id TEXT NOT NULL, status TEXT NOT NULL, requested_at ${t.big} NOT NULL, decided_at ${t.big}, grant_box TEXT, reason TEXT, fetched_at ${t.big}, UNIQUE (case_id, owner_id, report_id));
      CREATE INDEX disclosures_owner ON disclosures (owner_id, id);
      CREATE INDEX disclosures_case ON disclosures (case_id, id);
    `,
  },
  {
    // Reports' evidence files (issue 15, docs/sealing.md): each file's ciphertext, sealed
    // at its member under the detail's data key; the report's sealed detail lists its
    // size and digest, which the report's entry binds.
    version: '2026-12-05-03-evidence-files',
    sql: (t) => `
      CREATE TABLE evidence_files (member_id TEXT NOT NULL, report_id TEXT NOT NULL, idx INTEGER NOT NULL, sha256 TEXT NOT NULL, bytes ${t.bytes} NOT NULL, created_at ${t.big} NOT NULL, PRIMARY KEY (member_id, report_id, idx))${t.keyed};
    `,
  },
  {
    // The platform's dashboard (issue 16, docs/dashboard.md): one-time sign-in links and
    // sessions of the operator's and auditors' people, each by the SHA-256 of its secret.
    version: '2026-12-06-01-ui-sessions',
    sql: (t) => `
      CREATE TABLE ui_links (hash TEXT PRIMARY KEY, member_id TEXT NOT NULL, expires_at ${t.big} NOT NULL);
      CREATE TABLE ui_sessions (hash TEXT PRIMARY KEY, member_id TEXT NOT NULL, expires_at ${t.big} NOT NULL);
    `,
  },
  {
    // Outcomes (issue 17, docs/outcomes.md): what members did with answers and alerts,
    // one row per member, token and outcome; the measures read them by token and kind.
    version: '2026-12-06-02-outcomes',
    sql: (t) => `
      CREATE TABLE outcomes (id ${t.big} PRIMARY KEY, member_id TEXT NOT NULL, token TEXT NOT NULL, outcome TEXT NOT NULL, basis TEXT NOT NULL, verdict TEXT, checked_at ${t.big}, amount TEXT, categories INTEGER NOT NULL, at ${t.big} NOT NULL, created_at ${t.big} NOT NULL);
      CREATE INDEX outcomes_member_token ON outcomes (member_id, token, id);
      CREATE INDEX outcomes_token ON outcomes (token, outcome);
      CREATE TABLE quality_weights (version ${t.big} PRIMARY KEY, body TEXT NOT NULL, created_at ${t.big} NOT NULL);
    `,
  },
  {
    // A victim's own identifiers take no risk (issue 17: outcomes showed victims' numbers
    // answered `suspicious`): the summaries are made again from the reports that stand,
    // counting only the entities at risk (core/risk/token-summary.ts, riskTokens), each
    // report once per token, its category as its bit (the sum of distinct bits is their
    // union); a token named only on the victim's side stays known but is not flagged.
    // Written out (not built from CATEGORIES and AT_RISK_SQL): a migration never changes.
    version: '2026-12-06-03-victims-take-no-risk',
    sql: () => `
      DELETE FROM token_stats;
      INSERT INTO token_stats (token, member_id, type, reports, first_seen, last_seen, categories)
        SELECT e.token, r.member_id, r.type, COUNT(DISTINCT r.id), MIN(r.occurred_at), MAX(r.occurred_at),
          SUM(DISTINCT CASE r.category WHEN 'task_rebate' THEN 1 WHEN 'fake_investment' THEN 2 WHEN 'fake_loan' THEN 4 WHEN 'fake_customer_service' THEN 8 WHEN 'impersonate_authority' THEN 16 WHEN 'fake_credit_repair' THEN 32 WHEN 'game_trading' THEN 64 WHEN 'romance' THEN 128 WHEN 'impersonate_acquaintance' THEN 256 WHEN 'fake_shopping' THEN 512 WHEN 'phishing_sms' THEN 1024 WHEN 'malware_app' THEN 2048 WHEN 'sextortion' THEN 4096 WHEN 'other' THEN 8192 ELSE 0 END)
        FROM report_entities e JOIN reports r ON r.member_id = e.member_id AND r.id = e.report_id
        WHERE r.retracted_at IS NULL AND NOT (e.role IN ('victim', 'payer_account') OR (r.type = 'victim_report' AND e.role IN ('device', 'ip')))
        GROUP BY e.token, r.member_id, r.type;
      UPDATE token_state SET flagged = EXISTS (SELECT 1 FROM token_stats t WHERE t.token = token_state.token);
    `,
  },
  {
    // Appeals (issue 17, docs/appeals.md): one row per appeal, opened through a member
    // and ruled on by the operator; checks read each token's latest upheld one.
    version: '2026-12-06-04-appeals',
    sql: (t) => `
      CREATE TABLE appeals (id ${t.big} PRIMARY KEY, token TEXT NOT NULL, kind TEXT NOT NULL, key_id TEXT NOT NULL, member_id TEXT NOT NULL, reason TEXT NOT NULL, opened_at ${t.big} NOT NULL, status TEXT NOT NULL, ruled_at ${t.big}, ruled_by TEXT, ruling_reason TEXT);
      CREATE INDEX appeals_token ON appeals (token, status);
      CREATE INDEX appeals_member ON appeals (member_id, id);
    `,
  },
  {
    // Public statistics (issue 17, docs/statistics.md): one row per release of a week's
    // cut, with the ε it spent (thousandths, so that sums are exact) and its noised cells.
    version: '2026-12-07-01-stats-releases',
    sql: (t) => `
      CREATE TABLE stats_releases (week TEXT NOT NULL, cut TEXT NOT NULL, epsilon_milli INTEGER NOT NULL, threshold INTEGER NOT NULL, cells TEXT NOT NULL, released_at ${t.big} NOT NULL, released_by TEXT NOT NULL, PRIMARY KEY (week, cut));
    `,
  },
  {
    // Regions (issue 17, docs/statistics.md): where a report's victim lives (ISO 3166-2),
    // where the member said or its side derived it; the statistics cut by it. Reports
    // taken before have none (their region is unknown).
    version: '2026-12-07-02-report-regions',
    sql: () => `
      ALTER TABLE reports ADD COLUMN region TEXT;
    `,
  },
  {
    // Exposure warnings (issue 17, docs/exposures.md): one row per part of a seized list
    // the police uploaded, with its counts and a salted digest of its sorted tokens (a
    // repeat of the same part changes nothing; other tokens under its name are refused).
    // The tokens themselves are not kept.
    version: '2026-12-07-03-exposures',
    sql: (t) => `
      CREATE TABLE exposures (id ${t.big} PRIMARY KEY, member_id TEXT NOT NULL, list TEXT NOT NULL, part INTEGER NOT NULL, seized_at ${t.big} NOT NULL, tokens INTEGER NOT NULL, tokens_digest TEXT NOT NULL, tokens_salt TEXT NOT NULL, matched INTEGER NOT NULL, alerts TEXT NOT NULL, created_at ${t.big} NOT NULL, UNIQUE (member_id, list, part));
    `,
  },
  {
    // Standard Webhooks (issue 18, docs/platform.md): each registration of a webhook gets
    // a random nonce, from which and the platform's key its HMAC secret is derived when a
    // delivery is signed. The secret itself is kept nowhere; registering again rotates it.
    // A webhook registered before has none, and its secret is derived from the member alone.
    version: '2026-12-08-01-webhook-secrets',
    sql: () => `
      ALTER TABLE webhooks ADD COLUMN secret_nonce TEXT;
    `,
  },
  {
    // Compact filters of flagged tokens (issue 18, docs/filters.md): each published
    // version per key id and width, its bytes, the release its `filter` log entry records
    // and that entry's index (a member pulling it verifies its inclusion), and the SHA-256
    // of the sorted tokens it was built from (the next build publishes only if it moved).
    version: '2026-12-08-02-filters',
    sql: (t) => `
      CREATE TABLE filters (key_id TEXT NOT NULL, bits INTEGER NOT NULL, version INTEGER NOT NULL, tokens INTEGER NOT NULL, sha256 TEXT NOT NULL, tokens_digest TEXT NOT NULL, bytes ${t.bytes} NOT NULL, release TEXT NOT NULL, log_index ${t.big} NOT NULL, created_at ${t.big} NOT NULL, PRIMARY KEY (key_id, bits, version));
    `,
  },
  {
    // Filter deltas (docs/filters.md): a version is a base (all flagged tokens) or, with
    // `base` set, an additions filter of the tokens flagged since that base. `seq` is the
    // change sequence the tokens were read at: the tokens whose state moved after a base's
    // `seq` are all the next additions need. The versions before this had none (0: every
    // flagged token counts as added since them, so the next build publishes a base).
    version: '2026-12-09-01-filter-deltas',
    sql: (t) => `
      ALTER TABLE filters ADD COLUMN seq ${t.big} NOT NULL DEFAULT 0;
      ALTER TABLE filters ADD COLUMN base INTEGER;
    `,
  },
  {
    // TAXII 2.1 (issue 18, docs/interop.md): when each change of the sequence was made,
    // kept non-decreasing in sequence order (a write takes the later of its own time and
    // the last one's), so that the changes of a day are a range of sequence numbers; and
    // when each token was first known, so that its indicator's `created` stays put.
    // Changes made before this take the time of the log entry they left last; tokens, the
    // time of their last change.
    version: '2026-12-09-02-sequence-times',
    sql: (t) => `
      ALTER TABLE sequence_log ADD COLUMN at ${t.big};
      ${
        t.dialect === 'postgres'
          ? `UPDATE sequence_log l SET at = (SELECT (extract(epoch FROM ((e.entry::json)->>'time')::timestamptz) * 1000)::bigint FROM log_entries e WHERE e.idx = l.log_size - 1)`
          : `UPDATE sequence_log SET at = (SELECT CAST(round((julianday(json_extract(e.entry, '$.time')) - 2440587.5) * 86400000) AS INTEGER) FROM log_entries e WHERE e.idx = sequence_log.log_size - 1)`
      };
      CREATE INDEX sequence_log_at ON sequence_log (at);
      ALTER TABLE token_state ADD COLUMN first_at ${t.big};
      UPDATE token_state SET first_at = (SELECT l.at FROM sequence_log l WHERE l.seq = token_state.seq);
    `,
  },
  {
    // Jobs that several API processes run on timers but one of them should (analysis, the
    // filters' build): the last time a process took its turn at each, and the change
    // sequence that turn covered (docs/deployment.md).
    version: '2026-12-10-01-job-turns',
    sql: (t) => `
      CREATE TABLE job_turns (job TEXT PRIMARY KEY, last_at ${t.big} NOT NULL, basis ${t.big} NOT NULL);
    `,
  },
  {
    // An analysis run's ranks as rows, read by checks a token at a time, and its document
    // without them (summary) with the whole document's digest: what every API node loads
    // (issue 19; before, each node parsed the whole document, every token's rank in it).
    // Runs kept before have neither: a node loads their whole document as it did. The
    // ranks are derived from the document, so PostgreSQL keeps them out of its WAL
    // (UNLOGGED): a run's rows (hundreds of thousands) are not written twice nor sent to
    // the synchronous standby, whose flush every commit waits for; after a crash or a
    // failover they are gone, and the first node to load the run puts them back from the
    // document.
    version: '2026-12-11-01-analysis-ranks',
    sql: (t) => `
      ALTER TABLE analysis_runs ADD COLUMN summary TEXT;
      ALTER TABLE analysis_runs ADD COLUMN result_sha256 TEXT;
      ALTER TABLE analysis_runs ADD COLUMN rank_filter ${t.bytes};
      CREATE ${t.unlogged}TABLE analysis_ranks (run_id ${t.big} NOT NULL, token TEXT NOT NULL, score DOUBLE PRECISION NOT NULL, percentile DOUBLE PRECISION NOT NULL, near INTEGER NOT NULL, via TEXT, PRIMARY KEY (run_id, token))${t.keyed};
    `,
  },
  {
    // A run's ranks keyed by token first, as every token-keyed table is (issue 19). Keyed
    // by run first, PostgreSQL found a check's tokens by scanning the whole run when its
    // statistics had not yet seen the run (as after every run): 0.5 s a check at 120,000
    // ranks, which took the soak's two cores from its sixth minute. An index by run would
    // be chosen the same way, so none is kept: which runs have their ranks is a table of
    // its own (analysis_ranks_kept, unlogged too, so that a crash empties both). The rows
    // are derived: the table is made again empty, and the first node to load the latest
    // run puts its ranks back from the document.
    version: '2026-12-12-01-analysis-ranks-by-token',
    sql: (t) => `
      DROP TABLE analysis_ranks;
      CREATE ${t.unlogged}TABLE analysis_ranks (token TEXT NOT NULL, run_id ${t.big} NOT NULL, score DOUBLE PRECISION NOT NULL, percentile DOUBLE PRECISION NOT NULL, near INTEGER NOT NULL, via TEXT, PRIMARY KEY (token, run_id))${t.keyed};
      CREATE ${t.unlogged}TABLE analysis_ranks_kept (run_id ${t.big} PRIMARY KEY);
    `,
  },
];

/** The migrations as the dialect runs them, in order. */
export function migrations(dialect: Dialect): readonly Migration[] {
  return MIGRATIONS.map((m) => ({ version: m.version, sql: m.sql(DDL[dialect]) }));
}
