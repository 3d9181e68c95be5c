import { toSession, type SessionRow } from './rows.js';
import type {
  LocalSaveResult,
  LocalSessionSave,
  SessionPlan,
  StreamSetting,
  ZoomSessionCommit,
  ZoomSessionKind,
} from './types.js';

// The decisions both stores make inside their session transactions, written once.

/** Answers a local save at once (conflict, not found, has a meeting), or null to go on. */
export function refuseLocalSave(
  row: SessionRow | undefined,
  save: LocalSessionSave,
): LocalSaveResult | null {
  if (save.expectedRevision === null && row) return { kind: 'conflict', session: toSession(row) };
  if (save.expectedRevision !== null) {
    if (!row) return { kind: 'not_found' };
    if (row.revision !== save.expectedRevision)
      return { kind: 'conflict', session: toSession(row) };
  }
  const keepsMeeting = save.stream.source === 'zoom' && save.stream.hostId !== null;
  if (row?.zoom_meeting_id && keepsMeeting) return { kind: 'has_meeting' };

  return null;
}

/** Whether the session is as the sync found it: absent for a create, same revision otherwise. */
export function sessionUnchanged(row: SessionRow | undefined, commit: ZoomSessionCommit): boolean {
  const expected = commit.expectedRevision;
  return expected === null ? !row : row?.revision === expected;
}

/** The meeting a commit replaces, to be queued for deletion; null when it keeps the same one. */
export function replacedMeeting(
  row: SessionRow,
  commit: ZoomSessionCommit,
): { kind: ZoomSessionKind; meetingId: string } | null {
  const old = row.zoom_meeting_id;
  if (!old || !row.zoom_meeting_kind) return null;
  if (old === commit.meetingId && row.zoom_meeting_kind === commit.kind) return null;

  return { kind: row.zoom_meeting_kind, meetingId: old };
}

export function streamColumns(stream: StreamSetting): [string, string | null, string | null] {
  if (stream.source === 'off') return ['off', null, null];
  return ['zoom', stream.kind, stream.hostId];
}

export function planColumns(plan: SessionPlan) {
  return [
    plan.title,
    plan.startLocal,
    plan.timeZone,
    plan.startUtcMs,
    plan.durationMinutes,
    plan.expectedAttendees,
  ] as const;
}

export function streamOf(commit: ZoomSessionCommit): StreamSetting {
  return { source: 'zoom', kind: commit.kind, hostId: commit.hostId };
}
