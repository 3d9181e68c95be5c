import * as wf from '@temporalio/workflow';
import type { SessionActivities } from '../activities/zoom/session-activities.js';

/** `swept`: the sessions whose abandoned create was settled in this run. */
export type MeetingCleanupOutcome = { deleted: number; swept: string[] } & (
  | { kind: 'done' }
  | { kind: 'token_rejected' }
  | { kind: 'retry_later'; retryAfterMs: number | null }
);

const zoom = wf.proxyLocalActivities<SessionActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 3 },
  summary: 'Delete meetings and webinars released by sessions on Zoom',
});

/** What the Temporal UI shows as this workflow's details, fixed when it starts. */
export const MEETING_CLEANUP_DETAILS =
  'Deletes on Zoom the meetings and webinars that sessions released (streaming turned off, ' +
  'session deleted or moved to another host), until none is left or Zoom stops it.';

/** A run stops after this many passes, so a huge backlog cannot grow one history for ever. */
const PASSES_PER_RUN = 20;

/**
 * Deletes on Zoom the meetings and webinars that sessions released (streaming turned off, the
 * session deleted, or moved to another host), until none is left or Zoom stops it.
 */
export async function meetingCleanupWorkflow(input: {
  eventId: string;
  sweepSessions?: string[];
}): Promise<MeetingCleanupOutcome> {
  const done = { deleted: 0, swept: [] as string[] };
  for (let pass = 0; pass < PASSES_PER_RUN; pass += 1) {
    // Abandoned creates are settled on the first pass; later passes only delete.
    const sweepSessions = pass === 0 ? input.sweepSessions : undefined;
    const result = await zoom.deleteReleasedMeetings({ eventId: input.eventId, sweepSessions });
    done.deleted += result.deleted;
    // Results recorded before sweeps existed carry no `swept`; their runs must still replay.
    done.swept.push(...(result.swept ?? []));
    if (result.stoppedBy === 'token_rejected') return { ...done, kind: 'token_rejected' };
    if (result.stoppedBy !== 'nothing') {
      return { ...done, kind: 'retry_later', retryAfterMs: result.retryAfterMs };
    }
    if (result.remaining === 0) return { ...done, kind: 'done' };
    // Only refusals left: each is tried again after the integration's growing backoff, so
    // Zoom's refusals are counted over minutes, not within one second.
    if (result.deleted === 0) return { ...done, kind: 'retry_later', retryAfterMs: null };
  }

  return { ...done, kind: 'retry_later', retryAfterMs: 0 };
}
