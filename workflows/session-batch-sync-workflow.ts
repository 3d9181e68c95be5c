import type { SessionSyncInput } from '../activities/zoom/session-activities.js';
import { syncOneSession, type SessionSyncOutcome } from './sessions/sync-steps.js';

/** What the Temporal UI shows as this workflow's details, fixed when it starts. */
export const SESSION_BATCH_SYNC_DETAILS =
  'Saves many sessions at once: each one’s meeting or webinar is created on Zoom and ' +
  'committed as a single save would, and each gets its own answer.';

/**
 * Saves many sessions at once in one workflow: each session's steps are the single save's
 * local activities, so a programme of a hundred sessions costs this child a handful of workflow
 * tasks and the integration a few more, instead of several tasks per session.
 */
export async function sessionBatchSyncWorkflow(input: {
  sessions: SessionSyncInput[];
  /** After this, no session's write to Zoom is begun: the caller has stopped waiting. */
  notAfterMs?: number;
}): Promise<SessionSyncOutcome[]> {
  return Promise.all(input.sessions.map((session) => syncOneSession(session, input.notAfterMs)));
}
