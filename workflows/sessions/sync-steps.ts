import * as wf from '@temporalio/workflow';
import type {
  MeetingWrite,
  SessionActivities,
  SessionSyncInput,
} from '../../activities/zoom/session-activities.js';
import { FailureType } from '../../common/failures.js';
import { hostError } from '../hosts/host-errors.js';
import { sessionRefusalError } from './session-errors.js';
import type { IntegrationError } from '../zoom-integration/definitions.js';
import { tokenExpiredError } from '../zoom-integration/outcomes.js';

export type SessionSyncOutcome =
  | { kind: 'saved'; revision: number; meetingId: string; replacedMeeting: boolean }
  /**
   * `releasedMeeting`: a meeting this save made was queued for deletion on Zoom.
   * `writeLeftOpen`: Zoom failed during the create, which may have made a meeting all the same.
   */
  | { kind: 'refused'; error: IntegrationError; releasedMeeting?: boolean; writeLeftOpen?: boolean }
  | { kind: 'token_rejected'; writeLeftOpen?: boolean };

const store = wf.proxyLocalActivities<SessionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    maximumAttempts: 5,
    nonRetryableErrorTypes: [FailureType.ZoomTokenRejected, FailureType.TokenUnavailable],
  },
  summary: 'Check the session and its host, or commit the meeting, in the store',
});

// A call may wait its turn in the account's pacing for a while when many sessions are saved at
// once; Zoom's Retry-After overrides the interval, so per-second 429s are waited out.
const zoom = wf.proxyLocalActivities<SessionActivities>({
  startToCloseTimeout: '60 seconds',
  retry: {
    maximumAttempts: 6,
    initialInterval: '1 second',
    // An organiser waits: five retries within about 15 seconds, then Zoom is unavailable.
    maximumInterval: '4 seconds',
    nonRetryableErrorTypes: [FailureType.ZoomTokenRejected, FailureType.TokenUnavailable],
  },
  summary: 'Create or update the meeting or webinar on Zoom',
});

/**
 * The steps of one session's save, run as local activities by a session-sync child (one
 * session) or a batch child (many at once, sharing its workflow tasks).
 *
 * Makes the session's meeting or webinar on Zoom match what the organiser saved: checks the
 * host, creates (or updates) it under that host, then commits it to the session. A replaced
 * meeting is released only by that commit, so the session always has one working meeting.
 */
export async function syncOneSession(
  input: SessionSyncInput,
  notAfterMs?: number,
): Promise<SessionSyncOutcome> {
  let write: MeetingWrite;
  let writing = false;
  try {
    // Only a host imported without capacities makes this step call Zoom (its settings).
    const plan = await store.planSessionSync(input);
    if (plan.kind === 'refused') return refused(sessionRefusalError(plan.refusal, Date.now()));
    // Started so late (Temporal was slow to start this child) that the caller has given up:
    // nothing is written to Zoom. The daily write counted in planning errs on the safe side.
    if (notAfterMs !== undefined && Date.now() > notAfterMs) return refused(lateError());
    const meetingId = plan.kind === 'update' ? plan.meetingId : null;
    writing = true;
    write = await zoom.writeZoomMeeting({ ...input, meetingId, notAfterMs });
    if (write.kind === 'gone') {
      write = await zoom.writeZoomMeeting({ ...input, meetingId: null, notAfterMs });
    }
  } catch (failure) {
    return zoomFailure(failure, writing);
  }
  if (write.kind === 'refused') {
    await store.abandonSessionWrite(input);
    return refused(sessionRefusalError(write.refusal, Date.now()), true);
  }
  if (write.kind === 'gone') return refused(unavailable());

  const commit = await store.commitSessionSync({ ...input, meetingId: write.meetingId });
  if (commit.kind === 'lost_race') {
    const refusal =
      commit.reason === 'host_unusable'
        ? ({ reason: 'host_unusable', zoomState: 'removed or unlicensed meanwhile' } as const)
        : ({ reason: 'session_changed' } as const);
    return refused(sessionRefusalError(refusal, Date.now()), true);
  }

  return {
    kind: 'saved',
    revision: commit.revision,
    meetingId: write.meetingId,
    replacedMeeting: commit.replacedMeeting,
  };
}

function refused(error: IntegrationError, releasedMeeting = false): SessionSyncOutcome {
  return { kind: 'refused', error, releasedMeeting };
}

function lateError(): IntegrationError {
  const message =
    'Too many saves for this event were waiting; this one began too late and was not ' +
    'carried out, so nothing changed. Try again shortly.';
  return hostError('event_busy', message, Date.now());
}

function unavailable(): IntegrationError {
  const message = 'Zoom is unavailable at the moment; try again shortly. Nothing was changed.';
  return hostError('zoom_unavailable', message, Date.now());
}

/**
 * Zoom failed after retries. A create may have reached Zoom before its answer was lost: its
 * record stays, so the next save looks for the tagged meeting instead of making a second one.
 */
function zoomFailure(failure: unknown, writeLeftOpen: boolean): SessionSyncOutcome {
  // A local activity's non-retryable failure arrives unwrapped; a retried one arrives wrapped.
  const cause = failure instanceof wf.ActivityFailure ? failure.cause : failure;
  const type = cause instanceof wf.ApplicationFailure ? cause.type : undefined;
  if (type === FailureType.ZoomTokenRejected) return { kind: 'token_rejected', writeLeftOpen };
  const error =
    type === FailureType.TokenUnavailable ? tokenExpiredError(Date.now()) : unavailable();

  return { kind: 'refused', error, writeLeftOpen };
}
