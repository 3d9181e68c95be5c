import * as wf from '@temporalio/workflow';
import type { HostActivities } from '../activities/zoom/host-activities.js';
import type { HostRemoval } from '../store/types.js';

// A local activity: the check-and-delete is one statement, so one marker records it.
const store = wf.proxyLocalActivities<HostActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 5 },
  summary: 'Remove the host unless a session maps it',
});

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
