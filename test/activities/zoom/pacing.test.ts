import { describe, expect, it } from 'vitest';
import { createZoomPacer } from '../../../activities/zoom/pacing.js';
import type { GreenroomStore } from '../../../store/types.js';

/** A store whose pacing answers the waits given, one per reservation. */
function storeWaiting(waitsMs: number[]): GreenroomStore {
  const reserveZoomCall = () => Promise.resolve(waitsMs.shift() ?? 0);
  return { reserveZoomCall } as unknown as GreenroomStore;
}

describe('createZoomPacer', () => {
  describe('when a slot is free at once', () => {
    it('records no wait', async () => {
      const waits: string[] = [];
      const metrics = {
        rateLimitWait: (category: string, s: number) => waits.push(`${category} ${s}`),
      };

      await createZoomPacer(storeWaiting([0]), 'pro', metrics)('acct', 'light');

      expect(waits).toStrictEqual([]);
    });
  });

  describe('when the slot comes later', () => {
    it('records the wait in seconds under the call category', async () => {
      const waits: string[] = [];
      const metrics = {
        rateLimitWait: (category: string, s: number) => waits.push(`${category} ${s}`),
      };
      const pace = createZoomPacer(storeWaiting([20, 0, 5]), 'pro', metrics);

      await pace('acct', 'medium');
      await pace('acct', 'medium');
      await pace('acct', 'light');

      expect(waits).toStrictEqual(['medium 0.02', 'light 0.005']);
    });
  });
});
