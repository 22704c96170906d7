import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import type { AlertRecord } from '@credence/core/log/entries';
import type { Alert, TokenRef, WebhookDelivery } from '../../domain/types.js';
import { alertRecordOf, type StoredAlertRow } from '../log-append.js';
import { type AlertRow, alertOf } from '../rows.js';
import { all, dialect, get, run, type Step } from './steps.js';

/** Watchlists, alerts and webhook deliveries: written once for both stores. */

/** An alert to raise: to whom, about which token, why and when it happened. */
export interface AlertToRaise {
  readonly memberId: string;
  readonly token: string;
  readonly kind: string;
  readonly source: string;
  readonly occurredAt: number;
}

/**
 * Alerts under sequence `seq`, in the order given, each with its webhook delivery queued
 * where its member has a webhook: the alerts as their write's log entry commits to them.
 * On PostgreSQL two statements whatever their number (an upload of a seized list may
 * raise thousands); on SQLite, in process, a statement each.
 */
export function* raiseAlerts(
  seq: number,
  alerts: readonly AlertToRaise[],
  at: number,
): Step<AlertRecord[]> {
  if (alerts.length === 0) return [];
  let rows: StoredAlertRow[];
  if ((yield* dialect()) === 'postgres') {
    rows = yield* all<StoredAlertRow>(
      `INSERT INTO alerts (seq, member_id, token, kind, source, occurred_at, created_at)
       SELECT ?, a.member_id, a.token, a.kind, a.source, a.occurred_at, ?
       FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[]) WITH ORDINALITY AS a(member_id, token, kind, source, occurred_at, n)
       ORDER BY a.n
       RETURNING *`,
      seq,
      at,
      alerts.map((a) => a.memberId),
      alerts.map((a) => a.token),
      alerts.map((a) => a.kind),
      alerts.map((a) => a.source),
      alerts.map((a) => a.occurredAt),
    );
    yield* run(
      `INSERT INTO webhook_deliveries (alert_id, member_id, attempts, next_attempt_at)
       SELECT a.id, a.member_id, 0, ? FROM unnest(?::bigint[]) AS r(id) JOIN alerts a ON a.id = r.id JOIN webhooks h ON h.member_id = a.member_id`,
      at,
      rows.map((r) => r.id),
    );
  } else {
    rows = [];
    for (const a of alerts) {
      const [row] = yield* all<StoredAlertRow>(
        'INSERT INTO alerts (seq, member_id, token, kind, source, occurred_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *',
        seq,
        a.memberId,
        a.token,
        a.kind,
        a.source,
        a.occurredAt,
        at,
      );
      yield* run(
        'INSERT INTO webhook_deliveries (alert_id, member_id, attempts, next_attempt_at) SELECT ?, member_id, 0, ? FROM webhooks WHERE member_id = ?',
        row?.id,
        at,
        a.memberId,
      );
      if (row !== undefined) rows.push(row);
    }
  }
  return rows.map(alertRecordOf);
}

/** One alert to one member under sequence `seq` (raiseAlerts with one). */
export function* raiseAlert(
  seq: number,
  memberId: string,
  alert: Omit<AlertToRaise, 'memberId'>,
  at: number,
): Step<AlertRecord[]> {
  return yield* raiseAlerts(seq, [{ memberId, ...alert }], at);
}

export function* addWatch(memberId: string, tokens: readonly TokenRef[], at: number): Step<number> {
  if ((yield* dialect()) === 'postgres')
    return yield* run(
      `INSERT INTO watchlist (token, member_id, kind, key_id, created_at) SELECT token, ?, kind, key_id, ? FROM unnest(?::text[], ?::text[], ?::text[]) AS t(token, kind, key_id)
       ON CONFLICT DO NOTHING`,
      memberId,
      at,
      tokens.map((t) => t.token),
      tokens.map((t) => t.kind),
      tokens.map((t) => t.keyId),
    );
  let added = 0;
  for (const t of tokens)
    added += yield* run(
      'INSERT OR IGNORE INTO watchlist (token, member_id, kind, key_id, created_at) VALUES (?, ?, ?, ?, ?)',
      t.token,
      memberId,
      t.kind,
      t.keyId,
      at,
    );
  return added;
}

export function* removeWatch(memberId: string, tokens: readonly string[]): Step<number> {
  if ((yield* dialect()) === 'postgres')
    return yield* run(
      'DELETE FROM watchlist WHERE member_id = ? AND token = ANY(?::text[])',
      memberId,
      tokens,
    );
  let removed = 0;
  for (const t of tokens)
    removed += yield* run('DELETE FROM watchlist WHERE token = ? AND member_id = ?', t, memberId);
  return removed;
}

export function* listWatch(
  memberId: string,
  afterToken: string | undefined,
  limit: number,
): Step<TokenRef[]> {
  const rows = yield* all<{ token: string; kind: IdentifierKind; key_id: string }>(
    'SELECT token, kind, key_id FROM watchlist WHERE member_id = ? AND token > ? ORDER BY token LIMIT ?',
    memberId,
    afterToken ?? '',
    limit,
  );
  return rows.map((r) => ({ token: r.token, kind: r.kind, keyId: r.key_id }));
}

export function* listAlerts(
  memberId: string,
  after: { seq: number; id: number } | undefined,
  limit: number,
): Step<Alert[]> {
  const a = after ?? { seq: 0, id: 0 };
  const rows = yield* all<AlertRow>(
    'SELECT * FROM alerts WHERE member_id = ? AND (seq, id) > (?, ?) ORDER BY seq, id LIMIT ?',
    memberId,
    a.seq,
    a.id,
    limit,
  );
  return rows.map(alertOf);
}

/** A member's webhook: where to POST, and the nonce its signing secret is derived from. */
export interface WebhookRow {
  readonly url: string;
  readonly secretNonce: string;
}

export function* setWebhook(
  memberId: string,
  url: string,
  secretNonce: string,
  at: number,
): Step<void> {
  yield* run(
    `INSERT INTO webhooks (member_id, url, secret_nonce, created_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (member_id) DO UPDATE SET url = excluded.url, secret_nonce = excluded.secret_nonce`,
    memberId,
    url,
    secretNonce,
    at,
  );
}

export function* getWebhook(memberId: string): Step<WebhookRow | undefined> {
  const row = yield* get<{ url: string; secret_nonce: string | null }>(
    'SELECT url, secret_nonce FROM webhooks WHERE member_id = ?',
    memberId,
  );
  return row === undefined ? undefined : { url: row.url, secretNonce: row.secret_nonce ?? '' };
}

/** Removes a member's webhook; with `url`, only while it still points there. */
export function* deleteWebhook(memberId: string, url?: string): Step<boolean> {
  if (url !== undefined)
    return (yield* run('DELETE FROM webhooks WHERE member_id = ? AND url = ?', memberId, url)) > 0;
  return (yield* run('DELETE FROM webhooks WHERE member_id = ?', memberId)) > 0;
}

type DeliveryRow = AlertRow & { attempts: number; url: string; secret_nonce: string | null };

/**
 * Claims up to `limit` due deliveries, leasing them until `now + leaseMs`. On PostgreSQL
 * several API processes share the queue: SKIP LOCKED gives each delivery to one.
 */
export function* claimDeliveries(
  now: number,
  leaseMs: number,
  limit: number,
): Step<WebhookDelivery[]> {
  let rows: DeliveryRow[];
  if ((yield* dialect()) === 'postgres')
    rows = yield* all<DeliveryRow>(
      `WITH due AS (
         SELECT member_id, alert_id FROM webhook_deliveries WHERE delivered_at IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED
       ), leased AS (
         UPDATE webhook_deliveries d SET next_attempt_at = ? FROM due WHERE d.member_id = due.member_id AND d.alert_id = due.alert_id RETURNING d.member_id, d.alert_id, d.attempts
       )
       SELECT a.*, leased.attempts, w.url, w.secret_nonce FROM leased JOIN alerts a ON a.member_id = leased.member_id AND a.id = leased.alert_id JOIN webhooks w ON w.member_id = a.member_id`,
      now,
      limit,
      now + leaseMs,
    );
  else {
    rows = yield* all<DeliveryRow>(
      `SELECT a.*, d.attempts, w.url, w.secret_nonce FROM webhook_deliveries d JOIN alerts a ON a.id = d.alert_id JOIN webhooks w ON w.member_id = d.member_id
       WHERE d.delivered_at IS NULL AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at LIMIT ?`,
      now,
      limit,
    );
    for (const r of rows)
      yield* run(
        'UPDATE webhook_deliveries SET next_attempt_at = ? WHERE alert_id = ?',
        now + leaseMs,
        r.id,
      );
  }
  return rows.map((r) => ({
    alert: alertOf(r),
    memberId: r.member_id,
    url: r.url,
    secretNonce: r.secret_nonce ?? '',
    attempts: r.attempts,
  }));
}

export function* deliveryDone(alertId: number, at: number): Step<void> {
  yield* run(
    'UPDATE webhook_deliveries SET delivered_at = ?, attempts = attempts + 1 WHERE alert_id = ?',
    at,
    alertId,
  );
}

export function* deliveryFailed(alertId: number, nextAttemptAt: number, error: string): Step<void> {
  yield* run(
    'UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE alert_id = ?',
    nextAttemptAt,
    error.slice(0, 500),
    alertId,
  );
}
