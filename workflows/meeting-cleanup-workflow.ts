import * as wf from '@temporalio/workflow';
import type { SessionActivities } from '../activities/zoom/session-activities.js';

export type MeetingCleanupOutcome =
  | { kind: 'done'; deleted: number }
  | { kind: 'token_rejected'; deleted: number }
  | { kind: 'retry_later'; deleted: number; retryAfterMs: number | null };

const zoom = wf.proxyLocalActivities<SessionActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 3 },
  summary: 'Delete meetings and webinars released by sessions on Zoom',
});

/** A run stops after this many passes, so a huge backlog cannot grow one history for ever. */
const PASSES_PER_RUN = 20;

/**
 * Deletes on Zoom the meetings and webinars that sessions released (streaming turned off, the
 * session deleted, or moved to another host), until none is left or Zoom stops it.
 */
export async function meetingCleanupWorkflow(input: {
  eventId: string;
}): Promise<MeetingCleanupOutcome> {
  let deleted = 0;
  for (let pass = 0; pass < PASSES_PER_RUN; pass += 1) {
    const result = await zoom.deleteReleasedMeetings(input);
    deleted += result.deleted;
    if (result.stoppedBy === 'token_rejected') return { kind: 'token_rejected', deleted };
    if (result.stoppedBy !== 'nothing') {
      return { kind: 'retry_later', deleted, retryAfterMs: result.retryAfterMs };
    }
    if (result.remaining === 0) return { kind: 'done', deleted };
    // Only refusals left: each is tried again after the integration's growing backoff, so
    // Zoom's refusals are counted over minutes, not within one second.
    if (result.deleted === 0) return { kind: 'retry_later', deleted, retryAfterMs: null };
  }

  return { kind: 'retry_later', deleted, retryAfterMs: 0 };
}
