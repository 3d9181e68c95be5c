import { randomUUID } from 'node:crypto';
import type { SecretBox } from '../common/crypto.js';
import type { PostgresDatabase, Sql } from './postgres-database.js';
import { toNotification, type NotificationRow } from './sqlite-notification-store.js';
import {
  newSigningSecret,
  PREVIOUS_SECRET_VALID_MS,
  subscriptionFromRow,
  validSecrets,
  type SubscriptionRow,
} from './sqlite-webhook-store.js';
import type { Notification, NotificationType, WebhookStore, WebhookSubscription } from './types.js';

/** Types filter in SQL: an empty list matches every type. */
const PENDING_WHERE =
  `seq > $1 AND ($2 = '[]' OR ` + `type IN (SELECT jsonb_array_elements_text($2::jsonb)))`;

/** Subscriptions of the PostgreSQL store; secrets sealed with the store's box. */
export function createPostgresWebhookStore(
  db: PostgresDatabase,
  box: SecretBox,
  now: () => number,
): WebhookStore {
  const read = (id: string) => selectRow(db, id);

  return {
    createWebhook: (input) => db.serializable((sql) => insertSubscription(sql, box, input, now())),
    readWebhook: async (id) => {
      const row = await read(id);
      return row ? subscriptionFromRow(row, now()) : null;
    },
    listWebhooks: async () => {
      const rows = await db.rows<SubscriptionRow>(
        'SELECT * FROM webhook_subscriptions ORDER BY created_at_ms, id',
      );
      return Promise.all(
        rows.map(async (row) => ({
          ...subscriptionFromRow(row, now()),
          pending: await countPending(db, row),
        })),
      );
    },
    deleteWebhook: async (id) =>
      (await db.run('DELETE FROM webhook_subscriptions WHERE id = $1', [id])) > 0,
    rotateWebhookSecret: (id) => db.serializable((sql) => rotateSecret(sql, box, id, now())),
    readWebhookSecrets: async (id) => validSecrets(await read(id), box, now()),
    listPendingWebhookNotifications: async (id, limit) => {
      const row = await read(id);
      return row ? selectPending(db, row, limit) : [];
    },
    advanceWebhookCursor: async (id, seq) => {
      await db.run(
        'UPDATE webhook_subscriptions SET cursor_seq = GREATEST(cursor_seq, $1) WHERE id = $2',
        [seq, id],
      );
    },
    setWebhookState: async (id, state, reason) =>
      (await db.run(
        // The time of the change is kept when the state stays, so repeats do not move it.
        `UPDATE webhook_subscriptions SET failure_reason = $1,
           state_changed_at_ms = CASE WHEN state = $2 THEN state_changed_at_ms ELSE $3 END,
           state = $2
         WHERE id = $4`,
        [state === 'failing' ? reason : null, state, now(), id],
      )) > 0,
  };
}

async function insertSubscription(
  sql: Sql,
  box: SecretBox,
  input: { url: string; eventTypes: NotificationType[] },
  nowMs: number,
): Promise<{ subscription: WebhookSubscription; secret: string }> {
  const id = `whk_${randomUUID()}`;
  const secret = newSigningSecret();
  // The cursor starts at the feed's end: a new receiver hears of changes made from now on.
  await sql.run(
    `INSERT INTO webhook_subscriptions (id, url, event_types, secret_sealed, state,
       state_changed_at_ms, cursor_seq, created_at_ms)
     VALUES ($1, $2, $3, $4, 'active', $5,
       (SELECT COALESCE(MAX(seq), 0) FROM notifications), $5)`,
    [id, input.url, JSON.stringify(input.eventTypes), box.seal(secret), nowMs],
  );

  return { subscription: subscriptionFromRow(await requireRow(sql, id), nowMs), secret };
}

async function rotateSecret(
  sql: Sql,
  box: SecretBox,
  id: string,
  nowMs: number,
): Promise<{ subscription: WebhookSubscription; secret: string } | null> {
  const secret = newSigningSecret();
  const changes = await sql.run(
    `UPDATE webhook_subscriptions SET previous_secret_sealed = secret_sealed,
       previous_secret_expires_at_ms = $1, secret_sealed = $2 WHERE id = $3`,
    [nowMs + PREVIOUS_SECRET_VALID_MS, box.seal(secret), id],
  );
  if (changes === 0) return null;

  return { subscription: subscriptionFromRow(await requireRow(sql, id), nowMs), secret };
}

async function selectPending(
  sql: Sql,
  row: SubscriptionRow,
  limit: number,
): Promise<Notification[]> {
  const rows = await sql.rows<NotificationRow>(
    `SELECT * FROM notifications WHERE ${PENDING_WHERE} ORDER BY seq LIMIT $3`,
    [row.cursor_seq, row.event_types, limit],
  );

  return rows.map(toNotification);
}

async function countPending(sql: Sql, row: SubscriptionRow): Promise<number> {
  const counted = await sql.one<{ n: number }>(
    `SELECT COUNT(*)::int AS n FROM notifications WHERE ${PENDING_WHERE}`,
    [row.cursor_seq, row.event_types],
  );

  return counted?.n ?? 0;
}

function selectRow(sql: Sql, id: string): Promise<SubscriptionRow | undefined> {
  return sql.one<SubscriptionRow>('SELECT * FROM webhook_subscriptions WHERE id = $1', [id]);
}

async function requireRow(sql: Sql, id: string): Promise<SubscriptionRow> {
  const row = await selectRow(sql, id);
  if (!row) throw new Error(`webhook subscription ${id} vanished inside its own write`);

  return row;
}
