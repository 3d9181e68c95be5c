import type { SessionSyncInput } from '../activities/zoom/session-activities.js';
import { syncOneSession, type SessionSyncOutcome } from './sessions/sync-steps.js';

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
