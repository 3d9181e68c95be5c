import { randomUUID } from 'node:crypto';
import type { PostgresDatabase, Sql } from './postgres-database.js';
import { emailKey, toHost, toPerson, type HostRow, type PersonRow } from './rows.js';
import type {
  HostInput,
  HostRemoval,
  HostStore,
  Page,
  Person,
  PersonInput,
  SessionRef,
  ZoomHost,
} from './types.js';

/** The people, hosts and session mappings of the PostgreSQL store. */
export function createPostgresHostStore(db: PostgresDatabase, now: () => number): HostStore {
  return {
    createPerson: (input) => db.serializable((sql) => insertPerson(sql, input, now())),
    listPeople: (eventId) => selectPeople(db, eventId),
    readPerson: (eventId, personId) => selectPerson(db, eventId, personId),
    commitHost: (input) => db.serializable((sql) => upsertHost(sql, input, now())),
    readHost: (eventId, hostId) => selectHost(db, eventId, hostId),
    listHosts: (eventId, limit, cursor) => pageHosts(db, eventId, limit, cursor),
    recordHostCapacities: (eventId, hostId, capacities) =>
      db.serializable((sql) => updateCapacities(sql, { eventId, hostId }, capacities, now())),
    // Serializable although one statement: its NOT EXISTS read and a session commit's host
    // read must conflict, so one of two racing transactions is retried and sees the other.
    removeHost: (eventId, hostId) => db.serializable((sql) => deleteHost(sql, eventId, hostId)),
  };
}

export async function insertPerson(sql: Sql, input: PersonInput, nowMs: number) {
  const id = `person_${randomUUID()}`;
  const inserted = await sql.run(
    `INSERT INTO people (id, event_id, first_name, last_name, email, email_key, created_at_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_id, email_key) DO NOTHING`,
    [id, input.eventId, input.firstName, input.lastName, input.email, emailKey(input.email), nowMs],
  );
  if (inserted === 0) return 'duplicate' as const;

  return { id, ...input, createdAtMs: nowMs };
}

async function selectPeople(sql: Sql, eventId: string): Promise<Person[]> {
  const rows = await sql.rows<PersonRow>(
    'SELECT * FROM people WHERE event_id = $1 ORDER BY created_at_ms, id',
    [eventId],
  );

  return rows.map(toPerson);
}

async function selectPerson(sql: Sql, eventId: string, personId: string) {
  const row = await sql.one<PersonRow>('SELECT * FROM people WHERE event_id = $1 AND id = $2', [
    eventId,
    personId,
  ]);

  return row ? toPerson(row) : null;
}

export async function selectHost(
  sql: Sql,
  eventId: string,
  hostId: string,
): Promise<ZoomHost | null> {
  const row = await sql.one<HostRow>(
    'SELECT * FROM zoom_hosts WHERE event_id = $1 AND zoom_user_id = $2',
    [eventId, hostId],
  );

  return row ? toHost(row) : null;
}

/** Matches the person by email or creates one, then adds the host; a known host is returned. */
async function upsertHost(sql: Sql, input: HostInput, nowMs: number) {
  const existing = await selectHost(sql, input.eventId, input.hostId);
  if (existing) return { host: existing, created: false };
  const personId = await matchOrCreatePerson(
    sql,
    input.eventId,
    input.email,
    input.personNames,
    nowMs,
  );
  await sql.run(
    `INSERT INTO zoom_hosts (event_id, zoom_user_id, person_id, email, first_name, last_name,
       zoom_state, expected_attendees, capacity, webinar_capacity, created_at_ms, updated_at_ms)
     VALUES ($1, $2, $3, $4, $5, $6, 'licensed', $7, $8, $9, $10, $10)`,
    [
      input.eventId,
      input.hostId,
      personId,
      input.email,
      input.firstName,
      input.lastName,
      input.expectedAttendees,
      input.capacity,
      input.webinarCapacity,
      nowMs,
    ],
  );

  return { host: (await selectHost(sql, input.eventId, input.hostId)) as ZoomHost, created: true };
}

export async function matchOrCreatePerson(
  sql: Sql,
  eventId: string,
  email: string,
  names: { firstName: string; lastName: string },
  nowMs: number,
): Promise<string> {
  const found = await sql.one<{ id: string }>(
    'SELECT id FROM people WHERE event_id = $1 AND email_key = $2',
    [eventId, emailKey(email)],
  );
  if (found) return found.id;
  // Inside a serializable transaction a person added meanwhile by another one makes this
  // insert fail with a serialization error, never answer 'duplicate': the retry finds it.
  const person = await insertPerson(sql, { eventId, email, ...names }, nowMs);

  return person === 'duplicate' ? '' : person.id;
}

async function pageHosts(
  sql: Sql,
  eventId: string,
  limit: number,
  cursor: string | null,
): Promise<Page<ZoomHost>> {
  const rows = await sql.rows<HostRow>(
    `SELECT * FROM zoom_hosts WHERE event_id = $1 AND zoom_user_id > $2
        ORDER BY zoom_user_id LIMIT $3`,
    [eventId, cursor ?? '', limit + 1],
  );
  const items = rows.slice(0, limit).map(toHost);
  const last = items.at(-1);

  return { items, nextCursor: rows.length > limit && last ? last.hostId : null };
}

async function updateCapacities(
  sql: Sql,
  key: { eventId: string; hostId: string },
  capacities: { capacity: number; webinarCapacity: number },
  nowMs: number,
): Promise<void> {
  await sql.run(
    `UPDATE zoom_hosts SET capacity = $1, webinar_capacity = $2, updated_at_ms = $3
        WHERE event_id = $4 AND zoom_user_id = $5`,
    [capacities.capacity, capacities.webinarCapacity, nowMs, key.eventId, key.hostId],
  );
}

/** One DELETE guarded by NOT EXISTS, as on SQLite; the foreign key backs it. */
async function deleteHost(sql: Sql, eventId: string, hostId: string): Promise<HostRemoval> {
  const deleted = await sql.run(
    `DELETE FROM zoom_hosts WHERE event_id = $1 AND zoom_user_id = $2
         AND NOT EXISTS (SELECT 1 FROM sessions WHERE event_id = $1 AND zoom_host_id = $2)`,
    [eventId, hostId],
  );
  if (deleted === 1) return { removed: true };
  if (!(await selectHost(sql, eventId, hostId))) return { removed: false, reason: 'not_found' };

  return { removed: false, reason: 'mapped', sessions: await sessionsOf(sql, eventId, hostId) };
}

export function sessionsOf(sql: Sql, eventId: string, hostId: string): Promise<SessionRef[]> {
  return sql.rows<SessionRef>(
    'SELECT id, title FROM sessions WHERE event_id = $1 AND zoom_host_id = $2 ORDER BY id',
    [eventId, hostId],
  );
}
