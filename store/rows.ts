import { createHash } from 'node:crypto';
import type { SecretBox } from '../common/crypto.js';
import type {
  ApiKey,
  ApiKeyKind,
  AuditEntry,
  Person,
  Session,
  StoredCredentials,
  StoredToken,
  StreamSetting,
  ZoomHost,
  ZoomHostState,
  ZoomSessionKind,
} from './types.js';

// Rows as both stores read them (the same columns on SQLite and PostgreSQL), what they mean,
// and the rules both apply the same way.

export interface PersonRow {
  id: string;
  event_id: string;
  first_name: string;
  last_name: string;
  email: string;
  created_at_ms: number;
}

export interface HostRow {
  event_id: string;
  zoom_user_id: string;
  person_id: string;
  email: string;
  first_name: string;
  last_name: string;
  zoom_state: ZoomHost['zoomState'];
  expected_attendees: number;
  capacity: number;
  webinar_capacity: number;
  created_at_ms: number;
  updated_at_ms: number;
}

/** A staged Zoom user; `present` is 0 or 1 on SQLite, a boolean on PostgreSQL. */
export interface StagedRow {
  zoom_user_id: string;
  present: number | boolean;
  email: string;
  first_name: string;
  last_name: string;
  type: number;
  status: string;
}

export interface SessionRow {
  id: string;
  event_id: string;
  title: string;
  start_local: string;
  time_zone: string;
  start_utc_ms: number;
  duration_minutes: number;
  expected_attendees: number;
  stream_source: 'off' | 'zoom';
  stream_kind: ZoomSessionKind | null;
  stream_host_id: string | null;
  zoom_host_id: string | null;
  zoom_meeting_id: string | null;
  zoom_meeting_kind: ZoomSessionKind | null;
  zoom_join_url: string | null;
  revision: number;
  created_at_ms: number;
  updated_at_ms: number;
}

export interface KeyRow {
  id: string;
  kind: ApiKeyKind;
  label: string;
  secret_hash: string;
  event_ids: string;
  created_at_ms: number;
  revoked_at_ms: number | null;
}

export interface AuditRow {
  seq: number;
  at_ms: number;
  key_id: string;
  method: string;
  route: string;
  event_id: string | null;
  status: number;
  request_id: string;
  target_key_id: string | null;
}

/** Emails are compared whatever their case (product rule 6). */
export const emailKey = (email: string) => email.trim().toLowerCase();

/** `grk_<id>_<secret>`: the id finds the key, the secret proves it. */
const API_TOKEN = /^grk_([a-f0-9]{16})_([A-Za-z0-9_-]{43})$/;

export function parseApiToken(token: string): { id: string; secret: string } | null {
  const match = API_TOKEN.exec(token);
  if (!match) return null;
  const [, id = '', secret = ''] = match;

  return { id, secret };
}

export const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');

export function toPerson(row: PersonRow): Person {
  return {
    id: row.id,
    eventId: row.event_id,
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    createdAtMs: row.created_at_ms,
  };
}

export function toHost(row: HostRow): ZoomHost {
  return {
    eventId: row.event_id,
    hostId: row.zoom_user_id,
    personId: row.person_id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    zoomState: row.zoom_state,
    expectedAttendees: row.expected_attendees,
    capacity: row.capacity,
    webinarCapacity: row.webinar_capacity,
    createdAtMs: row.created_at_ms,
    updatedAtMs: row.updated_at_ms,
  };
}

/** What Zoom's answer about a user means for the host it backs. */
export function zoomStateOf(user: {
  present: boolean;
  status: string;
  type: number;
}): ZoomHostState {
  if (!user.present) return 'deleted';
  if (user.status !== 'active') return 'deactivated';
  return user.type === 2 ? 'licensed' : 'unlicensed';
}

export function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    eventId: row.event_id,
    title: row.title,
    startLocal: row.start_local,
    timeZone: row.time_zone,
    startUtcMs: row.start_utc_ms,
    durationMinutes: row.duration_minutes,
    expectedAttendees: row.expected_attendees,
    stream: toStream(row),
    zoom:
      row.zoom_meeting_id && row.zoom_meeting_kind && row.zoom_host_id
        ? {
            kind: row.zoom_meeting_kind,
            meetingId: row.zoom_meeting_id,
            hostId: row.zoom_host_id,
            joinUrl: row.zoom_join_url ?? '',
          }
        : null,
    revision: row.revision,
    createdAtMs: row.created_at_ms,
    updatedAtMs: row.updated_at_ms,
  };
}

function toStream(row: SessionRow): StreamSetting {
  if (row.stream_source === 'off' || !row.stream_kind) return { source: 'off' };
  return { source: 'zoom', kind: row.stream_kind, hostId: row.stream_host_id };
}

export function toKey(row: KeyRow): ApiKey {
  return {
    id: row.id,
    kind: row.kind,
    label: row.label,
    eventIds: JSON.parse(row.event_ids) as string[],
    createdAtMs: row.created_at_ms,
    revokedAtMs: row.revoked_at_ms,
  };
}

export function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    seq: row.seq,
    atMs: row.at_ms,
    keyId: row.key_id,
    method: row.method,
    route: row.route,
    eventId: row.event_id,
    status: row.status,
    requestId: row.request_id,
    targetKeyId: row.target_key_id,
  };
}

export interface CredentialsRow {
  id: string;
  event_id: string;
  account_id: string;
  client_id: string;
  client_secret_sealed: string;
  created_at_ms: number;
}

export interface ConnectionRow {
  event_id: string;
  credentials_id: string;
  access_token_sealed: string;
  token_preview: string;
  token_fingerprint: string;
  minted_at_ms: number;
  expires_at_ms: number;
}

/** The credentials with their secret opened: only the store's callers that mint get them. */
export function toCredentials(row: CredentialsRow, box: SecretBox): StoredCredentials {
  return {
    id: row.id,
    eventId: row.event_id,
    accountId: row.account_id,
    clientId: row.client_id,
    clientSecret: box.open(row.client_secret_sealed),
    createdAtMs: row.created_at_ms,
  };
}

export function toToken(row: ConnectionRow, box: SecretBox): StoredToken {
  return {
    eventId: row.event_id,
    credentialsId: row.credentials_id,
    accessToken: box.open(row.access_token_sealed),
    preview: row.token_preview,
    fingerprint: row.token_fingerprint,
    mintedAtMs: row.minted_at_ms,
    expiresAtMs: row.expires_at_ms,
  };
}

/** The audit columns in insert order: key, method, route, event, status, request id. */
export function auditColumns(entry: Omit<AuditEntry, 'seq'>) {
  return [
    entry.atMs,
    entry.keyId,
    entry.method,
    entry.route,
    entry.eventId,
    entry.status,
    entry.requestId,
    entry.targetKeyId,
  ] as const;
}
