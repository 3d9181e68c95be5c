import { setTimeout as sleep } from 'node:timers/promises';
import { NO_METRICS, type GreenroomMetrics } from '../../common/metrics.js';
import {
  ZOOM_RATE_LIMITS,
  type ZoomCallCategory,
  type ZoomPlan,
} from '../../common/zoom-rate-limits.js';
import type { GreenroomStore } from '../../store/types.js';

/**
 * Waits for a free slot of the account's per-second budget before each Zoom call. The budget
 * lives in the store, so every worker process calling the same Zoom account shares it.
 */
export function createZoomPacer(
  store: GreenroomStore,
  plan: ZoomPlan,
  metrics: Pick<GreenroomMetrics, 'rateLimitWait'> = NO_METRICS,
) {
  return async function pace(accountId: string, category: ZoomCallCategory): Promise<void> {
    const waitMs = await store.reserveZoomCall(
      accountId,
      category,
      budgetPerSecond(plan, category),
    );
    if (waitMs <= 0) return;
    metrics.rateLimitWait(category, waitMs / 1000);
    // The slot is ours once reserved: waiting for it needs no second reservation.
    await sleep(waitMs);
  };
}

export type ZoomPacer = ReturnType<typeof createZoomPacer>;

/**
 * A tenth under Zoom's limit: calls leave on their slots but reach Zoom with jitter, and a
 * single 429 costs a whole second of Retry-After, far more than the margin does.
 */
function budgetPerSecond(plan: ZoomPlan, category: ZoomCallCategory): number {
  return ZOOM_RATE_LIMITS[plan][category] * 0.9;
}
