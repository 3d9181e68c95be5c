import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { prepared } from './sqlite-statements.js';
import type {
  NewNotification,
  Notification,
  NotificationStore,
  NotificationType,
} from './types.js';

export interface NotificationRow {
  seq: number;
  id: string;
  type: NotificationType;
  event_id: string;
  at_ms: number;
  payload: string;
}

/** The feed over the SQLite store's open database. */
export function createSqliteNotificationStore(db: Database.Database): NotificationStore {
  return {
    listNotifications: (query) => Promise.resolve(selectNotifications(db, query)),
    recordNotifications: (notifications) => {
      db.transaction(() => notifications.forEach((each) => insertNotification(db, each)))();
      return Promise.resolve();
    },
  };
}

/**
 * Appends a notification; called inside the transaction that makes the change it describes.
 * An id given twice (a retried activity) is kept once.
 */
export function appendNotification(
  db: Database.Database,
  type: NotificationType,
  eventId: string,
  atMs: number,
  payload: Record<string, unknown>,
): void {
  insertNotification(db, { id: newNotificationId(), type, eventId, atMs, payload });
}

export function newNotificationId(): string {
  return `ntf_${randomUUID()}`;
}

function insertNotification(db: Database.Database, notification: NewNotification): void {
  prepared(
    db,
    `INSERT INTO notifications (id, type, event_id, at_ms, payload) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING`,
  ).run(
    notification.id,
    notification.type,
    notification.eventId,
    notification.atMs,
    JSON.stringify(notification.payload),
  );
}

function selectNotifications(
  db: Database.Database,
  query: { afterSeq: number; limit: number; eventId?: string },
): Notification[] {
  const rows = query.eventId
    ? prepared<[number, string, number], NotificationRow>(
        db,
        'SELECT * FROM notifications WHERE seq > ? AND event_id = ? ORDER BY seq LIMIT ?',
      ).all(query.afterSeq, query.eventId, query.limit)
    : prepared<[number, number], NotificationRow>(
        db,
        'SELECT * FROM notifications WHERE seq > ? ORDER BY seq LIMIT ?',
      ).all(query.afterSeq, query.limit);

  return rows.map(notificationFromRow);
}

export function notificationFromRow(row: NotificationRow): Notification {
  return {
    seq: row.seq,
    id: row.id,
    type: row.type,
    eventId: row.event_id,
    atMs: row.at_ms,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
  };
}
