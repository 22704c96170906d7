/**
 * The PostgreSQL schema, applied in order at start-up under an advisory lock (several
 * API processes may start at once). Token-keyed tables lead with the token, the column a
 * Citus deployment distributes them on (docs/citus.md). Times are epoch milliseconds.
 */
export const POSTGRES_MIGRATIONS: readonly { readonly version: string; readonly sql: string }[] = [
  {
    version: '2026-11-25-01-platform-core',
    sql: `
      CREATE TABLE members (id TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL, status TEXT NOT NULL, created_at BIGINT NOT NULL);
      CREATE TABLE credentials (sha256 TEXT PRIMARY KEY, member_id TEXT NOT NULL REFERENCES members (id), created_at BIGINT NOT NULL, revoked_at BIGINT);
      CREATE INDEX credentials_member ON credentials (member_id);
      CREATE TABLE signing_keys (member_id TEXT NOT NULL REFERENCES members (id), public_key TEXT NOT NULL, created_at BIGINT NOT NULL, revoked_at BIGINT, PRIMARY KEY (member_id, public_key));
      CREATE TABLE batches (member_id TEXT NOT NULL, batch_id TEXT NOT NULL, kind TEXT NOT NULL, digest TEXT NOT NULL, public_key TEXT NOT NULL, signature TEXT NOT NULL, items INTEGER NOT NULL, received_at BIGINT NOT NULL, PRIMARY KEY (member_id, batch_id));
      CREATE TABLE reports (id TEXT NOT NULL, member_id TEXT NOT NULL, ref TEXT NOT NULL, type TEXT NOT NULL, category TEXT NOT NULL, occurred_at BIGINT NOT NULL, loss TEXT, entities TEXT NOT NULL, content_hash TEXT NOT NULL, batch_id TEXT NOT NULL, created_at BIGINT NOT NULL, retracted_at BIGINT, retract_reason TEXT, PRIMARY KEY (member_id, id), UNIQUE (member_id, ref));
      CREATE TABLE report_entities (token TEXT NOT NULL, report_id TEXT NOT NULL, role TEXT NOT NULL, kind TEXT NOT NULL, key_id TEXT NOT NULL, member_id TEXT NOT NULL, PRIMARY KEY (token, report_id, role));
      CREATE TABLE links (from_token TEXT NOT NULL, id TEXT NOT NULL, member_id TEXT NOT NULL, link TEXT NOT NULL, from_kind TEXT NOT NULL, to_token TEXT NOT NULL, to_kind TEXT NOT NULL, key_id TEXT NOT NULL, at BIGINT NOT NULL, count INTEGER NOT NULL, amount TEXT, content_hash TEXT NOT NULL, batch_id TEXT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (from_token, id), UNIQUE (from_token, member_id, content_hash));
      CREATE INDEX links_to ON links (to_token);
      CREATE TABLE token_stats (token TEXT NOT NULL, member_id TEXT NOT NULL, type TEXT NOT NULL, reports INTEGER NOT NULL, first_seen BIGINT NOT NULL, last_seen BIGINT NOT NULL, categories INTEGER NOT NULL, PRIMARY KEY (token, member_id, type));
      CREATE TABLE token_state (token TEXT PRIMARY KEY, kind TEXT NOT NULL, key_id TEXT NOT NULL, seq BIGINT NOT NULL, flagged BOOLEAN NOT NULL);
      CREATE INDEX token_state_seq ON token_state (seq);
      CREATE TABLE watchlist (token TEXT NOT NULL, member_id TEXT NOT NULL, kind TEXT NOT NULL, key_id TEXT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (token, member_id));
      CREATE INDEX watchlist_member ON watchlist (member_id, token);
      CREATE TABLE alerts (id BIGSERIAL, seq BIGINT NOT NULL, member_id TEXT NOT NULL, token TEXT NOT NULL, kind TEXT NOT NULL, source TEXT NOT NULL, report_type TEXT, category TEXT, link_type TEXT, occurred_at BIGINT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (member_id, id));
      CREATE INDEX alerts_member ON alerts (member_id, seq, id);
      CREATE TABLE webhooks (member_id TEXT PRIMARY KEY, url TEXT NOT NULL, created_at BIGINT NOT NULL);
      CREATE TABLE webhook_deliveries (alert_id BIGINT NOT NULL, member_id TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt_at BIGINT NOT NULL, delivered_at BIGINT, last_error TEXT, PRIMARY KEY (member_id, alert_id));
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE delivered_at IS NULL;
      CREATE TABLE policies (version INTEGER PRIMARY KEY, body JSONB NOT NULL, created_at BIGINT NOT NULL, created_by TEXT NOT NULL);
      CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL);
      INSERT INTO counters (name, value) VALUES ('seq', 0);
    `,
  },
  {
    version: '2026-11-26-01-transparency-log',
    sql: `
      CREATE INDEX links_batch ON links (member_id, batch_id);
      CREATE TABLE log_entries (idx BIGINT PRIMARY KEY, entry TEXT NOT NULL);
      CREATE TABLE log_tiles (band INTEGER NOT NULL, idx BIGINT NOT NULL, hashes BYTEA NOT NULL, PRIMARY KEY (band, idx));
      CREATE TABLE log_state (id INTEGER PRIMARY KEY CHECK (id = 1), size BIGINT NOT NULL, frontier BYTEA NOT NULL, root BYTEA NOT NULL);
      INSERT INTO log_state (id, size, frontier, root) VALUES (1, 0, '\\x', '\\xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
      CREATE TABLE oprf_usage (reporter TEXT NOT NULL, key_id TEXT NOT NULL, share_index INTEGER NOT NULL, day TEXT NOT NULL, member_id TEXT NOT NULL, evaluations BIGINT NOT NULL, PRIMARY KEY (reporter, key_id, share_index, day, member_id));
      CREATE TABLE log_checkpoints (size BIGINT PRIMARY KEY, note TEXT NOT NULL, created_at BIGINT NOT NULL);
      CREATE TABLE log_cosignatures (size BIGINT NOT NULL, witness TEXT NOT NULL, line TEXT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (size, witness));
    `,
  },
  {
    version: '2026-11-27-01-analysis',
    sql: `
      CREATE TABLE analysis_runs (id BIGINT PRIMARY KEY, created_at BIGINT NOT NULL, created_by TEXT NOT NULL, body TEXT NOT NULL);
      CREATE TABLE ring_tokens (token TEXT PRIMARY KEY, ring_id TEXT NOT NULL, kind TEXT NOT NULL, run_id BIGINT NOT NULL);
      ALTER TABLE alerts ADD COLUMN ring_id TEXT;
      ALTER TABLE reports ADD COLUMN fingerprint TEXT;
      ALTER TABLE reports ADD COLUMN script TEXT;
    `,
  },
  {
    version: '2026-12-03-01-verifiable-answers',
    sql: `
      CREATE TABLE log_records (idx BIGINT PRIMARY KEY, record TEXT NOT NULL);
      ALTER TABLE alerts ADD COLUMN log_index BIGINT;
      CREATE INDEX alerts_log ON alerts (log_index);
      CREATE TABLE alert_salts (log_index BIGINT PRIMARY KEY, salt TEXT NOT NULL);
      CREATE TABLE sequence_log (seq BIGINT PRIMARY KEY, log_size BIGINT NOT NULL);
      CREATE TABLE report_scripts (member_id TEXT NOT NULL, report_id TEXT NOT NULL, script TEXT NOT NULL, batch_id TEXT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (member_id, report_id));
      ALTER TABLE signing_keys ADD COLUMN activates_at BIGINT;
    `,
  },
  {
    // A key server member's share: it may report evaluation counts for that share only.
    // Members enrolled before stay unbound (NULL) until the operator binds them.
    version: '2026-12-03-01-keyserver-shares',
    sql: `
      ALTER TABLE members ADD COLUMN share_index INTEGER;
      CREATE UNIQUE INDEX members_share ON members (share_index) WHERE share_index IS NOT NULL;
    `,
  },
  {
    // A number or account given to a new holder (issue 12): analysis reads reassignments
    // first, and a check counts only reports after a token's latest one.
    version: '2026-12-04-01-reassignments',
    sql: `
      CREATE INDEX links_reassigned ON links (from_token, id, at) WHERE link = 'reassigned';
    `,
  },
  {
    // Witnesses the operator registers while the platform runs (issue 13): the log
    // collects their cosignatures without a restart of serve.
    version: '2026-12-04-02-witnesses',
    sql: `
      CREATE TABLE witnesses (vkey TEXT PRIMARY KEY, added_at BIGINT NOT NULL);
    `,
  },
];
