import type { SecretBox } from '../common/crypto.js';
import type { PostgresDatabase, Sql } from './postgres-database.js';
import { appendPostgresNotification } from './postgres-notification-store.js';
import { toSession, type SessionRow } from './rows.js';
import {
  meetingChangeNotice,
  openJoinLinks,
  planColumns,
  sealJoinLink,
  withOpenedSession,
  refuseLocalSave,
  replacedMeeting,
  sessionUnchanged,
  streamColumns,
  streamOf,
} from './session-rules.js';
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

/** Sessions and the Zoom meetings behind them, over the PostgreSQL store. */
export function createPostgresSessionStore(
  db: PostgresDatabase,
  box: SecretBox,
  now: () => number,
): SessionStore {
  // Each of these reads, then writes what it read about (a revision, a host, an outbox row):
  // SERIALIZABLE retries whichever of two overlapping ones would break that, as SQLite's
  // IMMEDIATE transactions make them wait.
  const run = <T>(work: (sql: Sql) => Promise<T>) => db.serializable(work);
  const opened = openJoinLinks(box);
  return {
    readSession: async (eventId, sessionId) => {
      const session = await selectSession(db, eventId, sessionId);
      return session && opened(session);
    },
    listSessions: async (eventId, limit, cursor) => {
      const page = await pageSessions(db, eventId, limit, cursor);
      return { ...page, items: page.items.map(opened) };
    },
    saveSessionLocally: async (save) =>
      withOpenedSession(await run((sql) => saveLocally(sql, save, now())), opened),
    deleteSession: (eventId, sessionId) =>
      run((sql) => removeSession(sql, eventId, sessionId, now())),
    beginMeetingWrite: (eventId, sessionId, kind, hostId) =>
      run((sql) => beginWrite(sql, { eventId, sessionId, kind, hostId }, now())),
    recordMeetingCreated: (eventId, sessionId, meeting) => {
      const sealed = { ...meeting, joinUrl: sealJoinLink(box, meeting.joinUrl) };
      return run((sql) => recordCreated(sql, eventId, sessionId, sealed, now()));
    },
    commitZoomSession: async (commit) =>
      withOpenedSession(await run((sql) => commitZoom(sql, commit, now())), opened),
    readMeetingWrite: async (eventId, sessionId) => {
      const write = await selectWrite(db, eventId, sessionId);
      return write
        ? { kind: write.kind, hostId: write.host_id, meetingId: write.meeting_id }
        : null;
    },
    releaseMeeting: (eventId, sessionId, meeting) =>
      run((sql) => queueDeletion(sql, { eventId, sessionId, ...meeting }, now())),
    abandonMeetingWrite: (eventId, sessionId) =>
      run((sql) => abandonWrite(sql, eventId, sessionId, now())),
    knownMeetingIds: (eventId, sessionId) => knownMeetings(db, eventId, sessionId),
    listMeetingDeletions: (eventId, limit) => pendingDeletions(db, eventId, limit),
    finishMeetingDeletion: (eventId, kind, meetingId) =>
      run((sql) => finishDeletion(sql, eventId, kind, meetingId, now())),
    countMeetingDeletionAttempt: (eventId, kind, meetingId) =>
      run((sql) => countDeletionAttempt(sql, eventId, kind, meetingId)),
    reserveHostDailyWrite: (accountId, hostId, utcDay, limit) =>
      reserveDailyWrite(db, { accountId, hostId, utcDay }, limit),
  };
}

function selectRow(sql: Sql, eventId: string, sessionId: string) {
  return sql.one<SessionRow>('SELECT * FROM sessions WHERE event_id = $1 AND id = $2', [
    eventId,
    sessionId,
  ]);
}

async function selectSession(sql: Sql, eventId: string, sessionId: string) {
  const row = await selectRow(sql, eventId, sessionId);
  return row ? toSession(row) : null;
}

async function pageSessions(sql: Sql, eventId: string, limit: number, cursor: string | null) {
  const rows = await sql.rows<SessionRow>(
    'SELECT * FROM sessions WHERE event_id = $1 AND id > $2 ORDER BY id LIMIT $3',
    [eventId, cursor ?? '', limit + 1],
  );
  const items = rows.slice(0, limit).map(toSession);
  const last = items.at(-1);
  const page: Page<Session> = { items, nextCursor: rows.length > limit && last ? last.id : null };

  return page;
}

async function saveLocally(
  sql: Sql,
  save: LocalSessionSave,
  nowMs: number,
): Promise<LocalSaveResult> {
  const row = await selectRow(sql, save.eventId, save.sessionId);
  const refusal = refuseLocalSave(row, save);
  if (refusal) return refusal;

  const meetingReleased = row ? await releaseMeeting(sql, row, nowMs) : false;
  if (row) await updatePlan(sql, save, nowMs);
  else await insertSession(sql, save, nowMs);
  const session = (await selectSession(sql, save.eventId, save.sessionId)) as Session;

  return { kind: 'saved', session, meetingReleased };
}

async function insertSession(sql: Sql, save: LocalSessionSave, nowMs: number): Promise<void> {
  await sql.run(
    `INSERT INTO sessions (id, event_id, title, start_local, time_zone, start_utc_ms,
       duration_minutes, expected_attendees, stream_source, stream_kind, stream_host_id,
       revision, created_at_ms, updated_at_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $12)`,
    [save.sessionId, save.eventId, ...planColumns(save.plan), ...streamColumns(save.stream), nowMs],
  );
}

async function updatePlan(sql: Sql, save: LocalSessionSave, nowMs: number): Promise<void> {
  await sql.run(
    `UPDATE sessions SET title = $1, start_local = $2, time_zone = $3, start_utc_ms = $4,
       duration_minutes = $5, expected_attendees = $6, stream_source = $7, stream_kind = $8,
       stream_host_id = $9, revision = revision + 1, updated_at_ms = $10
     WHERE event_id = $11 AND id = $12`,
    [...planColumns(save.plan), ...streamColumns(save.stream), nowMs, save.eventId, save.sessionId],
  );
}

/** Detaches the session's meeting and queues its deletion on Zoom; false when it had none. */
async function releaseMeeting(sql: Sql, row: SessionRow, nowMs: number): Promise<boolean> {
  if (!row.zoom_meeting_id || !row.zoom_meeting_kind) return false;
  const meeting = { kind: row.zoom_meeting_kind, meetingId: row.zoom_meeting_id };
  await queueDeletion(sql, { eventId: row.event_id, sessionId: row.id, ...meeting }, nowMs);
  await sql.run(
    `UPDATE sessions SET zoom_host_id = NULL, zoom_meeting_id = NULL, zoom_meeting_kind = NULL,
       zoom_join_url = NULL, revision = revision + 1, updated_at_ms = $1
     WHERE event_id = $2 AND id = $3`,
    [nowMs, row.event_id, row.id],
  );

  return true;
}

interface MeetingKey {
  eventId: string;
  sessionId: string;
  kind: ZoomSessionKind;
  meetingId: string;
}

async function queueDeletion(sql: Sql, key: MeetingKey, nowMs: number): Promise<void> {
  await sql.run(
    `INSERT INTO zoom_meeting_deletions (event_id, kind, meeting_id, session_id, enqueued_at_ms)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [key.eventId, key.kind, key.meetingId, key.sessionId, nowMs],
  );
}

async function removeSession(sql: Sql, eventId: string, sessionId: string, nowMs: number) {
  const row = await selectRow(sql, eventId, sessionId);
  if (!row) return null;
  const meetingReleased = await releaseMeeting(sql, row, nowMs);
  // A create still in flight for this session must not outlive it either.
  await abandonWrite(sql, eventId, sessionId, nowMs);
  await sql.run('DELETE FROM sessions WHERE event_id = $1 AND id = $2', [eventId, sessionId]);

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
async function beginWrite(sql: Sql, key: WriteKey, nowMs: number): Promise<{ resumed: boolean }> {
  const earlier = await selectWrite(sql, key.eventId, key.sessionId);
  if (earlier && earlier.kind === key.kind && earlier.host_id === key.hostId) {
    return { resumed: true };
  }
  if (earlier) await abandonWrite(sql, key.eventId, key.sessionId, nowMs);
  await sql.run(
    `INSERT INTO zoom_meeting_writes (event_id, session_id, kind, host_id, started_at_ms)
       VALUES ($1, $2, $3, $4, $5)`,
    [key.eventId, key.sessionId, key.kind, key.hostId, nowMs],
  );

  return { resumed: false };
}

async function recordCreated(
  sql: Sql,
  eventId: string,
  sessionId: string,
  meeting: { kind: ZoomSessionKind; meetingId: string; joinUrl: string },
  nowMs: number,
): Promise<boolean> {
  const updated = await sql.run(
    `UPDATE zoom_meeting_writes SET meeting_id = $1, join_url = $2
       WHERE event_id = $3 AND session_id = $4 AND kind = $5`,
    [meeting.meetingId, meeting.joinUrl, eventId, sessionId, meeting.kind],
  );
  if (updated === 1) return true;
  // The write was given up while Zoom created the meeting: nothing will commit it.
  await queueDeletion(sql, { eventId, sessionId, ...meeting }, nowMs);

  return false;
}

interface WriteRow {
  kind: ZoomSessionKind;
  host_id: string;
  meeting_id: string | null;
  join_url: string | null;
}

function selectWrite(sql: Sql, eventId: string, sessionId: string) {
  return sql.one<WriteRow>(
    'SELECT * FROM zoom_meeting_writes WHERE event_id = $1 AND session_id = $2',
    [eventId, sessionId],
  );
}

async function abandonWrite(sql: Sql, eventId: string, sessionId: string, nowMs: number) {
  const write = await selectWrite(sql, eventId, sessionId);
  if (!write) return;
  if (write.meeting_id) {
    const meeting = { kind: write.kind, meetingId: write.meeting_id };
    await queueDeletion(sql, { eventId, sessionId, ...meeting }, nowMs);
  }
  await sql.run('DELETE FROM zoom_meeting_writes WHERE event_id = $1 AND session_id = $2', [
    eventId,
    sessionId,
  ]);
}

/**
 * Points the session at the meeting Zoom now holds, in one transaction with the checks that
 * make it safe, as on SQLite: the session is as the sync found it and the host is still a
 * licensed host of the event. A host removal overlapping this transaction conflicts with its
 * read of the host, so PostgreSQL retries one of the two and it sees the other's outcome.
 */
async function commitZoom(
  sql: Sql,
  commit: ZoomSessionCommit,
  nowMs: number,
): Promise<ZoomCommitResult> {
  const row = await selectRow(sql, commit.eventId, commit.sessionId);
  const unchanged = sessionUnchanged(row, commit);
  const write = await selectWrite(sql, commit.eventId, commit.sessionId);
  const created = write?.meeting_id === commit.meetingId;
  if (!unchanged || !(await hostUsable(sql, commit.eventId, commit.hostId))) {
    // Only a meeting this sync created is released; an updated one still serves the session.
    if (created) await abandonWrite(sql, commit.eventId, commit.sessionId, nowMs);
    return { kind: 'lost_race', reason: unchanged ? 'host_unusable' : 'session_changed' };
  }

  const joinUrl = created ? (write?.join_url ?? '') : (row?.zoom_join_url ?? '');
  const replacedMeeting = row ? await replaceMeeting(sql, row, commit, nowMs) : false;
  const notice = meetingChangeNotice(row, commit);
  if (notice) {
    await appendPostgresNotification(sql, notice.type, commit.eventId, nowMs, notice.payload);
  }
  const save = { ...commit, stream: streamOf(commit) };
  if (row) await updatePlan(sql, save, nowMs);
  else await insertSession(sql, save, nowMs);
  await sql.run(
    `UPDATE sessions SET zoom_host_id = $1, zoom_meeting_id = $2, zoom_meeting_kind = $3,
       zoom_join_url = $4 WHERE event_id = $5 AND id = $6`,
    [commit.hostId, commit.meetingId, commit.kind, joinUrl, commit.eventId, commit.sessionId],
  );
  await sql.run('DELETE FROM zoom_meeting_writes WHERE event_id = $1 AND session_id = $2', [
    commit.eventId,
    commit.sessionId,
  ]);
  const session = (await selectSession(sql, commit.eventId, commit.sessionId)) as Session;

  return { kind: 'committed', session, replacedMeeting };
}

async function replaceMeeting(sql: Sql, row: SessionRow, commit: ZoomSessionCommit, nowMs: number) {
  const old = replacedMeeting(row, commit);
  if (!old) return false;
  await queueDeletion(sql, { eventId: row.event_id, sessionId: row.id, ...old }, nowMs);

  return true;
}

async function hostUsable(sql: Sql, eventId: string, hostId: string): Promise<boolean> {
  const host = await sql.one<{ zoom_state: string }>(
    'SELECT zoom_state FROM zoom_hosts WHERE event_id = $1 AND zoom_user_id = $2',
    [eventId, hostId],
  );

  return host?.zoom_state === 'licensed';
}

async function knownMeetings(sql: Sql, eventId: string, sessionId: string): Promise<string[]> {
  const rows = await sql.rows<{ id: string }>(
    `SELECT zoom_meeting_id AS id FROM sessions
        WHERE event_id = $1 AND id = $2 AND zoom_meeting_id IS NOT NULL
     UNION SELECT meeting_id FROM zoom_meeting_deletions WHERE event_id = $1 AND session_id = $2
     UNION SELECT meeting_id FROM zoom_meeting_writes
        WHERE event_id = $1 AND session_id = $2 AND meeting_id IS NOT NULL`,
    [eventId, sessionId],
  );

  return rows.map((row) => row.id);
}

async function pendingDeletions(
  sql: Sql,
  eventId: string,
  limit: number,
): Promise<PendingMeetingDeletion[]> {
  const rows = await sql.rows<{
    kind: ZoomSessionKind;
    meeting_id: string;
    session_id: string;
    attempts: number;
  }>(
    `SELECT kind, meeting_id, session_id, attempts FROM zoom_meeting_deletions
        WHERE event_id = $1 ORDER BY enqueued_at_ms, meeting_id LIMIT $2`,
    [eventId, limit],
  );

  return rows.map((row) => ({
    kind: row.kind,
    meetingId: row.meeting_id,
    sessionId: row.session_id,
    attempts: row.attempts,
  }));
}

async function finishDeletion(
  sql: Sql,
  eventId: string,
  kind: ZoomSessionKind,
  meetingId: string,
  nowMs: number,
) {
  const queued = await sql.one<{ session_id: string }>(
    `SELECT session_id FROM zoom_meeting_deletions
      WHERE event_id = $1 AND kind = $2 AND meeting_id = $3`,
    [eventId, kind, meetingId],
  );
  if (queued) {
    await appendPostgresNotification(sql, 'session.zoom_meeting_deleted', eventId, nowMs, {
      sessionId: queued.session_id,
      kind,
      meetingId,
    });
  }
  await sql.run(
    'DELETE FROM zoom_meeting_deletions WHERE event_id = $1 AND kind = $2 AND meeting_id = $3',
    [eventId, kind, meetingId],
  );
}

async function countDeletionAttempt(
  sql: Sql,
  eventId: string,
  kind: ZoomSessionKind,
  meetingId: string,
) {
  await sql.run(
    `UPDATE zoom_meeting_deletions SET attempts = attempts + 1
        WHERE event_id = $1 AND kind = $2 AND meeting_id = $3`,
    [eventId, kind, meetingId],
  );
}

/**
 * One upsert whose increment PostgreSQL applies under the row's lock to the latest count, so
 * concurrent workers never both take the last write of the day; no transaction to retry.
 */
async function reserveDailyWrite(
  sql: Sql,
  key: { accountId: string; hostId: string; utcDay: string },
  limit: number,
): Promise<boolean> {
  const counted = await sql.run(
    `INSERT INTO zoom_host_daily_writes AS daily (account_id, zoom_user_id, utc_day, writes)
       VALUES ($1, $2, $3, 1)
     ON CONFLICT (account_id, zoom_user_id, utc_day) DO UPDATE SET writes = daily.writes + 1
       WHERE daily.writes < $4`,
    [key.accountId, key.hostId, key.utcDay, limit],
  );

  return counted === 1;
}
