import * as wf from '@temporalio/workflow';
import { MINUTE_MS, SECOND_MS } from '../../common/durations.js';
import {
  MEETING_CLEANUP_DETAILS,
  meetingCleanupWorkflow,
  type MeetingCleanupOutcome,
} from '../meeting-cleanup-workflow.js';
import {
  SESSION_BATCH_SYNC_DETAILS,
  sessionBatchSyncWorkflow,
} from '../session-batch-sync-workflow.js';
import {
  SESSION_SYNC_DETAILS,
  sessionSyncWorkflow,
  type SessionSyncOutcome,
} from '../session-sync-workflow.js';
import type {
  IntegrationError,
  SaveZoomSessionRequest,
  SaveZoomSessionsRequest,
  SessionAnswer,
  SessionBatchAnswer,
} from './definitions.js';
import type { IntegrationEngine } from './engine.js';
import type { KeyedLock } from './keyed-lock.js';
import { hostError } from '../hosts/host-errors.js';
import { tokenExpiredError } from './outcomes.js';

/**
 * Long enough for a save queued behind hundreds of others in the account's pacing; shorter
 * than the API's wait for the answer, so no save commits after its caller gave up.
 */
const SESSION_SYNC_TIMEOUT_MS = 80 * SECOND_MS;
/** A save given less than this before its caller stops waiting is not begun at all. */
const SHORTEST_USEFUL_SYNC_MS = 10 * SECOND_MS;
/** A Zoom call may take 10 seconds; the commit and the answer's way back need the rest. */
const WRITE_MARGIN_MS = 15 * SECOND_MS;
/** Kept between the child's end and the caller's deadline, for the answer's way back. */
const ANSWER_MARGIN_MS = 2 * SECOND_MS;

/**
 * Saves a session's meeting through a child workflow, one save per session at a time. With no
 * valid token it fails at once and nothing changes; a 401/124 from Zoom makes the integration
 * mint once and run the child once more.
 */
export async function saveSessionThroughChild(
  engine: IntegrationEngine,
  locks: KeyedLock,
  request: SaveZoomSessionRequest,
): Promise<SessionAnswer> {
  const blocked = engine.zoomBlocker();
  if (blocked) return { ok: false, error: blocked };

  return locks.run(request.sessionId, async () => {
    // Queued behind other saves too long: begun now, it could commit after its caller gave up.
    if (childTimeoutMs(request) === null) return { ok: false, error: busyError() };
    let outcome = await runSessionSync(engine, request);
    if (outcome.kind === 'token_rejected' && childTimeoutMs(request) !== null) {
      const reminted = await engine.regenerate();
      if (!reminted.ok) return reminted;
      outcome = await runSessionSync(engine, request);
    }
    if (outcome.kind === 'refused') return { ok: false, error: outcome.error };
    if (outcome.kind === 'token_rejected') {
      return { ok: false, error: tokenExpiredError(Date.now()) };
    }
    const { revision, meetingId, replacedMeeting } = outcome;

    return { ok: true, revision, meetingId, replacedMeeting };
  });
}

/**
 * Saves a batch of new sessions through one batch child, which runs every session's steps at
 * once. Sessions Zoom answered with 401/124 are run once more, in a second batch, after one mint.
 * Limitation: a batch holds no per-session lock; its sessions are new, with ids nobody else knows.
 */
export async function saveSessionsThroughChildren(
  engine: IntegrationEngine,
  request: SaveZoomSessionsRequest,
): Promise<SessionBatchAnswer> {
  const refuseAll = (error: IntegrationError) => ({
    results: request.sessions.map(() => ({ ok: false as const, error })),
  });
  const blocked = engine.zoomBlocker();
  if (blocked) return refuseAll(blocked);
  const timeoutMs = childTimeoutMs(request);
  if (timeoutMs === null) return refuseAll(busyError());

  const notAfterMs = writeDeadline(request);
  const outcomes = await runBatch(engine, request.sessions, timeoutMs, notAfterMs);
  const rejected = request.sessions.filter((_, n) => outcomes[n]?.kind === 'token_rejected');
  const retryMs = childTimeoutMs(request);
  if (rejected.length > 0 && retryMs !== null && (await engine.regenerate()).ok) {
    const again = await runBatch(engine, rejected, retryMs, notAfterMs);
    let next = 0;
    outcomes.forEach((outcome, n) => {
      if (outcome.kind === 'token_rejected') outcomes[n] = again[next++] ?? outcome;
    });
  }

  return { results: outcomes.map(answerOf) };
}

async function runBatch(
  engine: IntegrationEngine,
  sessions: SaveZoomSessionsRequest['sessions'],
  timeoutMs: number,
  notAfterMs: number | undefined,
): Promise<SessionSyncOutcome[]> {
  const eventId = engine.state.eventId;
  let outcomes: SessionSyncOutcome[];
  try {
    outcomes = await wf.executeChild(sessionBatchSyncWorkflow, {
      workflowId: `session-batch-sync:${eventId}:${wf.uuid4()}`,
      args: [{ sessions, notAfterMs }],
      workflowExecutionTimeout: timeoutMs,
      staticSummary: `Stream ${sessions.length} sessions of event ${eventId} through Zoom`,
      staticDetails: SESSION_BATCH_SYNC_DETAILS,
    });
  } catch {
    outcomes = sessions.map(() => ({ kind: 'refused', error: slowError(), writeLeftOpen: true }));
  }
  outcomes.forEach((outcome, n) => noteLeftovers(engine, sessions[n]?.sessionId ?? '', outcome));

  return outcomes;
}

function answerOf(outcome: SessionSyncOutcome): SessionAnswer {
  if (outcome.kind === 'refused') return { ok: false, error: outcome.error };
  if (outcome.kind === 'token_rejected') return { ok: false, error: tokenExpiredError(Date.now()) };
  const { revision, meetingId, replacedMeeting } = outcome;

  return { ok: true, revision, meetingId, replacedMeeting };
}

/** The last moment a write to Zoom may begin and still commit before the caller stops waiting. */
function writeDeadline(request: { answerByMs?: number }): number | undefined {
  return request.answerByMs === undefined ? undefined : request.answerByMs - WRITE_MARGIN_MS;
}

/** How long the child may run: up to its own limit, ending before the caller's deadline. */
function childTimeoutMs(request: { answerByMs?: number }): number | null {
  if (request.answerByMs === undefined) return SESSION_SYNC_TIMEOUT_MS;
  const left = request.answerByMs - Date.now() - ANSWER_MARGIN_MS;
  return left < SHORTEST_USEFUL_SYNC_MS ? null : Math.min(left, SESSION_SYNC_TIMEOUT_MS);
}

function slowError(): IntegrationError {
  const message = 'Zoom did not answer in time; the session was not saved. Try again shortly.';
  return hostError('zoom_unavailable', message, Date.now());
}

function busyError() {
  const message =
    'Too many saves for this event are waiting at once; this one was not begun, so nothing ' +
    'changed. Try again shortly, or save many sessions in one batch.';
  return hostError('event_busy', message, Date.now());
}

/** Runs the child, then hands whatever it left on Zoom to the cleanup loop. */
async function runSessionSync(
  engine: IntegrationEngine,
  request: SaveZoomSessionRequest,
): Promise<SessionSyncOutcome> {
  const timeoutMs = childTimeoutMs(request) ?? SHORTEST_USEFUL_SYNC_MS;
  const outcome = await runChild(engine.state.eventId, request, timeoutMs);
  noteLeftovers(engine, request.sessionId, outcome);

  return outcome;
}

/**
 * The old meeting is deleted only once the session streams through the new one, a meeting made
 * for a save that then lost its race is deleted straight away, and a create Zoom may have
 * carried out unanswered is looked for.
 */
function noteLeftovers(engine: IntegrationEngine, sessionId: string, outcome: SessionSyncOutcome) {
  if (outcome.kind === 'saved' && outcome.replacedMeeting) engine.state.cleanupPending = true;
  if (outcome.kind === 'refused' && outcome.releasedMeeting) engine.state.cleanupPending = true;
  if (outcome.kind !== 'saved' && outcome.writeLeftOpen) markOpenWrite(engine, sessionId);
}

/** The cleanup settles the session's abandoned create once no save of it is running. */
function markOpenWrite(engine: IntegrationEngine, sessionId: string): void {
  const open = engine.state.openWrites ?? [];
  if (!open.includes(sessionId)) engine.state.openWrites = [...open, sessionId];
  engine.state.cleanupPending = true;
}

async function runChild(
  eventId: string,
  request: SaveZoomSessionRequest,
  timeoutMs: number,
): Promise<SessionSyncOutcome> {
  // The child needs no deadline: its execution timeout carries it.
  const { sessionId, plan, kind, hostId, expectedRevision } = request;
  const notAfterMs = writeDeadline(request);
  const input = { eventId, sessionId, plan, kind, hostId, expectedRevision, notAfterMs };
  try {
    return await wf.executeChild(sessionSyncWorkflow, {
      workflowId: `session-sync:${eventId}:${request.sessionId}:${wf.uuid4()}`,
      args: [input],
      workflowExecutionTimeout: timeoutMs,
      staticSummary: `Stream session ${request.sessionId} of event ${eventId} through Zoom`,
      staticDetails: SESSION_SYNC_DETAILS,
    });
  } catch {
    return { kind: 'refused', error: slowError(), writeLeftOpen: true };
  }
}

/** Backoff between cleanup passes that Zoom or the token stopped; reset by a clean pass. */
const CLEANUP_BACKOFF_INITIAL_MS = 30 * SECOND_MS;
const CLEANUP_BACKOFF_MAX_MS = 30 * MINUTE_MS;

/**
 * Runs for the life of the integration: whenever sessions released meetings and a valid token
 * exists, a cleanup child deletes them on Zoom. Without a token the deletions wait, durably,
 * in the store; the flag that says so is carried across continue-as-new.
 */
export async function cleanUpReleasedMeetings(
  engine: IntegrationEngine,
  locks: KeyedLock,
): Promise<void> {
  let backoffMs = CLEANUP_BACKOFF_INITIAL_MS;
  for (;;) {
    await wf.condition(
      () => engine.ended || (engine.state.cleanupPending === true && !engine.zoomBlocker()),
    );
    if (engine.ended) return;
    engine.state.cleanupPending = false;
    engine.cleanupRunning = true;
    // A session being saved right now settles its own create; the rest are swept.
    const sweep = (engine.state.openWrites ?? []).filter((id) => !locks.isHeld(id));
    const outcome = await runCleanup(engine.state.eventId, sweep);
    engine.cleanupRunning = false;
    const swept = new Set(outcome.swept ?? []);
    engine.state.openWrites = (engine.state.openWrites ?? []).filter((id) => !swept.has(id));
    if (outcome.kind === 'done') {
      backoffMs = CLEANUP_BACKOFF_INITIAL_MS;
      continue;
    }
    engine.state.cleanupPending = true;
    if (outcome.kind === 'token_rejected') await engine.regenerate();
    const waitMs = Math.max(
      backoffMs,
      outcome.kind === 'retry_later' ? (outcome.retryAfterMs ?? 0) : 0,
    );
    await wf.sleep(waitMs, { summary: 'Wait before deleting released meetings on Zoom again' });
    backoffMs = Math.min(backoffMs * 2, CLEANUP_BACKOFF_MAX_MS);
  }
}

async function runCleanup(
  eventId: string,
  sweepSessions: string[],
): Promise<MeetingCleanupOutcome> {
  try {
    return await wf.executeChild(meetingCleanupWorkflow, {
      workflowId: `meeting-cleanup:${eventId}:${wf.uuid4()}`,
      args: [{ eventId, sweepSessions }],
      workflowExecutionTimeout: '10 minutes',
      staticSummary: `Delete meetings released by sessions of event ${eventId} on Zoom`,
      staticDetails: MEETING_CLEANUP_DETAILS,
    });
  } catch {
    return { kind: 'retry_later', deleted: 0, swept: [], retryAfterMs: null };
  }
}
