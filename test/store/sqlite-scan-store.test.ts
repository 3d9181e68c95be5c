import { describe, expect, it } from 'vitest';
import { createSecretBox, generateKey } from '../../common/crypto.js';
import { createSqliteStore } from '../../store/sqlite-store.js';

function storeAt(clock: { nowMs: number }) {
  return createSqliteStore({
    filename: ':memory:',
    secretBox: createSecretBox(generateKey()),
    now: () => clock.nowMs,
  });
}

describe('sqlite scan store', () => {
  describe('when Zoom calls are paced per account', () => {
    it('spaces an account’s calls evenly, whatever the caller', async () => {
      const clock = { nowMs: 1_000_000 };
      const store = storeAt(clock);
      const waits = [];
      for (let call = 0; call < 4; call += 1) {
        waits.push(await store.reserveZoomCall('acct', 'medium', 20));
      }
      expect(waits).toEqual([0, 50, 100, 150]);
      expect(await store.reserveZoomCall('other-acct', 'medium', 20)).toBe(0);
      expect(await store.reserveZoomCall('acct', 'light', 30)).toBe(0);
      clock.nowMs += 1000;
      expect(await store.reserveZoomCall('acct', 'medium', 20)).toBe(0);
      await store.close();
    });
  });

  describe('when a scan is abandoned', () => {
    it('drops the staged users so a later commit sees none of them', async () => {
      const store = storeAt({ nowMs: 1 });
      const user = {
        id: 'u1',
        present: true,
        email: 'u1@example.com',
        firstName: 'U',
        lastName: 'One',
        type: 2,
        status: 'active',
      };
      await store.stageZoomUsers('batch-1', [user]);
      await store.clearStaged('batch-1');
      expect(await store.commitImport('evt-1', 'batch-1')).toMatchObject({ added: 0 });
      await store.stageZoomUsers('batch-2', [user, { ...user, id: 'u2', type: 1 }]);
      expect(await store.commitImport('evt-1', 'batch-2')).toEqual({
        added: 1,
        updated: 0,
        unchanged: 0,
        skipped: { unlicensed: 1, inactive: 0 },
      });
      await store.close();
    });
  });
});
