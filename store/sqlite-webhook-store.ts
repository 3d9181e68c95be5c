import { randomBytes, randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { SecretBox } from '../common/crypto.js';
import { HOUR_MS } from '../common/durations.js';
import { prepared } from './sqlite-statements.js';
import { toNotification, type NotificationRow } from './sqlite-notification-store.js';
import type {
  Notification,
  NotificationType,
  WebhookState,
  WebhookStore,
  WebhookSubscription,
} from './types.js';

/** How long a replaced signing secret still signs, so receivers can switch without a gap. */
export const PREVIOUS_SECRET_VALID_MS = 24 * HOUR_MS;

export interface SubscriptionRow {
  id: string;
  url: string;
  event_types: string;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at_ms: number | null;
  state: WebhookState;
  state_changed_at_ms: number;
  failure_reason: string | null;
  cursor_seq: number;
  created_at_ms: number;
}

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Subscriptions over the SQLite store's open database; secrets sealed with the store's box. */
export function createSqliteWebhookStore(
  db: Database.Database,
  box: SecretBox,
  now: () => number,
): WebhookStore {
  const read = (id: string) => selectRow(db, id);
  const withPending = (row: SubscriptionRow) => ({
    ...subscriptionFromRow(row, now()),
    pending: countPending(db, row),
  });

  return {
    createWebhook: (input) => Promise.resolve(insertSubscription(db, box, input, now())),
    readWebhook: (id) => Promise.resolve(mapRow(read(id), now())),
    listWebhooks: () => Promise.resolve(selectAllRows(db).map(withPending)),
    deleteWebhook: (id) =>
      Promise.resolve(
        prepared(db, 'DELETE FROM webhook_subscriptions WHERE id = ?').run(id).changes > 0,
      ),
    rotateWebhookSecret: (id) => Promise.resolve(rotateSecret(db, box, id, now())),
    readWebhookSecrets: (id) => Promise.resolve(validSecrets(read(id), box, now())),
    listPendingWebhookNotifications: (id, limit) => {
      const row = read(id);
      return Promise.resolve(row ? selectPending(db, row, limit) : []);
    },
    advanceWebhookCursor: (id, seq) => {
      prepared(
        db,
        'UPDATE webhook_subscriptions SET cursor_seq = MAX(cursor_seq, ?) WHERE id = ?',
      ).run(seq, id);
      return Promise.resolve();
    },
    setWebhookState: (id, state, reason) =>
      Promise.resolve(updateState(db, id, state, reason, now())),
  };
}

function insertSubscription(
  db: Database.Database,
  box: SecretBox,
  input: { url: string; eventTypes: NotificationType[] },
  nowMs: number,
): { subscription: WebhookSubscription; secret: string } {
  const id = `whk_${randomUUID()}`;
  const secret = newSigningSecret();
  // The cursor starts at the feed's end: a new receiver hears of changes made from now on;
  // earlier ones stay readable in the feed.
  db.prepare(
    `INSERT INTO webhook_subscriptions (id, url, event_types, secret_sealed, state,
       state_changed_at_ms, cursor_seq, created_at_ms)
     VALUES (?, ?, ?, ?, 'active', ?, (SELECT COALESCE(MAX(seq), 0) FROM notifications), ?)`,
  ).run(id, input.url, JSON.stringify(input.eventTypes), box.seal(secret), nowMs, nowMs);

  return { subscription: subscriptionFromRow(requireRow(db, id), nowMs), secret };
}

function rotateSecret(
  db: Database.Database,
  box: SecretBox,
  id: string,
  nowMs: number,
): { subscription: WebhookSubscription; secret: string } | null {
  const secret = newSigningSecret();
  // Limitation: only the secret just replaced keeps signing; a second rotation within 24 hours
  // retires the one before it at once.
  const changes = db
    .prepare(
      `UPDATE webhook_subscriptions SET previous_secret_sealed = secret_sealed,
         previous_secret_expires_at_ms = ?, secret_sealed = ? WHERE id = ?`,
    )
    .run(nowMs + PREVIOUS_SECRET_VALID_MS, box.seal(secret), id).changes;
  if (changes === 0) return null;

  return { subscription: subscriptionFromRow(requireRow(db, id), nowMs), secret };
}

export function validSecrets(
  row: SubscriptionRow | undefined,
  box: SecretBox,
  nowMs: number,
): string[] {
  if (!row) return [];
  const secrets = [box.open(row.secret_sealed)];
  if (row.previous_secret_sealed && previousStillSigns(row, nowMs)) {
    secrets.push(box.open(row.previous_secret_sealed));
  }

  return secrets;
}

function previousStillSigns(row: SubscriptionRow, nowMs: number): boolean {
  return row.previous_secret_expires_at_ms !== null && row.previous_secret_expires_at_ms > nowMs;
}

function updateState(
  db: Database.Database,
  id: string,
  state: WebhookState,
  reason: string | null,
  nowMs: number,
): boolean {
  // The time of the change is kept when the state stays, so repeats do not move it.
  const result = prepared(
    db,
    `UPDATE webhook_subscriptions SET failure_reason = ?,
       state_changed_at_ms = CASE WHEN state = ? THEN state_changed_at_ms ELSE ? END, state = ?
     WHERE id = ?`,
  ).run(state === 'failing' ? reason : null, state, nowMs, state, id);

  return result.changes > 0;
}

/** Types filter in SQL: an empty list matches every type. */
const PENDING_WHERE = `seq > ? AND (? = '[]' OR type IN (SELECT value FROM json_each(?)))`;

function selectPending(db: Database.Database, row: SubscriptionRow, limit: number): Notification[] {
  return prepared<[number, string, string, number], NotificationRow>(
    db,
    `SELECT * FROM notifications WHERE ${PENDING_WHERE} ORDER BY seq LIMIT ?`,
  )
    .all(row.cursor_seq, row.event_types, row.event_types, limit)
    .map(toNotification);
}

function countPending(db: Database.Database, row: SubscriptionRow): number {
  return (
    prepared<[number, string, string], { n: number }>(
      db,
      `SELECT COUNT(*) AS n FROM notifications WHERE ${PENDING_WHERE}`,
    ).get(row.cursor_seq, row.event_types, row.event_types)?.n ?? 0
  );
}

function selectRow(db: Database.Database, id: string): SubscriptionRow | undefined {
  return prepared<[string], SubscriptionRow>(
    db,
    'SELECT * FROM webhook_subscriptions WHERE id = ?',
  ).get(id);
}

function requireRow(db: Database.Database, id: string): SubscriptionRow {
  const row = selectRow(db, id);
  if (!row) throw new Error(`webhook subscription ${id} vanished inside its own write`);

  return row;
}

function selectAllRows(db: Database.Database): SubscriptionRow[] {
  return prepared<[], SubscriptionRow>(
    db,
    'SELECT * FROM webhook_subscriptions ORDER BY created_at_ms, id',
  ).all();
}

function mapRow(row: SubscriptionRow | undefined, nowMs: number): WebhookSubscription | null {
  return row ? subscriptionFromRow(row, nowMs) : null;
}

export function subscriptionFromRow(row: SubscriptionRow, nowMs: number): WebhookSubscription {
  return {
    id: row.id,
    url: row.url,
    eventTypes: JSON.parse(row.event_types) as NotificationType[],
    state: row.state,
    stateChangedAtMs: row.state_changed_at_ms,
    failureReason: row.failure_reason,
    cursorSeq: row.cursor_seq,
    previousSecretExpiresAtMs: previousStillSigns(row, nowMs)
      ? row.previous_secret_expires_at_ms
      : null,
    createdAtMs: row.created_at_ms,
  };
}
