import * as wf from '@temporalio/workflow';
import type { HostActivities } from '../activities/zoom/host-activities.js';
import type { HostRemoval } from '../store/types.js';

// A local activity: the check-and-delete is one statement, so one marker records it.
const store = wf.proxyLocalActivities<HostActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 5 },
  summary: 'Remove the host unless a session maps it',
});

/** What the Temporal UI shows as this workflow's details, fixed when it starts. */
export const REMOVE_HOST_DETAILS =
  'Removes the host from the event in one guarded statement, unless a session streams ' +
  'through it; then it answers the sessions to reassign first. Calls no Zoom API.';

/**
 * Removes a Zoom host from an event. The check for mapped sessions and the removal are one
 * guarded statement in the store, so a session assigned at the same moment cannot slip in.
 */
export async function removeHostWorkflow(input: {
  eventId: string;
  hostId: string;
}): Promise<HostRemoval> {
  return store.removeHost(input);
}
