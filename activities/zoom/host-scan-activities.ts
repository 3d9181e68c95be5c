import { FailureType } from '../../common/failures.js';
import type { StagedZoomUser } from '../../store/types.js';
import { ZoomApiError } from './api-client.js';
import {
  failure,
  zoomCaller,
  type HostActivityDependencies,
  type ZoomUser,
} from './host-activities.js';

/** Zoom's largest page of users; fewer, larger pages spend less of the Medium budget. */
const USERS_PAGE_SIZE = 300;
const SYNC_BATCH = 100;

/** Builds the activities of host import and sync: paced scans staged in the store. */
export function createHostScanActivities(deps: HostActivityDependencies) {
  return {
    /** Reads one page of the account's active users into the batch; answers the next token. */
    async stageUsersPage(input: { eventId: string; batchId: string; pageToken: string }) {
      const call = await zoomCaller(deps, input.eventId);
      const query = new URLSearchParams({ status: 'active', page_size: String(USERS_PAGE_SIZE) });
      if (input.pageToken) query.set('next_page_token', input.pageToken);
      const page = await listPage(() => call(`/users?${query.toString()}`, 'medium'));
      await deps.store.stageZoomUsers(input.batchId, page.users.map(staged));

      return { nextPageToken: page.next_page_token ?? '', users: page.users.length };
    },

    /** Reads a batch of the event's hosts from Zoom by user id into the batch. */
    async stageHostsBatch(input: { eventId: string; batchId: string; cursor: string | null }) {
      const call = await zoomCaller(deps, input.eventId);
      const hosts = await deps.store.listHosts(input.eventId, SYNC_BATCH, input.cursor);
      const users = [];
      for (const host of hosts.items) users.push(await readById(call, host.hostId));
      await deps.store.stageZoomUsers(input.batchId, users);

      return { nextCursor: hosts.nextCursor, checked: users.length };
    },

    async commitImport(input: { eventId: string; batchId: string }) {
      return deps.store.commitImport(input.eventId, input.batchId);
    },

    async commitSync(input: { eventId: string; batchId: string }) {
      return deps.store.commitSync(input.eventId, input.batchId);
    },

    async clearStaged(input: { batchId: string }) {
      await deps.store.clearStaged(input.batchId);
    },
  };
}

export type HostScanActivities = ReturnType<typeof createHostScanActivities>;

async function listPage(fetchPage: () => Promise<unknown>) {
  try {
    return (await fetchPage()) as { next_page_token?: string; users: ZoomUser[] };
  } catch (error) {
    // Page tokens live 15 minutes; an expired one means the scan must start over.
    if (error instanceof ZoomApiError && /next page token/i.test(error.message)) {
      throw failure(FailureType.ZoomPageTokenExpired, 'the page token expired', false);
    }
    throw error;
  }
}

async function readById(
  call: Awaited<ReturnType<typeof zoomCaller>>,
  userId: string,
): Promise<StagedZoomUser> {
  try {
    return staged((await call(`/users/${encodeURIComponent(userId)}`, 'light')) as ZoomUser);
  } catch (error) {
    if (error instanceof ZoomApiError && (error.zoomCode === 1001 || error.status === 404)) {
      return { ...staged({ id: userId, email: '', type: 0, status: 'deleted' }), present: false };
    }
    if (error instanceof ZoomApiError && error.zoomCode === 1120) {
      return staged({ id: userId, email: '', type: 0, status: 'pending' });
    }
    throw error;
  }
}

function staged(user: ZoomUser): StagedZoomUser {
  return {
    id: user.id,
    present: true,
    email: user.email,
    firstName: user.first_name ?? '',
    lastName: user.last_name ?? '',
    type: user.type,
    status: user.status,
  };
}
