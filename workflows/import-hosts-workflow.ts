import * as wf from '@temporalio/workflow';
import type { HostScanActivities } from '../activities/zoom/host-scan-activities.js';
import type { ImportReport } from '../store/types.js';
import { SCAN_RETRY, scanFailureOf, type ScanFailure } from './hosts/scan-failures.js';

export type ImportHostsOutcome =
  | { kind: 'imported'; report: ImportReport & { pages: number; restarts: number } }
  | { kind: 'failed'; reason: ScanFailure };

// Local activities: no Update reaches this child, and a page then costs a marker instead of a
// round trip through the server, which would otherwise set the pace of a large scan.
const zoom = wf.proxyLocalActivities<HostScanActivities>({
  startToCloseTimeout: '30 seconds',
  retry: SCAN_RETRY,
  summary: 'Read a page of the Zoom account’s active users',
});

const store = wf.proxyActivities<HostScanActivities>({
  startToCloseTimeout: '60 seconds',
  retry: { maximumAttempts: 5 },
  summary: 'Apply or drop the staged users',
});

/** What the Temporal UI shows as this workflow's details, fixed when it starts. */
export const IMPORT_HOSTS_DETAILS =
  'Reads every page of the Zoom account’s active users into the store, then adds the ' +
  'licensed ones as hosts in one transaction. A scan Zoom breaks half-way writes nothing.';

/** Restarting a scan whose page token expired more often than this means Zoom is too slow. */
const MAX_RESTARTS = 3;

/**
 * Imports the Zoom account's active licensed users as hosts: every page is staged first and
 * the hosts change in one transaction at the end, so a scan that fails writes nothing.
 */
export async function importHostsWorkflow(input: { eventId: string }): Promise<ImportHostsOutcome> {
  const batchId = `import:${input.eventId}:${wf.uuid4()}`;
  for (let restarts = 0; restarts <= MAX_RESTARTS; restarts += 1) {
    const scanned = await scanAllPages(input.eventId, batchId);
    if (scanned.kind === 'pages') {
      const report = await store.commitImport({ eventId: input.eventId, batchId });
      return { kind: 'imported', report: { ...report, pages: scanned.pages, restarts } };
    }
    await store.clearStaged({ batchId });
    if (scanned.reason !== 'page_token_expired') return { kind: 'failed', reason: scanned.reason };
  }

  return { kind: 'failed', reason: 'page_token_expired' };
}

async function scanAllPages(
  eventId: string,
  batchId: string,
): Promise<{ kind: 'pages'; pages: number } | { kind: 'failed'; reason: ScanFailure }> {
  let pageToken = '';
  for (let pages = 1; ; pages += 1) {
    try {
      const page = await zoom.stageUsersPage({ eventId, batchId, pageToken });
      if (!page.nextPageToken) return { kind: 'pages', pages };
      pageToken = page.nextPageToken;
    } catch (failure) {
      return { kind: 'failed', reason: scanFailureOf(failure) };
    }
  }
}
