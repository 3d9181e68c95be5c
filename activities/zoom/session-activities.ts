import { log } from '@temporalio/activity';
import { FailureType } from '../../common/failures.js';
import { toZoomUtc } from '../../common/zoned-time.js';
import { ZOOM_HOST_DAILY_WRITES, type ZoomCallCategory } from '../../common/zoom-rate-limits.js';
import type {
  GreenroomStore,
  SessionPlan,
  ZoomHost,
  ZoomSessionCommit,
  ZoomSessionKind,
} from '../../store/types.js';
import {
  ZoomApiError,
  ZoomDailyLimitReached,
  ZoomTokenRejected,
  type ZoomMethod,
  type ZoomRequest,
} from './api-client.js';
import { capacitiesFrom, failure, transientFailure, type ZoomFeatures } from './host-activities.js';
import type { ZoomPacer } from './pacing.js';
import { ZoomTransientError } from './token-client.js';

/** What a session sync is asked to make true on Zoom. */
export interface SessionSyncInput {
  eventId: string;
  sessionId: string;
  plan: SessionPlan;
  kind: ZoomSessionKind;
  hostId: string;
  /** The revision the organiser saved over, or null when the session is new. */
  expectedRevision: number | null;
}

/** Why a session cannot stream as asked; each has its own organiser-facing message. */
export type SessionRefusal =
  | { reason: 'host_not_found' }
  | { reason: 'host_unusable'; zoomState: string }
  | { reason: 'webinar_not_enabled' }
  | { reason: 'capacity'; capacity: number; expected: number }
  | { reason: 'session_not_found' }
  | { reason: 'session_changed' }
  | { reason: 'daily_limit'; resetsAtMs: number }
  /** Its turn in the account's pacing came after the caller stopped waiting: not sent. */
  | { reason: 'too_late' }
  | { reason: 'zoom_refused'; zoomCode: number | null; zoomMessage: string };

export type SyncPlan =
  | { kind: 'refused'; refusal: SessionRefusal }
  | { kind: 'create' }
  | { kind: 'update'; meetingId: string };

export type MeetingWrite =
  | { kind: 'written'; meetingId: string; created: boolean }
  | { kind: 'gone' }
  | { kind: 'refused'; refusal: SessionRefusal };

/** What a deletion pass did; the rest waits for the next pass. */
export interface DeletionPass {
  deleted: number;
  /** Sessions whose abandoned create was settled: its meeting, if Zoom made one, released. */
  swept: string[];
  remaining: number;
  stoppedBy: 'nothing' | 'token_rejected' | 'token_unavailable' | 'zoom_unavailable';
  retryAfterMs: number | null;
}

export interface SessionActivityDependencies {
  store: GreenroomStore;
  zoomRequest: ZoomRequest;
  pace: ZoomPacer;
  now?: () => number;
}

/** A pass deletes at most this many meetings, so one activity never runs for long. */
const DELETIONS_PER_PASS = 50;
/** A meeting Zoom keeps refusing to delete (not a transient failure) is given up after this. */
const DELETION_ATTEMPTS = 5;

/** Builds the activities that keep a session's Zoom meeting or webinar as the organiser saved. */
export function createSessionActivities(deps: SessionActivityDependencies) {
  const now = deps.now ?? Date.now;
  return {
    /** Checks the host and the session in the store and decides between create and update. */
    async planSessionSync(input: SessionSyncInput): Promise<SyncPlan> {
      const [stored, session] = await Promise.all([
        deps.store.readHost(input.eventId, input.hostId),
        deps.store.readSession(input.eventId, input.sessionId),
      ]);
      const host = stored && needsCapacities(stored) ? await readCapacities(deps, stored) : stored;
      if (host && 'reason' in host) return { kind: 'refused', refusal: host };
      const refusal = judgeHost(host, input) ?? judgeSession(session, input.expectedRevision);
      if (refusal) return { kind: 'refused', refusal };
      // Counted once per save, ahead of Zoom: retries of the call below do not count again.
      const budget = await reserveDailyWrite(deps.store, input, now());
      if (budget) return { kind: 'refused', refusal: budget };
      const current = session?.zoom;
      if (current && current.kind === input.kind && current.hostId === input.hostId) {
        return { kind: 'update', meetingId: current.meetingId };
      }

      return { kind: 'create' };
    },

    /**
     * Updates the meeting, or creates it under the host. A create first records its intent; a
     * retry that finds the intent looks for the tagged meeting an earlier attempt may have made.
     */
    async writeZoomMeeting(
      input: SessionSyncInput & { meetingId: string | null; notAfterMs?: number },
    ): Promise<MeetingWrite> {
      const zoom = await zoomSession(deps, input.eventId, input.notAfterMs);
      try {
        if (input.meetingId) return await updateMeeting(zoom, input, input.meetingId);
        return await createMeeting(deps.store, zoom, input);
      } catch (error) {
        return refusalOf(error);
      }
    },

    /** Points the session at the meeting; the answer leaves the join link in the store. */
    async commitSessionSync(commit: ZoomSessionCommit) {
      const result = await deps.store.commitZoomSession(commit);
      if (result.kind === 'lost_race') return result;
      return {
        kind: result.kind,
        replacedMeeting: result.replacedMeeting,
        revision: result.session.revision,
      };
    },

    async abandonSessionWrite(input: { eventId: string; sessionId: string }): Promise<void> {
      await deps.store.abandonMeetingWrite(input.eventId, input.sessionId);
    },

    /**
     * Settles the abandoned creates of the given sessions (a failed save may have made a meeting
     * whose answer was lost), then deletes released meetings; Zoom's 3001 counts as deleted.
     */
    async deleteReleasedMeetings(input: {
      eventId: string;
      sweepSessions?: string[];
    }): Promise<DeletionPass> {
      const empty: DeletionPass = {
        deleted: 0,
        swept: [],
        remaining: 0,
        stoppedBy: 'nothing',
        retryAfterMs: null,
      };
      let zoom: ZoomSession;
      try {
        zoom = await zoomSession(deps, input.eventId);
      } catch {
        return { ...empty, stoppedBy: 'token_unavailable' };
      }
      const sweep = await sweepAbandonedWrites(deps.store, zoom, input);
      if (sweep.stop) return { ...empty, swept: sweep.swept, ...sweep.stop };
      return { ...(await deletionPass(deps.store, zoom, input.eventId)), swept: sweep.swept };
    },
  };
}

export type SessionActivities = ReturnType<typeof createSessionActivities>;

/** An imported host's capacities are unknown (0): a licensed user can always host someone. */
function needsCapacities(host: ZoomHost): boolean {
  return host.zoomState === 'licensed' && host.capacity === 0 && host.webinarCapacity === 0;
}

/** Reads the host's settings from Zoom once and keeps its capacities for later sessions. */
async function readCapacities(
  deps: SessionActivityDependencies,
  host: ZoomHost,
): Promise<ZoomHost | SessionRefusal> {
  const zoom = await zoomSession(deps, host.eventId);
  const path = `/users/${encodeURIComponent(host.hostId)}/settings`;
  let settings: { feature?: ZoomFeatures };
  try {
    settings = (await zoom.call('GET', path, 'medium')) as { feature?: ZoomFeatures };
  } catch (error) {
    // Token and transient failures are thrown on for the workflow; Zoom's refusal to describe
    // the user (gone, daily limit) is the organiser's answer.
    const outcome = refusalOf(error);
    return outcome.kind === 'refused' ? outcome.refusal : host;
  }
  const { meeting, webinar } = capacitiesFrom(settings.feature ?? {});
  const capacities = { capacity: meeting, webinarCapacity: webinar };
  await deps.store.recordHostCapacities(host.eventId, host.hostId, capacities);

  return { ...host, ...capacities };
}

function judgeHost(host: ZoomHost | null, input: SessionSyncInput): SessionRefusal | null {
  if (!host) return { reason: 'host_not_found' };
  if (host.zoomState !== 'licensed') return { reason: 'host_unusable', zoomState: host.zoomState };
  if (input.kind === 'webinar' && host.webinarCapacity === 0) {
    return { reason: 'webinar_not_enabled' };
  }
  const capacity = input.kind === 'webinar' ? host.webinarCapacity : host.capacity;
  const expected = input.plan.expectedAttendees;

  return expected > capacity ? { reason: 'capacity', capacity, expected } : null;
}

function judgeSession(
  session: { revision: number } | null,
  expectedRevision: number | null,
): SessionRefusal | null {
  if (expectedRevision === null) return session ? { reason: 'session_changed' } : null;
  if (!session) return { reason: 'session_not_found' };

  return session.revision === expectedRevision ? null : { reason: 'session_changed' };
}

async function reserveDailyWrite(
  store: GreenroomStore,
  input: SessionSyncInput,
  nowMs: number,
): Promise<SessionRefusal | null> {
  const connection = await store.readConnection(input.eventId);
  if (!connection) throw failure(FailureType.TokenUnavailable, 'the event has no token', false);
  const day = new Date(nowMs).toISOString().slice(0, 10);
  const { accountId } = connection;
  const granted = await store.reserveHostDailyWrite(
    accountId,
    input.hostId,
    day,
    ZOOM_HOST_DAILY_WRITES,
  );

  return granted ? null : { reason: 'daily_limit', resetsAtMs: nextUtcMidnight(nowMs) };
}

function nextUtcMidnight(nowMs: number): number {
  const date = new Date(nowMs);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 1);
}

interface ZoomSession {
  accountId: string;
  call(
    method: ZoomMethod,
    path: string,
    category: ZoomCallCategory,
    body?: unknown,
  ): Promise<unknown>;
}

/** A call whose turn came after its caller stopped waiting; it is not sent. */
class TooLate extends Error {
  override name = 'TooLate';
}

/**
 * Calls Zoom for the event with its stored token, paced by the account's shared budget; with
 * `notAfterMs`, a call whose pacing turn comes later than that is not sent at all.
 */
async function zoomSession(
  deps: SessionActivityDependencies,
  eventId: string,
  notAfterMs?: number,
) {
  const [token, connection] = await Promise.all([
    deps.store.readActiveToken(eventId),
    deps.store.readConnection(eventId),
  ]);
  if (!token || !connection) {
    throw failure(FailureType.TokenUnavailable, 'the event has no token', false);
  }
  const session: ZoomSession = {
    accountId: connection.accountId,
    async call(method, path, category, body) {
      await deps.pace(connection.accountId, category);
      if (notAfterMs !== undefined && Date.now() > notAfterMs) throw new TooLate();
      return deps.zoomRequest(method, path, token.accessToken, body);
    },
  };

  return session;
}

const collection = (kind: ZoomSessionKind) => (kind === 'webinar' ? 'webinars' : 'meetings');

/** Marks what Greenroom creates, so a retry can find a meeting whose answer was lost. */
export function sessionTag(eventId: string, sessionId: string): string {
  return `[greenroom ${eventId}/${sessionId}]`;
}

/** The fields Zoom is sent on create and update: UTC start, length, topic and the tag. */
function meetingBody(input: SessionSyncInput) {
  return {
    topic: input.plan.title,
    type: input.kind === 'webinar' ? 5 : 2,
    start_time: toZoomUtc(input.plan.startUtcMs),
    duration: input.plan.durationMinutes,
    timezone: input.plan.timeZone,
    agenda: `Streamed by Greenroom. ${sessionTag(input.eventId, input.sessionId)}`,
  };
}

async function updateMeeting(
  zoom: ZoomSession,
  input: SessionSyncInput,
  meetingId: string,
): Promise<MeetingWrite> {
  // Zoom's update takes the same fields as its create, less the type.
  const changes: Partial<ReturnType<typeof meetingBody>> = meetingBody(input);
  delete changes.type;
  try {
    await zoom.call('PATCH', `/${collection(input.kind)}/${meetingId}`, 'light', changes);
  } catch (error) {
    // Deleted on Zoom behind Greenroom's back: the session needs a new one.
    if (error instanceof ZoomApiError && error.zoomCode === 3001) return { kind: 'gone' };
    throw error;
  }

  return { kind: 'written', meetingId, created: false };
}

async function createMeeting(
  store: GreenroomStore,
  zoom: ZoomSession,
  input: SessionSyncInput,
): Promise<MeetingWrite> {
  const { eventId, sessionId, kind, hostId } = input;
  const { resumed } = await store.beginMeetingWrite(eventId, sessionId, kind, hostId);
  const earlier = resumed ? await findTaggedMeeting(store, zoom, input) : null;
  if (earlier) {
    await updateMeeting(zoom, input, earlier.id);
    await store.recordMeetingCreated(eventId, sessionId, {
      kind,
      meetingId: earlier.id,
      joinUrl: earlier.joinUrl,
    });
    return { kind: 'written', meetingId: earlier.id, created: true };
  }
  const category = kind === 'webinar' ? 'light' : 'medium';
  const path = `/users/${encodeURIComponent(hostId)}/${collection(kind)}`;
  const created = (await zoom.call('POST', path, category, meetingBody(input))) as ZoomCreated;
  const meetingId = String(created.id);
  // The start link and passcode in Zoom's answer go no further than this function.
  await store.recordMeetingCreated(eventId, sessionId, {
    kind,
    meetingId,
    joinUrl: created.join_url,
  });

  return { kind: 'written', meetingId, created: true };
}

interface ZoomCreated {
  id: number | string;
  join_url: string;
}

interface ZoomListed {
  id: number | string;
  agenda?: string;
  join_url?: string;
}

/**
 * Looks through the host's meetings for one tagged for this session that Greenroom does not
 * know yet: the one an earlier attempt created before its answer was lost.
 * Limitation: a create Zoom is still carrying out when the retry looks is not found yet, so a
 * second meeting can be made; retries come seconds later (backoff, a worker's restart), which
 * has always been longer than Zoom's create in the tests, but nothing guarantees it.
 */
async function findTaggedMeeting(
  store: GreenroomStore,
  zoom: ZoomSession,
  input: Pick<SessionSyncInput, 'eventId' | 'sessionId' | 'kind' | 'hostId'>,
): Promise<{ id: string; joinUrl: string } | null> {
  const tag = sessionTag(input.eventId, input.sessionId);
  const known = new Set(await store.knownMeetingIds(input.eventId, input.sessionId));
  const base = `/users/${encodeURIComponent(input.hostId)}/${collection(input.kind)}`;
  let pageToken = '';
  do {
    const query = `?type=scheduled&page_size=300&next_page_token=${encodeURIComponent(pageToken)}`;
    const page = (await zoom.call('GET', base + query, 'medium')) as Record<string, unknown>;
    const items = (page[collection(input.kind)] ?? []) as ZoomListed[];
    const found = items.find((m) => m.agenda?.includes(tag) && !known.has(String(m.id)));
    if (found) return { id: String(found.id), joinUrl: found.join_url ?? '' };
    pageToken = typeof page.next_page_token === 'string' ? page.next_page_token : '';
  } while (pageToken);

  return null;
}

/** Turns what Zoom refused into a refusal; failures that a retry or a mint can fix are thrown. */
function refusalOf(error: unknown): MeetingWrite {
  if (error instanceof ZoomTokenRejected) {
    throw failure(FailureType.ZoomTokenRejected, 'zoom rejected the token', false);
  }
  if (error instanceof ZoomTransientError) throw transientFailure(error);
  if (error instanceof ZoomDailyLimitReached) {
    const resetsAtMs = error.resetsAtMs ?? nextUtcMidnight(Date.now());
    return { kind: 'refused', refusal: { reason: 'daily_limit', resetsAtMs } };
  }
  if (error instanceof ZoomApiError) return { kind: 'refused', refusal: zoomRefusal(error) };
  if (error instanceof TooLate) return { kind: 'refused', refusal: { reason: 'too_late' } };
  throw error;
}

function zoomRefusal(error: ZoomApiError): SessionRefusal {
  if (error.zoomCode === 200) return { reason: 'webinar_not_enabled' };
  if (error.zoomCode === 1001 || error.zoomCode === 1010 || error.zoomCode === 3161) {
    return { reason: 'host_unusable', zoomState: 'refused by Zoom' };
  }

  return { reason: 'zoom_refused', zoomCode: error.zoomCode, zoomMessage: error.message };
}

type PassStop = Pick<DeletionPass, 'stoppedBy' | 'retryAfterMs'>;

/**
 * A save that failed after starting a create left its record open: Zoom may hold a meeting
 * whose answer never arrived. Its tag finds it; it is queued for deletion with the rest.
 */
async function sweepAbandonedWrites(
  store: GreenroomStore,
  zoom: ZoomSession,
  input: { eventId: string; sweepSessions?: string[] },
): Promise<{ swept: string[]; stop?: PassStop }> {
  const swept: string[] = [];
  for (const sessionId of input.sweepSessions ?? []) {
    const write = await store.readMeetingWrite(input.eventId, sessionId);
    try {
      if (write && !write.meetingId) {
        const lookup = { ...input, sessionId, kind: write.kind, hostId: write.hostId };
        const found = await findTaggedMeeting(store, zoom, lookup);
        if (found)
          await store.releaseMeeting(input.eventId, sessionId, { ...write, meetingId: found.id });
      }
    } catch (error) {
      return { swept, stop: stopOf(error) };
    }
    if (write) await store.abandonMeetingWrite(input.eventId, sessionId);
    swept.push(sessionId);
  }

  return { swept };
}

function stopOf(error: unknown): PassStop {
  if (error instanceof ZoomTokenRejected)
    return { stoppedBy: 'token_rejected', retryAfterMs: null };
  if (error instanceof ZoomTransientError) {
    return { stoppedBy: 'zoom_unavailable', retryAfterMs: error.retryAfterMs ?? null };
  }
  return { stoppedBy: 'zoom_unavailable', retryAfterMs: null };
}

async function deletionPass(
  store: GreenroomStore,
  zoom: ZoomSession,
  eventId: string,
): Promise<Omit<DeletionPass, 'swept'>> {
  const pending = await store.listMeetingDeletions(eventId, DELETIONS_PER_PASS);
  const pass = {
    deleted: 0,
    remaining: pending.length,
    stoppedBy: 'nothing' as DeletionPass['stoppedBy'],
    retryAfterMs: null,
  };
  if (pending.length === 0) return pass;
  for (const meeting of pending) {
    const outcome = await deleteOne(store, zoom, eventId, meeting);
    if (typeof outcome === 'object') return { ...pass, ...outcome };
    if (outcome === 'deleted') pass.deleted += 1;
  }
  const more = await store.listMeetingDeletions(eventId, 1);

  return { ...pass, remaining: more.length };
}

/** Deletes one meeting; answers why the pass must stop, or how it went to go on. */
async function deleteOne(
  store: GreenroomStore,
  zoom: ZoomSession,
  eventId: string,
  meeting: { kind: ZoomSessionKind; meetingId: string; attempts: number },
): Promise<Pick<DeletionPass, 'stoppedBy' | 'retryAfterMs'> | 'deleted' | 'kept'> {
  const finish = () => store.finishMeetingDeletion(eventId, meeting.kind, meeting.meetingId);
  try {
    await zoom.call('DELETE', `/${collection(meeting.kind)}/${meeting.meetingId}`, 'light');
    await finish();
    return 'deleted';
  } catch (error) {
    if (error instanceof ZoomTokenRejected)
      return { stoppedBy: 'token_rejected', retryAfterMs: null };
    if (error instanceof ZoomTransientError) {
      return { stoppedBy: 'zoom_unavailable', retryAfterMs: error.retryAfterMs ?? null };
    }
    if (error instanceof ZoomApiError && error.zoomCode === 3001) {
      await finish();
      return 'deleted';
    }
    if (!(error instanceof ZoomApiError)) throw error;
    // Refused for good (its host left the account, say): tried a few times, then given up.
    await store.countMeetingDeletionAttempt(eventId, meeting.kind, meeting.meetingId);
    if (meeting.attempts + 1 < DELETION_ATTEMPTS) return 'kept';
    log.warn('Zoom keeps refusing to delete a released meeting; giving up on it', {
      eventId,
      meetingId: meeting.meetingId,
      zoomCode: error.zoomCode,
    });
    await finish();
    return 'kept';
  }
}
