import type { PostgresDatabase, Sql } from './postgres-database.js';
import {
  newNotificationId,
  toNotification,
  type NotificationRow,
} from './sqlite-notification-store.js';
import type {
  NewNotification,
  Notification,
  NotificationStore,
  NotificationType,
} from './types.js';

/** Any fixed number: appends hold it until they commit, so seq grows in commit order. */
const NOTIFICATION_APPEND_LOCK_KEY = 71_402_029;

/** The feed of the PostgreSQL store. */
export function createPostgresNotificationStore(db: PostgresDatabase): NotificationStore {
  return {
    listNotifications: (query) => selectNotifications(db, query),
    recordNotifications: (notifications) =>
      db.serializable(async (sql) => {
        for (const each of notifications) await insertNotification(sql, each);
      }),
  };
}

/** Appends a notification inside the transaction that makes the change it describes. */
export async function appendPostgresNotification(
  sql: Sql,
  type: NotificationType,
  eventId: string,
  atMs: number,
  payload: Record<string, unknown>,
): Promise<void> {
  await insertNotification(sql, { id: newNotificationId(), type, eventId, atMs, payload });
}

async function insertNotification(sql: Sql, notification: NewNotification): Promise<void> {
  // Held to commit: a reader paging by seq never passes a number a slower append still holds.
  await sql.run('SELECT pg_advisory_xact_lock($1)', [NOTIFICATION_APPEND_LOCK_KEY]);
  await sql.run(
    `INSERT INTO notifications (id, type, event_id, at_ms, payload) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO NOTHING`,
    [
      notification.id,
      notification.type,
      notification.eventId,
      notification.atMs,
      JSON.stringify(notification.payload),
    ],
  );
}

async function selectNotifications(
  sql: Sql,
  query: { afterSeq: number; limit: number; eventId?: string },
): Promise<Notification[]> {
  const rows = query.eventId
    ? await sql.rows<NotificationRow>(
        'SELECT * FROM notifications WHERE seq > $1 AND event_id = $2 ORDER BY seq LIMIT $3',
        [query.afterSeq, query.eventId, query.limit],
      )
    : await sql.rows<NotificationRow>(
        'SELECT * FROM notifications WHERE seq > $1 ORDER BY seq LIMIT $2',
        [query.afterSeq, query.limit],
      );

  return rows.map(toNotification);
}
