import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { emailKey, toHost, toPerson, type HostRow, type PersonRow } from './rows.js';
import { prepared } from './sqlite-statements.js';
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

/** The people, hosts and session mappings of the SQLite store, over an open database. */
export function createSqliteHostStore(db: Database.Database, now: () => number): HostStore {
  return {
    createPerson: (input) => Promise.resolve(insertPerson(db, input, now())),
    listPeople: (eventId) => Promise.resolve(selectPeople(db, eventId)),
    readPerson: (eventId, personId) => Promise.resolve(selectPerson(db, eventId, personId)),
    commitHost: (input) => Promise.resolve(upsertHost(db, input, now())),
    readHost: (eventId, hostId) => Promise.resolve(selectHost(db, eventId, hostId)),
    listHosts: (eventId, limit, cursor) => Promise.resolve(pageHosts(db, eventId, limit, cursor)),
    recordHostCapacities: (eventId, hostId, capacities) =>
      Promise.resolve(updateCapacities(db, eventId, hostId, capacities, now())),
    removeHost: (eventId, hostId) => Promise.resolve(deleteHost(db, eventId, hostId)),
  };
}

function insertPerson(db: Database.Database, input: PersonInput, nowMs: number) {
  const id = `person_${randomUUID()}`;
  const result = prepared(
    db,
    `INSERT INTO people (id, event_id, first_name, last_name, email, email_key, created_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id, email_key) DO NOTHING`,
  ).run(
    id,
    input.eventId,
    input.firstName,
    input.lastName,
    input.email,
    emailKey(input.email),
    nowMs,
  );
  if (result.changes === 0) return 'duplicate' as const;

  return { id, ...input, createdAtMs: nowMs };
}

function selectPeople(db: Database.Database, eventId: string): Person[] {
  return prepared<[string], PersonRow>(
    db,
    'SELECT * FROM people WHERE event_id = ? ORDER BY created_at_ms, id',
  )
    .all(eventId)
    .map(toPerson);
}

function selectPerson(db: Database.Database, eventId: string, personId: string): Person | null {
  const row = prepared<[string, string], PersonRow>(
    db,
    'SELECT * FROM people WHERE event_id = ? AND id = ?',
  ).get(eventId, personId);

  return row ? toPerson(row) : null;
}

export function selectHost(
  db: Database.Database,
  eventId: string,
  hostId: string,
): ZoomHost | null {
  const row = prepared<[string, string], HostRow>(
    db,
    'SELECT * FROM zoom_hosts WHERE event_id = ? AND zoom_user_id = ?',
  ).get(eventId, hostId);

  return row ? toHost(row) : null;
}

/** Matches the person by email or creates one, then adds the host; a known host is returned. */
function upsertHost(db: Database.Database, input: HostInput, nowMs: number) {
  return db.transaction(() => {
    const existing = selectHost(db, input.eventId, input.hostId);
    if (existing) return { host: existing, created: false };
    const personId = matchOrCreatePerson(db, input.eventId, input.email, input.personNames, nowMs);
    prepared(
      db,
      `INSERT INTO zoom_hosts (event_id, zoom_user_id, person_id, email, first_name, last_name,
         zoom_state, expected_attendees, capacity, webinar_capacity, created_at_ms, updated_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, 'licensed', ?, ?, ?, ?, ?)`,
    ).run(
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
      nowMs,
    );
    return { host: selectHost(db, input.eventId, input.hostId) as ZoomHost, created: true };
  })();
}

export function matchOrCreatePerson(
  db: Database.Database,
  eventId: string,
  email: string,
  names: { firstName: string; lastName: string },
  nowMs: number,
): string {
  const found = prepared<[string, string], { id: string }>(
    db,
    'SELECT id FROM people WHERE event_id = ? AND email_key = ?',
  ).get(eventId, emailKey(email));
  if (found) return found.id;
  const person = insertPerson(db, { eventId, email, ...names }, nowMs);

  return person === 'duplicate' ? '' : person.id;
}

function pageHosts(
  db: Database.Database,
  eventId: string,
  limit: number,
  cursor: string | null,
): Page<ZoomHost> {
  const rows = prepared<[string, string, number], HostRow>(
    db,
    `SELECT * FROM zoom_hosts WHERE event_id = ? AND zoom_user_id > ?
        ORDER BY zoom_user_id LIMIT ?`,
  ).all(eventId, cursor ?? '', limit + 1);
  const items = rows.slice(0, limit).map(toHost);
  const last = items.at(-1);

  return { items, nextCursor: rows.length > limit && last ? last.hostId : null };
}

function updateCapacities(
  db: Database.Database,
  eventId: string,
  hostId: string,
  capacities: { capacity: number; webinarCapacity: number },
  nowMs: number,
): void {
  prepared(
    db,
    `UPDATE zoom_hosts SET capacity = ?, webinar_capacity = ?, updated_at_ms = ?
        WHERE event_id = ? AND zoom_user_id = ?`,
  ).run(capacities.capacity, capacities.webinarCapacity, nowMs, eventId, hostId);
}

/**
 * One DELETE guarded by NOT EXISTS: SQLite runs it atomically, so a session assigned at the same
 * moment either lands first (and blocks this) or finds the host gone (and fails itself).
 */
function deleteHost(db: Database.Database, eventId: string, hostId: string): HostRemoval {
  const result = prepared(
    db,
    `DELETE FROM zoom_hosts WHERE event_id = ? AND zoom_user_id = ?
         AND NOT EXISTS (SELECT 1 FROM sessions WHERE event_id = ? AND zoom_host_id = ?)`,
  ).run(eventId, hostId, eventId, hostId);
  if (result.changes === 1) return { removed: true };
  if (!selectHost(db, eventId, hostId)) return { removed: false, reason: 'not_found' };

  return { removed: false, reason: 'mapped', sessions: sessionsOf(db, eventId, hostId) };
}

export function sessionsOf(db: Database.Database, eventId: string, hostId: string): SessionRef[] {
  return prepared<[string, string], SessionRef>(
    db,
    'SELECT id, title FROM sessions WHERE event_id = ? AND zoom_host_id = ? ORDER BY id',
  ).all(eventId, hostId);
}
