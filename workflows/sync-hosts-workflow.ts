import * as wf from '@temporalio/workflow';
import type { HostScanActivities } from '../activities/zoom/host-scan-activities.js';
import type { SyncReport } from '../store/types.js';
import { SCAN_RETRY, scanFailureOf, type ScanFailure } from './hosts/scan-failures.js';

export type SyncHostsOutcome =
  { kind: 'synced'; report: SyncReport } | { kind: 'failed'; reason: ScanFailure };

// Local activities: no Update reaches this child, and a page then costs a marker instead of a
// round trip through the server, which would otherwise set the pace of a large scan.
const zoom = wf.proxyLocalActivities<HostScanActivities>({
  startToCloseTimeout: '60 seconds',
  retry: SCAN_RETRY,
  summary: 'Read a batch of hosts from Zoom by user id',
});

const store = wf.proxyActivities<HostScanActivities>({
  startToCloseTimeout: '60 seconds',
  retry: { maximumAttempts: 5 },
  summary: 'Apply or drop the staged host states',
});

/** What the Temporal UI shows as this workflow's details, fixed when it starts. */
export const SYNC_HOSTS_DETAILS =
  'Reads each host of the event from Zoom by user id, then in one transaction updates ' +
  'renamed emails and names and flags hosts deleted, deactivated or unlicensed in Zoom.';

/**
 * Refreshes every host of the event from Zoom by user id: new emails and names, and whether
 * the user was deleted, deactivated or lost the licence. Applied in one transaction at the end.
 */
export async function syncHostsWorkflow(input: { eventId: string }): Promise<SyncHostsOutcome> {
  const batchId = `sync:${input.eventId}:${wf.uuid4()}`;
  let cursor: string | null = null;
  try {
    do {
      const batch: { nextCursor: string | null } = await zoom.stageHostsBatch({
        eventId: input.eventId,
        batchId,
        cursor,
      });
      cursor = batch.nextCursor;
    } while (cursor);
  } catch (failure) {
    await store.clearStaged({ batchId });
    return { kind: 'failed', reason: scanFailureOf(failure) };
  }

  return { kind: 'synced', report: await store.commitSync({ eventId: input.eventId, batchId }) };
}
