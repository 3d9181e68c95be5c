import { appendPostgresNotification } from './postgres-notification-store.js';
import type { PostgresDatabase, Sql } from './postgres-database.js';
import { insertPerson, selectHost, sessionsOf } from './postgres-host-store.js';
import { emailKey, toHost, zoomStateOf, type HostRow, type StagedRow } from './rows.js';
import type {
  ImportReport,
  StagedZoomUser,
  SyncReport,
  ZoomHost,
  ZoomHostState,
  ZoomScanStore,
} from './types.js';

/** Staged Zoom scans and per-account pacing for the PostgreSQL store. */
export function createPostgresScanStore(db: PostgresDatabase, now: () => number): ZoomScanStore {
  return {
    stageZoomUsers: (batchId, users) => db.serializable((sql) => stage(sql, batchId, users)),
    clearStaged: (batchId) => db.serializable((sql) => clear(sql, batchId)),
    commitImport: (eventId, batchId) =>
      db.serializable((sql) => applyImport(sql, eventId, batchId, now())),
    commitSync: (eventId, batchId) =>
      db.serializable((sql) => applySync(sql, eventId, batchId, now())),
    reserveZoomCall: (accountId, category, perSecond) =>
      reserve(db, { accountId, category }, perSecond, now()),
  };
}

/** One statement for a whole page; a user listed twice keeps its last version, as on SQLite. */
async function stage(sql: Sql, batchId: string, users: StagedZoomUser[]): Promise<void> {
  const latest = [...new Map(users.map((user) => [user.id, user])).values()];
  if (latest.length === 0) return;
  const column = <K extends keyof StagedZoomUser>(key: K) => latest.map((user) => user[key]);
  await sql.run(
    `INSERT INTO zoom_user_staging
       (batch_id, zoom_user_id, present, email, first_name, last_name, type, status)
     SELECT $1, * FROM unnest($2::text[], $3::boolean[], $4::text[], $5::text[], $6::text[],
       $7::integer[], $8::text[])
     ON CONFLICT (batch_id, zoom_user_id) DO UPDATE SET present = excluded.present,
       email = excluded.email, first_name = excluded.first_name, last_name = excluded.last_name,
       type = excluded.type, status = excluded.status`,
    [
      batchId,
      column('id'),
      column('present'),
      column('email'),
      column('firstName'),
      column('lastName'),
      column('type'),
      column('status'),
    ],
  );
}

async function clear(sql: Sql, batchId: string): Promise<void> {
  await sql.run('DELETE FROM zoom_user_staging WHERE batch_id = $1', [batchId]);
}

function stagedUsers(sql: Sql, batchId: string): Promise<StagedRow[]> {
  return sql.rows<StagedRow>(
    'SELECT * FROM zoom_user_staging WHERE batch_id = $1 ORDER BY zoom_user_id',
    [batchId],
  );
}

/**
 * The event's hosts and its people by email key, read once per import and kept in step with
 * the import's own writes; the serializable transaction keeps anyone else's out. It saves two
 * round trips per user, which on a 10,000-user import is most of the time.
 */
interface EventDirectory {
  hosts: Map<string, ZoomHost>;
  personByEmailKey: Map<string, string>;
}

async function readDirectory(sql: Sql, eventId: string): Promise<EventDirectory> {
  const hosts = await sql.rows<HostRow>('SELECT * FROM zoom_hosts WHERE event_id = $1', [eventId]);
  const people = await sql.rows<{ id: string; email_key: string }>(
    'SELECT id, email_key FROM people WHERE event_id = $1',
    [eventId],
  );

  return {
    hosts: new Map(hosts.map((row) => [row.zoom_user_id, toHost(row)])),
    personByEmailKey: new Map(people.map((row) => [row.email_key, row.id])),
  };
}

/** Active licensed users become hosts (matched to people by email); others are skipped. */
async function applyImport(sql: Sql, eventId: string, batchId: string, nowMs: number) {
  const report: ImportReport = {
    added: 0,
    updated: 0,
    unchanged: 0,
    skipped: { unlicensed: 0, inactive: 0 },
  };
  const directory = await readDirectory(sql, eventId);
  for (const user of await stagedUsers(sql, batchId)) {
    if (user.status !== 'active') report.skipped.inactive += 1;
    else if (user.type !== 2) report.skipped.unlicensed += 1;
    else report[await importOne(sql, { eventId, directory }, user, nowMs)] += 1;
  }
  await clear(sql, batchId);

  return report;
}

async function importOne(
  sql: Sql,
  { eventId, directory }: { eventId: string; directory: EventDirectory },
  user: StagedRow,
  nowMs: number,
) {
  const existing = directory.hosts.get(user.zoom_user_id);
  if (existing) {
    const changed = await refreshHost(sql, existing, user, 'licensed', nowMs, directory);
    return changed ? ('updated' as const) : ('unchanged' as const);
  }
  const personId = await personFor(sql, { eventId, directory }, user, nowMs);
  // Limitation: an import reads no user settings (one request per 300 users), so imported
  // hosts carry capacity 0 until a session checks the capacity of its own kind.
  await sql.run(
    `INSERT INTO zoom_hosts (event_id, zoom_user_id, person_id, email, first_name, last_name,
       zoom_state, expected_attendees, capacity, webinar_capacity, created_at_ms, updated_at_ms)
     VALUES ($1, $2, $3, $4, $5, $6, 'licensed', 0, 0, 0, $7, $7)`,
    [eventId, user.zoom_user_id, personId, user.email, user.first_name, user.last_name, nowMs],
  );

  return 'added' as const;
}

/** The person of the event with the user's email, created from the user's names if none. */
async function personFor(
  sql: Sql,
  { eventId, directory }: { eventId: string; directory: EventDirectory },
  user: StagedRow,
  nowMs: number,
): Promise<string> {
  const key = emailKey(user.email);
  const known = directory.personByEmailKey.get(key);
  if (known) return known;
  const names = { firstName: user.first_name, lastName: user.last_name };
  const person = await insertPerson(sql, { eventId, email: user.email, ...names }, nowMs);
  // The directory holds every person of the event, so this insert meets no duplicate; one made
  // meanwhile by another transaction fails this one with a serialization error, then retried.
  const personId = person === 'duplicate' ? '' : person.id;
  directory.personByEmailKey.set(key, personId);

  return personId;
}

/** Writes Zoom's view of a host when it differs; answers whether anything changed. */
async function refreshHost(
  sql: Sql,
  host: ZoomHost,
  user: StagedRow,
  state: ZoomHostState,
  nowMs: number,
  directory?: EventDirectory,
): Promise<boolean> {
  const same =
    host.email === user.email &&
    host.firstName === user.first_name &&
    host.lastName === user.last_name &&
    host.zoomState === state;
  if (same) return false;
  await sql.run(
    `UPDATE zoom_hosts SET email = $1, first_name = $2, last_name = $3, zoom_state = $4,
       updated_at_ms = $5 WHERE event_id = $6 AND zoom_user_id = $7`,
    [user.email, user.first_name, user.last_name, state, nowMs, host.eventId, host.hostId],
  );
  if (user.email !== host.email && (await followRenamedEmail(sql, host, user.email))) {
    directory?.personByEmailKey.forEach((personId, key, map) => {
      if (personId === host.personId) map.delete(key);
    });
    directory?.personByEmailKey.set(emailKey(user.email), host.personId);
  }

  return true;
}

/**
 * The host's person follows a renamed Zoom email, unless another person of the event holds it;
 * otherwise a later host with the old email would be matched to this person.
 */
async function followRenamedEmail(sql: Sql, host: ZoomHost, email: string): Promise<boolean> {
  const renamed = await sql.run(
    `UPDATE people SET email = $1, email_key = $2
      WHERE id = $3 AND NOT EXISTS (SELECT 1 FROM people WHERE event_id = $4 AND email_key = $2)`,
    [email, emailKey(email), host.personId, host.eventId],
  );

  return renamed === 1;
}

async function applySync(sql: Sql, eventId: string, batchId: string, nowMs: number) {
  const report: SyncReport = { checked: 0, updated: 0, changed: [] };
  for (const user of await stagedUsers(sql, batchId)) {
    const host = await selectHost(sql, eventId, user.zoom_user_id);
    if (!host) continue;
    report.checked += 1;
    const state = zoomStateOf({ ...user, present: Boolean(user.present) });
    // A deleted or pending user answers with no email or names; keep the last ones Zoom gave.
    const seen = user.email
      ? user
      : { ...user, email: host.email, first_name: host.firstName, last_name: host.lastName };
    if (await refreshHost(sql, host, seen, state, nowMs)) report.updated += 1;
    if (state !== 'licensed' && host.zoomState !== state) {
      const sessions = await sessionsOf(sql, eventId, host.hostId);
      const change = { hostId: host.hostId, zoomState: state, sessions };
      report.changed.push(change);
      await appendPostgresNotification(sql, 'host.zoom_state_changed', eventId, nowMs, change);
    }
  }
  await clear(sql, batchId);

  return report;
}

/**
 * Spaces calls evenly, 1000/perSecond ms apart per account and category, as on SQLite. One
 * upsert: PostgreSQL locks the row while it computes the next slot from the latest value, so
 * every worker gets its own slot without a transaction to retry (every Zoom call passes here).
 */
async function reserve(
  db: PostgresDatabase,
  key: { accountId: string; category: string },
  perSecond: number,
  nowMs: number,
): Promise<number> {
  const spacingMs = Math.ceil(1000 / perSecond);
  const row = await db.one<{ slot_ms: number }>(
    `INSERT INTO zoom_call_slots AS slots (account_id, category, next_slot_ms)
       VALUES ($1, $2, $3::bigint + $4::bigint)
     ON CONFLICT (account_id, category) DO UPDATE
       SET next_slot_ms = GREATEST(slots.next_slot_ms, $3::bigint) + $4::bigint
     RETURNING next_slot_ms - $4::bigint AS slot_ms`,
    [key.accountId, key.category, nowMs, spacingMs],
  );

  return (row?.slot_ms ?? nowMs) - nowMs;
}
