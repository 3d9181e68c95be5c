import type { SessionSyncInput } from '../activities/zoom/session-activities.js';
import { syncOneSession, type SessionSyncOutcome } from './sessions/sync-steps.js';

export type { SessionSyncOutcome } from './sessions/sync-steps.js';

/** Saves one session's meeting or webinar on Zoom; see syncOneSession for the steps. */
export async function sessionSyncWorkflow(
  input: SessionSyncInput & { notAfterMs?: number },
): Promise<SessionSyncOutcome> {
  const { notAfterMs, ...session } = input;
  return syncOneSession(session, notAfterMs);
}
