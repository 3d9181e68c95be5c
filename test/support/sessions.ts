import type { HostStore, SessionPlan, SessionStore, ZoomCommitResult } from '../../store/types.js';

export const PLAN: SessionPlan = {
  title: 'Opening keynote',
  startLocal: '2027-03-01T09:30',
  timeZone: 'Europe/Berlin',
  startUtcMs: Date.UTC(2027, 2, 1, 8, 30),
  durationMinutes: 60,
  expectedAttendees: 50,
};

let meetings = 0;

/** A licensed host of the event that can take 300 in a meeting and no webinar. */
export async function licensedHost(store: HostStore, eventId: string, hostId: string) {
  await store.commitHost({
    eventId,
    hostId,
    email: `${hostId}@example.com`,
    firstName: 'H',
    lastName: hostId,
    expectedAttendees: 10,
    capacity: 300,
    webinarCapacity: 0,
    personNames: { firstName: 'H', lastName: hostId },
  });
}

/** Creates a session that streams through a meeting under the host, by the store's real path. */
export async function sessionStreamingThrough(
  store: SessionStore,
  eventId: string,
  hostId: string,
  title = PLAN.title,
  sessionId = `session-${(meetings += 1)}`,
): Promise<{ sessionId: string; result: ZoomCommitResult }> {
  const plan = { ...PLAN, title };
  const saved = await store.saveSessionLocally({
    eventId,
    sessionId,
    plan,
    stream: { source: 'off' },
    expectedRevision: null,
  });
  if (saved.kind !== 'saved') throw new Error(`session not saved: ${saved.kind}`);
  const result = await commitMeeting(store, eventId, sessionId, hostId, saved.session.revision);

  return { sessionId, result };
}

/** Commits a newly created meeting under the host to an existing session. */
export async function commitMeeting(
  store: SessionStore,
  eventId: string,
  sessionId: string,
  hostId: string,
  expectedRevision: number,
): Promise<ZoomCommitResult> {
  const meetingId = String(80_000_000_000 + (meetings += 1));
  await store.beginMeetingWrite(eventId, sessionId, 'meeting', hostId);
  await store.recordMeetingCreated(eventId, sessionId, {
    kind: 'meeting',
    meetingId,
    joinUrl: `https://zoom.example/j/${meetingId}`,
  });
  const plan = (await store.readSession(eventId, sessionId)) ?? PLAN;
  return store.commitZoomSession({
    eventId,
    sessionId,
    plan: { ...PLAN, title: plan.title },
    kind: 'meeting',
    hostId,
    meetingId,
    expectedRevision,
  });
}

/** Turns a session's streaming off, releasing its meeting, as the API does. */
export async function stopStreaming(store: SessionStore, eventId: string, sessionId: string) {
  const session = await store.readSession(eventId, sessionId);
  if (!session) throw new Error('no such session');
  return store.saveSessionLocally({
    eventId,
    sessionId,
    plan: session,
    stream: { source: 'off' },
    expectedRevision: session.revision,
  });
}
