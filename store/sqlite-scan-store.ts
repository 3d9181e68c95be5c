import type Database from 'better-sqlite3';
import { appendNotification } from './sqlite-notification-store.js';
import { prepared } from './sqlite-statements.js';
import { emailKey, zoomStateOf, type StagedRow } from './rows.js';
import { matchOrCreatePerson, selectHost, sessionsOf } from './sqlite-host-store.js';
import type {
  ImportReport,
  StagedZoomUser,
  SyncReport,
  ZoomHost,
  ZoomHostState,
  ZoomScanStore,
} from './types.js';

/** Staged Zoom scans and per-account pacing for the SQLite store. */
export function createSqliteScanStore(db: Database.Database, now: () => number): ZoomScanStore {
  return {
    stageZoomUsers: (batchId, users) => Promise.resolve(stage(db, batchId, users)),
    clearStaged: (batchId) => Promise.resolve(clear(db, batchId)),
    commitImport: (eventId, batchId) => Promise.resolve(applyImport(db, eventId, batchId, now())),
    commitSync: (eventId, batchId) => Promise.resolve(applySync(db, eventId, batchId, now())),
    reserveZoomCall: (accountId, category, perSecond) =>
      Promise.resolve(reserve(db, accountId, category, perSecond, now())),
  };
}

function stage(db: Database.Database, batchId: string, users: StagedZoomUser[]): void {
  const insert = prepared(
    db,
    `INSERT OR REPLACE INTO zoom_user_staging
       (batch_id, zoom_user_id, present, email, first_name, last_name, type, status)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const user of users) {
      insert.run(
        batchId,
        user.id,
        user.present ? 1 : 0,
        user.email,
        user.firstName,
        user.lastName,
        user.type,
        user.status,
      );
    }
  })();
}

function clear(db: Database.Database, batchId: string): void {
  prepared(db, 'DELETE FROM zoom_user_staging WHERE batch_id = ?').run(batchId);
}

function stagedUsers(db: Database.Database, batchId: string): StagedRow[] {
  return prepared<[string], StagedRow>(
    db,
    'SELECT * FROM zoom_user_staging WHERE batch_id = ? ORDER BY zoom_user_id',
  ).all(batchId);
}

/** Active licensed users become hosts (matched to people by email); others are skipped. */
function applyImport(db: Database.Database, eventId: string, batchId: string, nowMs: number) {
  const report: ImportReport = {
    added: 0,
    updated: 0,
    unchanged: 0,
    skipped: { unlicensed: 0, inactive: 0 },
  };
  db.transaction(() => {
    for (const user of stagedUsers(db, batchId)) {
      if (user.status !== 'active') report.skipped.inactive += 1;
      else if (user.type !== 2) report.skipped.unlicensed += 1;
      else report[importOne(db, eventId, user, nowMs)] += 1;
    }
    clear(db, batchId);
  })();

  return report;
}

function importOne(db: Database.Database, eventId: string, user: StagedRow, nowMs: number) {
  const existing = selectHost(db, eventId, user.zoom_user_id);
  if (!existing) {
    const personId = matchOrCreatePerson(
      db,
      eventId,
      user.email,
      {
        firstName: user.first_name,
        lastName: user.last_name,
      },
      nowMs,
    );
    // Limitation: an import reads no user settings (one request per 300 users), so imported
    // hosts carry capacity 0 until a session checks the capacity of its own kind.
    prepared(
      db,
      `INSERT INTO zoom_hosts (event_id, zoom_user_id, person_id, email, first_name, last_name,
         zoom_state, expected_attendees, capacity, webinar_capacity, created_at_ms, updated_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, 'licensed', 0, 0, 0, ?, ?)`,
    ).run(
      eventId,
      user.zoom_user_id,
      personId,
      user.email,
      user.first_name,
      user.last_name,
      nowMs,
      nowMs,
    );
    return 'added' as const;
  }

  return refreshHost(db, existing, user, 'licensed', nowMs)
    ? ('updated' as const)
    : ('unchanged' as const);
}

/** Writes Zoom's view of a host when it differs; answers whether anything changed. */
function refreshHost(
  db: Database.Database,
  host: ZoomHost,
  user: StagedRow,
  state: ZoomHostState,
  nowMs: number,
): boolean {
  const same =
    host.email === user.email &&
    host.firstName === user.first_name &&
    host.lastName === user.last_name &&
    host.zoomState === state;
  if (same) return false;
  prepared(
    db,
    `UPDATE zoom_hosts SET email = ?, first_name = ?, last_name = ?, zoom_state = ?,
       updated_at_ms = ? WHERE event_id = ? AND zoom_user_id = ?`,
  ).run(user.email, user.first_name, user.last_name, state, nowMs, host.eventId, host.hostId);
  if (user.email !== host.email) followRenamedEmail(db, host, user.email);

  return true;
}

/**
 * The host's person follows a renamed Zoom email, unless another person of the event holds it;
 * otherwise a later host with the old email would be matched to this person.
 */
function followRenamedEmail(db: Database.Database, host: ZoomHost, email: string): void {
  prepared(
    db,
    `UPDATE people SET email = ?, email_key = ?
      WHERE id = ? AND NOT EXISTS (SELECT 1 FROM people WHERE event_id = ? AND email_key = ?)`,
  ).run(email, emailKey(email), host.personId, host.eventId, emailKey(email));
}

function applySync(db: Database.Database, eventId: string, batchId: string, nowMs: number) {
  const report: SyncReport = { checked: 0, updated: 0, changed: [] };
  db.transaction(() => {
    for (const user of stagedUsers(db, batchId)) {
      const host = selectHost(db, eventId, user.zoom_user_id);
      if (!host) continue;
      report.checked += 1;
      const state = zoomStateOf({ ...user, present: Boolean(user.present) });
      // A deleted or pending user answers with no email or names; keep the last ones Zoom gave.
      const seen = user.email
        ? user
        : { ...user, email: host.email, first_name: host.firstName, last_name: host.lastName };
      if (refreshHost(db, host, seen, state, nowMs)) report.updated += 1;
      if (state !== 'licensed' && host.zoomState !== state) {
        const change = {
          hostId: host.hostId,
          zoomState: state,
          sessions: sessionsOf(db, eventId, host.hostId),
        };
        report.changed.push(change);
        appendNotification(db, 'host.zoom_state_changed', eventId, nowMs, change);
      }
    }
    clear(db, batchId);
  })();

  return report;
}

/**
 * Spaces calls evenly, 1000/perSecond ms apart per account and category, so no one-second
 * window Zoom might slide over ever holds more than its limit. Answers how long the caller
 * waits for its slot; IMMEDIATE so concurrent processes take slots one after another.
 */
function reserve(
  db: Database.Database,
  accountId: string,
  category: string,
  perSecond: number,
  nowMs: number,
): number {
  return db
    .transaction(() => {
      const row = prepared<[string, string], { next_slot_ms: number }>(
        db,
        'SELECT next_slot_ms FROM zoom_call_slots WHERE account_id = ? AND category = ?',
      ).get(accountId, category);
      const slotMs = Math.max(nowMs, row?.next_slot_ms ?? 0);
      prepared(
        db,
        `INSERT INTO zoom_call_slots (account_id, category, next_slot_ms) VALUES (?, ?, ?)
         ON CONFLICT (account_id, category) DO UPDATE SET next_slot_ms = excluded.next_slot_ms`,
      ).run(accountId, category, slotMs + Math.ceil(1000 / perSecond));

      return slotMs - nowMs;
    })
    .immediate();
}
