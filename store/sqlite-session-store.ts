import type Database from 'better-sqlite3';
import type { SecretBox } from '../common/crypto.js';
import { appendNotification } from './sqlite-notification-store.js';
import { toSession, type SessionRow } from './rows.js';
import {
  meetingChangeNotice,
  openJoinLinks,
  sealJoinLink,
  withOpenedSession,
  planColumns,
  refuseLocalSave,
  replacedMeeting,
  sessionUnchanged,
  streamColumns,
  streamOf,
} from './session-rules.js';
import { prepared } from './sqlite-statements.js';
import type {
  LocalSaveResult,
  LocalSessionSave,
  Page,
  PendingMeetingDeletion,
  Session,
  SessionStore,
  ZoomCommitResult,
  ZoomSessionCommit,
  ZoomSessionKind,
} from './types.js';

type Db = Database.Database;

/** Sessions and the Zoom meetings behind them, over the SQLite store's open database. */
export function createSqliteSessionStore(db: Db, box: SecretBox, now: () => number): SessionStore {
  // IMMEDIATE: each of these reads then writes; taking the write lock first makes a concurrent
  // writer wait (busy timeout) instead of failing the upgrade from reader to writer.
  const run = <T>(work: () => T) => Promise.resolve(db.transaction(work).immediate());
  const opened = openJoinLinks(box);
  return {
    readSession: (eventId, sessionId) => {
      const session = selectSession(db, eventId, sessionId);
      return Promise.resolve(session && opened(session));
    },
    listSessions: (eventId, limit, cursor) => {
      const page = pageSessions(db, eventId, limit, cursor);
      return Promise.resolve({ ...page, items: page.items.map(opened) });
    },
    saveSessionLocally: (save) =>
      run(() => withOpenedSession(saveLocally(db, save, now()), opened)),
    deleteSession: (eventId, sessionId) => run(() => removeSession(db, eventId, sessionId, now())),
    beginMeetingWrite: (eventId, sessionId, kind, hostId) =>
      run(() => beginWrite(db, { eventId, sessionId, kind, hostId }, now())),
    recordMeetingCreated: (eventId, sessionId, meeting) => {
      const sealed = { ...meeting, joinUrl: sealJoinLink(box, meeting.joinUrl) };
      return run(() => recordCreated(db, eventId, sessionId, sealed, now()));
    },
    commitZoomSession: (commit) =>
      run(() => withOpenedSession(commitZoom(db, commit, now()), opened)),
    readMeetingWrite: (eventId, sessionId) => {
      const write = selectWrite(db, eventId, sessionId);
      if (!write) return Promise.resolve(null);
      return Promise.resolve({
        kind: write.kind,
        hostId: write.host_id,
        meetingId: write.meeting_id,
      });
    },
    releaseMeeting: (eventId, sessionId, meeting) =>
      run(() => queueDeletion(db, eventId, meeting.kind, meeting.meetingId, sessionId, now())),
    abandonMeetingWrite: (eventId, sessionId) =>
      run(() => abandonWrite(db, eventId, sessionId, now())),
    knownMeetingIds: (eventId, sessionId) => Promise.resolve(knownMeetings(db, eventId, sessionId)),
    listMeetingDeletions: (eventId, limit) => Promise.resolve(pendingDeletions(db, eventId, limit)),
    finishMeetingDeletion: (eventId, kind, meetingId) =>
      run(() => finishDeletion(db, eventId, kind, meetingId, now())),
    countMeetingDeletionAttempt: (eventId, kind, meetingId) =>
      Promise.resolve(countDeletionAttempt(db, eventId, kind, meetingId)),
    reserveHostDailyWrite: (accountId, hostId, utcDay, limit) =>
      run(() => reserveDailyWrite(db, { accountId, hostId, utcDay }, limit)),
  };
}

/** Seals join links an older version of the store kept in the clear; run once at open. */
export function sealClearJoinLinks(db: Db, box: SecretBox): void {
  const tables = [
    ['sessions', 'zoom_join_url'],
    ['zoom_meeting_writes', 'join_url'],
  ] as const;
  db.transaction(() => {
    for (const [table, column] of tables) {
      const rows = db
        .prepare<[], { id: number; url: string }>(
          `SELECT rowid AS id, ${column} AS url FROM ${table} WHERE ${column} LIKE 'http%'`,
        )
        .all();
      const update = db.prepare(`UPDATE ${table} SET ${column} = ? WHERE rowid = ?`);
      for (const row of rows) update.run(box.seal(row.url), row.id);
    }
  }).immediate();
}

function selectRow(db: Db, eventId: string, sessionId: string): SessionRow | undefined {
  return prepared<[string, string], SessionRow>(
    db,
    'SELECT * FROM sessions WHERE event_id = ? AND id = ?',
  ).get(eventId, sessionId);
}

function selectSession(db: Db, eventId: string, sessionId: string): Session | null {
  const row = selectRow(db, eventId, sessionId);
  return row ? toSession(row) : null;
}

function pageSessions(db: Db, eventId: string, limit: number, cursor: string | null) {
  const rows = prepared<[string, string, number], SessionRow>(
    db,
    'SELECT * FROM sessions WHERE event_id = ? AND id > ? ORDER BY id LIMIT ?',
  ).all(eventId, cursor ?? '', limit + 1);
  const items = rows.slice(0, limit).map(toSession);
  const last = items.at(-1);
  const page: Page<Session> = { items, nextCursor: rows.length > limit && last ? last.id : null };

  return page;
}

function saveLocally(db: Db, save: LocalSessionSave, nowMs: number): LocalSaveResult {
  const row = selectRow(db, save.eventId, save.sessionId);
  const refusal = refuseLocalSave(row, save);
  if (refusal) return refusal;

  const meetingReleased = row ? releaseMeeting(db, row, nowMs) : false;
  if (row) updatePlan(db, save, nowMs);
  else insertSession(db, save, nowMs);
  const session = selectSession(db, save.eventId, save.sessionId) as Session;

  return { kind: 'saved', session, meetingReleased };
}

function insertSession(db: Db, save: LocalSessionSave, nowMs: number): void {
  const { plan } = save;
  prepared(
    db,
    `INSERT INTO sessions (id, event_id, title, start_local, time_zone, start_utc_ms,
       duration_minutes, expected_attendees, stream_source, stream_kind, stream_host_id,
       revision, created_at_ms, updated_at_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
  ).run(
    save.sessionId,
    save.eventId,
    ...planColumns(plan),
    ...streamColumns(save.stream),
    nowMs,
    nowMs,
  );
}

function updatePlan(db: Db, save: LocalSessionSave, nowMs: number): void {
  prepared(
    db,
    `UPDATE sessions SET title = ?, start_local = ?, time_zone = ?, start_utc_ms = ?,
       duration_minutes = ?, expected_attendees = ?, stream_source = ?, stream_kind = ?,
       stream_host_id = ?, revision = revision + 1, updated_at_ms = ?
     WHERE event_id = ? AND id = ?`,
  ).run(
    ...planColumns(save.plan),
    ...streamColumns(save.stream),
    nowMs,
    save.eventId,
    save.sessionId,
  );
}

/** Detaches the session's meeting and queues its deletion on Zoom; false when it had none. */
function releaseMeeting(db: Db, row: SessionRow, nowMs: number): boolean {
  if (!row.zoom_meeting_id || !row.zoom_meeting_kind) return false;
  queueDeletion(db, row.event_id, row.zoom_meeting_kind, row.zoom_meeting_id, row.id, nowMs);
  prepared(
    db,
    `UPDATE sessions SET zoom_host_id = NULL, zoom_meeting_id = NULL, zoom_meeting_kind = NULL,
       zoom_join_url = NULL, revision = revision + 1, updated_at_ms = ?
     WHERE event_id = ? AND id = ?`,
  ).run(nowMs, row.event_id, row.id);

  return true;
}

function queueDeletion(
  db: Db,
  eventId: string,
  kind: ZoomSessionKind,
  meetingId: string,
  sessionId: string,
  nowMs: number,
): void {
  prepared(
    db,
    `INSERT INTO zoom_meeting_deletions (event_id, kind, meeting_id, session_id, enqueued_at_ms)
       VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  ).run(eventId, kind, meetingId, sessionId, nowMs);
}

function removeSession(db: Db, eventId: string, sessionId: string, nowMs: number) {
  const row = selectRow(db, eventId, sessionId);
  if (!row) return null;
  const meetingReleased = releaseMeeting(db, row, nowMs);
  // A create still in flight for this session must not outlive it either.
  abandonWrite(db, eventId, sessionId, nowMs);
  prepared(db, 'DELETE FROM sessions WHERE event_id = ? AND id = ?').run(eventId, sessionId);

  return { meetingReleased };
}

interface WriteKey {
  eventId: string;
  sessionId: string;
  kind: ZoomSessionKind;
  hostId: string;
}

/**
 * Records a create about to be sent. A record left by an earlier attempt for the same kind and
 * host means Zoom may hold its meeting already: the caller looks for it before creating again.
 */
function beginWrite(db: Db, key: WriteKey, nowMs: number): { resumed: boolean } {
  const earlier = prepared<[string, string], { kind: string; host_id: string }>(
    db,
    'SELECT kind, host_id FROM zoom_meeting_writes WHERE event_id = ? AND session_id = ?',
  ).get(key.eventId, key.sessionId);
  if (earlier && earlier.kind === key.kind && earlier.host_id === key.hostId) {
    return { resumed: true };
  }
  if (earlier) abandonWrite(db, key.eventId, key.sessionId, nowMs);
  prepared(
    db,
    `INSERT INTO zoom_meeting_writes (event_id, session_id, kind, host_id, started_at_ms)
       VALUES (?, ?, ?, ?, ?)`,
  ).run(key.eventId, key.sessionId, key.kind, key.hostId, nowMs);

  return { resumed: false };
}

function recordCreated(
  db: Db,
  eventId: string,
  sessionId: string,
  meeting: { kind: ZoomSessionKind; meetingId: string; joinUrl: string },
  nowMs: number,
): boolean {
  const result = prepared(
    db,
    `UPDATE zoom_meeting_writes SET meeting_id = ?, join_url = ?
       WHERE event_id = ? AND session_id = ? AND kind = ?`,
  ).run(meeting.meetingId, meeting.joinUrl, eventId, sessionId, meeting.kind);
  if (result.changes === 1) return true;
  // The write was given up while Zoom created the meeting: nothing will commit it.
  queueDeletion(db, eventId, meeting.kind, meeting.meetingId, sessionId, nowMs);

  return false;
}

interface WriteRow {
  kind: ZoomSessionKind;
  host_id: string;
  meeting_id: string | null;
  join_url: string | null;
}

function selectWrite(db: Db, eventId: string, sessionId: string): WriteRow | undefined {
  return prepared<[string, string], WriteRow>(
    db,
    'SELECT * FROM zoom_meeting_writes WHERE event_id = ? AND session_id = ?',
  ).get(eventId, sessionId);
}

function abandonWrite(db: Db, eventId: string, sessionId: string, nowMs: number): void {
  const write = selectWrite(db, eventId, sessionId);
  if (!write) return;
  if (write.meeting_id) {
    queueDeletion(db, eventId, write.kind, write.meeting_id, sessionId, nowMs);
  }
  prepared(db, 'DELETE FROM zoom_meeting_writes WHERE event_id = ? AND session_id = ?').run(
    eventId,
    sessionId,
  );
}

/**
 * Points the session at the meeting Zoom now holds, in one transaction with the checks that
 * make it safe: the session is as the sync found it and the host is still a licensed host of
 * the event, so a host removed at the same moment can never be left mapped. A replaced meeting
 * is queued for deletion only now, once the session already streams through the new one.
 */
function commitZoom(db: Db, commit: ZoomSessionCommit, nowMs: number): ZoomCommitResult {
  const row = selectRow(db, commit.eventId, commit.sessionId);
  const unchanged = sessionUnchanged(row, commit);
  const write = selectWrite(db, commit.eventId, commit.sessionId);
  const created = write?.meeting_id === commit.meetingId;
  if (!unchanged || !hostUsable(db, commit.eventId, commit.hostId)) {
    // Only a meeting this sync created is released; an updated one still serves the session.
    if (created) abandonWrite(db, commit.eventId, commit.sessionId, nowMs);
    return { kind: 'lost_race', reason: unchanged ? 'host_unusable' : 'session_changed' };
  }

  const joinUrl = created ? (write?.join_url ?? '') : (row?.zoom_join_url ?? '');
  const replacedMeeting = row ? replaceMeeting(db, row, commit, nowMs) : false;
  const notice = meetingChangeNotice(row, commit);
  if (notice) appendNotification(db, notice.type, commit.eventId, nowMs, notice.payload);
  const save = { ...commit, stream: streamOf(commit) };
  if (row) updatePlan(db, save, nowMs);
  else insertSession(db, save, nowMs);
  prepared(
    db,
    `UPDATE sessions SET zoom_host_id = ?, zoom_meeting_id = ?, zoom_meeting_kind = ?,
       zoom_join_url = ? WHERE event_id = ? AND id = ?`,
  ).run(commit.hostId, commit.meetingId, commit.kind, joinUrl, commit.eventId, commit.sessionId);
  prepared(db, 'DELETE FROM zoom_meeting_writes WHERE event_id = ? AND session_id = ?').run(
    commit.eventId,
    commit.sessionId,
  );
  const session = selectSession(db, commit.eventId, commit.sessionId) as Session;

  return { kind: 'committed', session, replacedMeeting };
}

function replaceMeeting(db: Db, row: SessionRow, commit: ZoomSessionCommit, nowMs: number) {
  const old = replacedMeeting(row, commit);
  if (!old) return false;
  queueDeletion(db, row.event_id, old.kind, old.meetingId, row.id, nowMs);

  return true;
}

function hostUsable(db: Db, eventId: string, hostId: string): boolean {
  const host = prepared<[string, string], { zoom_state: string }>(
    db,
    'SELECT zoom_state FROM zoom_hosts WHERE event_id = ? AND zoom_user_id = ?',
  ).get(eventId, hostId);

  return host?.zoom_state === 'licensed';
}

function knownMeetings(db: Db, eventId: string, sessionId: string): string[] {
  return prepared<[string, string, string, string, string, string], { id: string }>(
    db,
    `SELECT zoom_meeting_id AS id FROM sessions
        WHERE event_id = ? AND id = ? AND zoom_meeting_id IS NOT NULL
     UNION SELECT meeting_id FROM zoom_meeting_deletions WHERE event_id = ? AND session_id = ?
     UNION SELECT meeting_id FROM zoom_meeting_writes
        WHERE event_id = ? AND session_id = ? AND meeting_id IS NOT NULL`,
  )
    .all(eventId, sessionId, eventId, sessionId, eventId, sessionId)
    .map((row) => row.id);
}

function pendingDeletions(db: Db, eventId: string, limit: number): PendingMeetingDeletion[] {
  return prepared<
    [string, number],
    { kind: ZoomSessionKind; meeting_id: string; session_id: string; attempts: number }
  >(
    db,
    `SELECT kind, meeting_id, session_id, attempts FROM zoom_meeting_deletions
        WHERE event_id = ? ORDER BY enqueued_at_ms, meeting_id LIMIT ?`,
  )
    .all(eventId, limit)
    .map((row) => ({
      kind: row.kind,
      meetingId: row.meeting_id,
      sessionId: row.session_id,
      attempts: row.attempts,
    }));
}

function finishDeletion(
  db: Db,
  eventId: string,
  kind: ZoomSessionKind,
  meetingId: string,
  nowMs: number,
) {
  const queued = prepared<[string, string, string], { session_id: string }>(
    db,
    `SELECT session_id FROM zoom_meeting_deletions
      WHERE event_id = ? AND kind = ? AND meeting_id = ?`,
  ).get(eventId, kind, meetingId);
  if (queued) {
    appendNotification(db, 'session.zoom_meeting_deleted', eventId, nowMs, {
      sessionId: queued.session_id,
      kind,
      meetingId,
    });
  }
  prepared(
    db,
    'DELETE FROM zoom_meeting_deletions WHERE event_id = ? AND kind = ? AND meeting_id = ?',
  ).run(eventId, kind, meetingId);
}

function countDeletionAttempt(db: Db, eventId: string, kind: ZoomSessionKind, meetingId: string) {
  prepared(
    db,
    `UPDATE zoom_meeting_deletions SET attempts = attempts + 1
        WHERE event_id = ? AND kind = ? AND meeting_id = ?`,
  ).run(eventId, kind, meetingId);
}

function reserveDailyWrite(
  db: Db,
  key: { accountId: string; hostId: string; utcDay: string },
  limit: number,
): boolean {
  const result = prepared(
    db,
    `INSERT INTO zoom_host_daily_writes (account_id, zoom_user_id, utc_day, writes)
       VALUES (?, ?, ?, 1)
     ON CONFLICT (account_id, zoom_user_id, utc_day) DO UPDATE SET writes = writes + 1
       WHERE writes < ?`,
  ).run(key.accountId, key.hostId, key.utcDay, limit);

  return result.changes === 1;
}
