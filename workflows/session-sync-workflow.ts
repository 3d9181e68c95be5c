import type { SessionSyncInput } from '../activities/zoom/session-activities.js';
import { syncOneSession, type SessionSyncOutcome } from './sessions/sync-steps.js';

export type { SessionSyncOutcome } from './sessions/sync-steps.js';

/** What the Temporal UI shows as this workflow's details, fixed when it starts. */
export const SESSION_SYNC_DETAILS =
  'Checks the session and its host in the store, creates or updates its meeting or webinar ' +
  'on Zoom, then commits the meeting to the session if nothing changed meanwhile.';

/** Saves one session's meeting or webinar on Zoom; see syncOneSession for the steps. */
export async function sessionSyncWorkflow(
  input: SessionSyncInput & { notAfterMs?: number },
): Promise<SessionSyncOutcome> {
  const { notAfterMs, ...session } = input;
  return syncOneSession(session, notAfterMs);
}
