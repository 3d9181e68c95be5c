import { setTimeout as sleep } from 'node:timers/promises';
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
export function createZoomPacer(store: GreenroomStore, plan: ZoomPlan) {
  return async function pace(accountId: string, category: ZoomCallCategory): Promise<void> {
    const perSecond = ZOOM_RATE_LIMITS[plan][category];
    for (;;) {
      const waitMs = await store.reserveZoomCall(accountId, category, perSecond);
      if (waitMs <= 0) return;
      await sleep(waitMs);
    }
  };
}

export type ZoomPacer = ReturnType<typeof createZoomPacer>;
