import type { FastifyBaseLogger } from 'fastify';
import { localTimeToUtcMs } from '../common/zoned-time.js';
import type { GreenroomStore, Session, SessionPlan, StreamSetting } from '../store/types.js';
import { hostError } from '../workflows/hosts/host-errors.js';
import type { IntegrationError, SessionAnswer } from '../workflows/zoom-integration-workflow.js';
import { ApiError } from './errors.js';
import { idempotentName, underIdempotencyKey } from './idempotency.js';
import { refusedAction } from './integration-answer.js';
import type { IntegrationGateway } from './integration-gateway.js';
import type { SessionBatchBody, SessionBody, StreamRequest } from './session-schemas.js';

export interface SessionNotice {
  code: 'zoom_hosts_needed';
  message: string;
}

export interface SavedSession {
  session: Session;
  notices: SessionNotice[];
}

export type BatchResult =
  | ({ index: number; ok: true } & SavedSession)
  | { index: number; ok: false; error: IntegrationError };

const HOSTS_NEEDED: SessionNotice = {
  code: 'zoom_hosts_needed',
  message:
    'The event has no Zoom hosts yet, so this session has no Zoom link. Add host licences ' +
    '(Zoom hosts) to the event, then choose one for the session.',
};

interface Dependencies {
  store: GreenroomStore;
  gateway: IntegrationGateway;
  log: FastifyBaseLogger;
}

/**
 * Saves sessions: through the event's integration workflow when Zoom must hold a meeting, in
 * the store alone otherwise. Releasing a meeting never waits for Zoom: its deletion is queued
 * with the change and carried out by the integration once a valid token allows.
 */
export function createSessionService(deps: Dependencies) {
  async function save(
    eventId: string,
    sessionId: string,
    plan: SessionPlan,
    stream: StreamRequest,
    expectedRevision: number | null,
  ): Promise<SavedSession> {
    if (stream.source === 'zoom' && !(await eventHasHosts(deps.store, eventId))) {
      const waiting: StreamSetting = { source: 'zoom', kind: stream.kind, hostId: null };
      const saved = await saveLocally(eventId, sessionId, plan, waiting, expectedRevision);
      return { session: saved, notices: [HOSTS_NEEDED] };
    }
    if (stream.source === 'zoom') {
      if (!stream.hostId) {
        throw new ApiError('validation_failed', 'body.stream.hostId: choose one of the hosts', {
          issues: [
            { field: 'body.stream.hostId', message: 'is required while the event has hosts' },
          ],
        });
      }
      const request = { eventId, sessionId, plan, kind: stream.kind, hostId: stream.hostId };
      const answer = await deps.gateway.saveZoomSession(eventId, { ...request, expectedRevision });
      if (!answer.ok) throw refusedAction(answer.error);
      return { session: await mustRead(eventId, sessionId), notices: [] };
    }

    return {
      session: await saveLocally(eventId, sessionId, plan, stream, expectedRevision),
      notices: [],
    };
  }

  async function saveLocally(
    eventId: string,
    sessionId: string,
    plan: SessionPlan,
    stream: StreamSetting,
    expectedRevision: number | null,
  ): Promise<Session> {
    const save = { eventId, sessionId, plan, stream, expectedRevision };
    const result = await deps.store.saveSessionLocally(save);
    if (result.kind === 'not_found') throw new ApiError('session_not_found');
    // A retry under the same Idempotency-Key finds the session its first attempt made (the id
    // comes from the key, so nobody else could have made it): that is the answer, not a conflict.
    if (result.kind === 'conflict' && expectedRevision === null && underIdempotencyKey()) {
      return result.session;
    }
    if (result.kind === 'conflict') throw new ApiError('session_changed');
    // Streaming through a meeting that stays: only a sync may change it. Not reachable from the
    // routes, which send such saves to the workflow; kept as a guard.
    if (result.kind === 'has_meeting') throw new ApiError('session_changed');
    if (result.meetingReleased) await requestCleanup(eventId);

    return result.session;
  }

  async function requestCleanup(eventId: string): Promise<void> {
    await deps.gateway.requestMeetingCleanup(eventId).catch((error: unknown) => {
      // Limitation: the deletion stays queued in the store, but a running integration that
      // missed this nudge only deletes it at its next save, host change or restart.
      deps.log.warn({ err: error, eventId }, 'could not nudge the integration to delete meetings');
    });
  }

  async function mustRead(eventId: string, sessionId: string): Promise<Session> {
    const session = await deps.store.readSession(eventId, sessionId);
    if (!session) throw new ApiError('session_not_found');
    return session;
  }

  async function saveThroughZoom(eventId: string, items: BatchItem[]): Promise<BatchResult[]> {
    if (items.length === 0) return [];
    const requests = items.map((item) => ({
      eventId,
      sessionId: item.sessionId,
      plan: item.plan,
      kind: item.stream.source === 'zoom' ? item.stream.kind : 'meeting',
      hostId: item.stream.source === 'zoom' ? (item.stream.hostId ?? '') : '',
      expectedRevision: null,
    }));
    const answer = await deps.gateway.saveZoomSessions(eventId, requests);
    return Promise.all(
      items.map(async (item, position): Promise<BatchResult> => {
        const result = answer.results[position];
        if (!result?.ok) return { index: item.index, ok: false, error: itemError(result) };
        return {
          index: item.index,
          ok: true,
          session: await mustRead(eventId, item.sessionId),
          notices: [],
        };
      }),
    );
  }

  return {
    async create(eventId: string, body: SessionBody): Promise<SavedSession> {
      const sessionId = `session_${idempotentName('session')}`;
      return save(eventId, sessionId, planOf(body), body.stream, null);
    },

    /**
     * Creates many sessions. Every body is checked first (a bad one fails the whole batch with
     * its index); those streaming through a host are saved by one Update, the rest here.
     */
    async createMany(eventId: string, body: SessionBatchBody): Promise<BatchResult[]> {
      const items = body.sessions.map((session, index) => ({
        index,
        sessionId: `session_${idempotentName(`session-${index}`)}`,
        plan: planOf(session, `body.sessions.${index}.startTime`),
        stream: session.stream,
      }));
      const hasHosts = await eventHasHosts(deps.store, eventId);
      const viaZoom = items.filter((item) => hasHosts && item.stream.source === 'zoom');
      missingHost(viaZoom);
      const local = items.filter((item) => !viaZoom.includes(item));
      const results: BatchResult[] = [];
      for (const item of local) {
        const saved = await save(eventId, item.sessionId, item.plan, item.stream, null);
        results.push({ index: item.index, ok: true, ...saved });
      }
      results.push(...(await saveThroughZoom(eventId, viaZoom)));

      return results.sort((a, b) => a.index - b.index);
    },

    async replace(eventId: string, sessionId: string, body: SessionBody): Promise<SavedSession> {
      const current = await mustRead(eventId, sessionId);
      const revision = body.revision ?? current.revision;
      return save(eventId, sessionId, planOf(body), body.stream, revision);
    },

    async setStream(
      eventId: string,
      sessionId: string,
      change: { stream: StreamRequest; revision?: number },
    ): Promise<SavedSession> {
      const current = await mustRead(eventId, sessionId);
      const revision = change.revision ?? current.revision;
      return save(eventId, sessionId, planOfSession(current), change.stream, revision);
    },

    async remove(eventId: string, sessionId: string): Promise<void> {
      const removed = await deps.store.deleteSession(eventId, sessionId);
      if (!removed) throw new ApiError('session_not_found');
      if (removed.meetingReleased) await requestCleanup(eventId);
    },

    read: mustRead,
  };
}

export type SessionService = ReturnType<typeof createSessionService>;

async function eventHasHosts(store: GreenroomStore, eventId: string): Promise<boolean> {
  return (await store.listHosts(eventId, 1, null)).items.length > 0;
}

/** Only the plan: a stored session also holds its join link, which must not reach a workflow. */
function planOfSession(session: Session): SessionPlan {
  const { title, startLocal, timeZone, startUtcMs, durationMinutes, expectedAttendees } = session;
  return { title, startLocal, timeZone, startUtcMs, durationMinutes, expectedAttendees };
}

/** Zoom refuses start times it cannot represent; anything outside these years is a typo. */
const EARLIEST_START_MS = Date.UTC(2000, 0, 1);
const LATEST_START_MS = Date.UTC(2100, 0, 1);

interface BatchItem {
  index: number;
  sessionId: string;
  plan: SessionPlan;
  stream: StreamRequest;
}

/** A batch's sessions streaming through Zoom each need a host while the event has some. */
function missingHost(items: BatchItem[]): void {
  const lacking = items.find((item) => item.stream.source === 'zoom' && !item.stream.hostId);
  if (!lacking) return;
  const field = `body.sessions.${lacking.index}.stream.hostId`;
  throw new ApiError('validation_failed', `${field}: choose one of the hosts`, {
    issues: [{ field, message: 'is required while the event has hosts' }],
  });
}

function itemError(result: SessionAnswer | undefined): IntegrationError {
  if (result && !result.ok) return result.error;
  return hostError('internal_error', 'The batch answered no result for this session.', Date.now());
}

function planOf(body: Omit<SessionBody, 'revision'>, field = 'body.startTime'): SessionPlan {
  const startUtcMs = localTimeToUtcMs(body.startTime, body.timeZone);
  if (startUtcMs === null || startUtcMs < EARLIEST_START_MS || startUtcMs >= LATEST_START_MS) {
    const message = 'is no such date and time between the years 2000 and 2099';
    throw new ApiError('validation_failed', `${field}: ${message}`, {
      issues: [{ field, message }],
    });
  }

  return {
    title: body.title,
    startLocal: body.startTime,
    timeZone: body.timeZone,
    startUtcMs,
    durationMinutes: body.durationMinutes,
    expectedAttendees: body.expectedAttendees,
  };
}
