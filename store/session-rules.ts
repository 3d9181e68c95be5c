import type { SecretBox } from '../common/crypto.js';
import { toSession, type SessionRow } from './rows.js';
import type {
  LocalSaveResult,
  LocalSessionSave,
  NotificationType,
  Session,
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

/** A meeting new to the session is news; so is one under another host. An update is not. */
export function meetingChangeNotice(
  row: SessionRow | undefined,
  commit: ZoomSessionCommit,
): { type: NotificationType; payload: Record<string, unknown> } | null {
  const previous = row?.zoom_meeting_id ?? null;
  if (previous === commit.meetingId) return null;
  const meeting = {
    sessionId: commit.sessionId,
    kind: commit.kind,
    meetingId: commit.meetingId,
    hostId: commit.hostId,
  };
  if (previous === null) return { type: 'session.zoom_meeting_created', payload: meeting };
  return {
    type: 'session.zoom_meeting_moved',
    payload: { ...meeting, previousHostId: row?.zoom_host_id ?? null, previousMeetingId: previous },
  };
}

/**
 * Join links carry the meeting's passcode (`pwd=`), so they are sealed at rest like every
 * secret: sealed before they are written, opened only on the way out of the store.
 */
export function sealJoinLink(box: SecretBox, joinUrl: string): string {
  return joinUrl === '' ? '' : box.seal(joinUrl);
}

export function openJoinLinks(box: SecretBox) {
  return (session: Session): Session => {
    if (!session.zoom || session.zoom.joinUrl === '') return session;
    return { ...session, zoom: { ...session.zoom, joinUrl: box.open(session.zoom.joinUrl) } };
  };
}

export function withOpenedSession<T extends { kind: string }>(
  result: T,
  opened: (session: Session) => Session,
): T {
  return 'session' in result ? { ...result, session: opened(result.session as Session) } : result;
}
