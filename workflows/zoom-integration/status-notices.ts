import * as wf from '@temporalio/workflow';
import type { IntegrationStoreActivities } from '../../activities/store/integration-store.js';
import type { IntegrationState } from './definitions.js';

const { recordNotifications } = wf.proxyActivities<IntegrationStoreActivities>({
  startToCloseTimeout: '10 seconds',
  // The store may be down for a while; the notices wait in the workflow's state meanwhile.
  retry: { maximumInterval: '1 minute' },
  summary: 'Tell the platform about a status change (notifications feed)',
});

/** Statuses the platform hears of; connecting and not_connected have events of their own. */
const NOTIFIED_STATUSES = new Set(['active', 'degraded', 'needs_organiser', 'disabled']);

/**
 * Decides whether a published status is news for the platform: a new status, or a new cause of
 * needing the organiser. Recoveries to active are news too. The notice waits in the state until
 * the flusher has written it to the store.
 */
export function noteStatusChange(state: IntegrationState, status: string): void {
  if (!NOTIFIED_STATUSES.has(status)) return;
  const cause = status === 'needs_organiser' ? (state.lastError?.cause ?? null) : null;
  const last = state.notifiedStatus;
  if (last?.status === status && last.cause === cause) return;
  const nowMs = Date.now();
  (state.pendingNotices ??= []).push({
    id: `ntf_${wf.uuid4()}`,
    type: 'integration.status_changed',
    eventId: state.eventId,
    atMs: nowMs,
    payload: {
      status,
      previousStatus: last?.status ?? null,
      cause,
      tokenExpired: !state.token || state.token.expiresAtMs <= nowMs,
      message: status === 'active' ? null : (state.lastError?.message ?? null),
    },
  });
  state.notifiedStatus = { status, cause };
}

/** Writes decided notices to the store's feed, oldest first, for as long as the run lives. */
export async function flushStatusNotices(state: IntegrationState): Promise<never> {
  for (;;) {
    await wf.condition(() => (state.pendingNotices?.length ?? 0) > 0);
    const batch = [...(state.pendingNotices ?? [])];
    await recordNotifications({ notifications: batch });
    state.pendingNotices?.splice(0, batch.length);
  }
}

/** Before the run ends: every decided notice is in the store. */
export async function noticesWritten(state: IntegrationState): Promise<void> {
  await wf.condition(() => (state.pendingNotices?.length ?? 0) === 0);
}
