import { describe, expect, it } from 'vitest';
import { createSecretBox, generateKey } from '../../common/crypto.js';
import { openStoreAt, useStoreBackends } from '../support/store-backends.js';

describe.each(useStoreBackends())('$name scan store', (backend) => {
  const storeAt = (clock: { nowMs: number }) =>
    backend.open(createSecretBox(generateKey()), () => clock.nowMs);

  describe('when Zoom calls are paced per account', () => {
    it('spaces an account’s calls evenly, whatever the caller', async () => {
      const clock = { nowMs: 1_000_000 };
      const store = await storeAt(clock);
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

  describe('when two processes pace calls of one account at once', () => {
    it('gives every call a slot of its own', async () => {
      const location = await backend.freshLocation();
      const box = createSecretBox(generateKey());
      const first = await openStoreAt(location, box, () => 1_000_000);
      const second = await openStoreAt(location, box, () => 1_000_000);
      const calls = Array.from({ length: 40 }, (_, n) => (n % 2 === 0 ? first : second));
      const waits = await Promise.all(
        calls.map((store) => store.reserveZoomCall('acct', 'medium', 20)),
      );
      expect(waits.sort((a, b) => a - b)).toEqual(calls.map((_, n) => n * 50));
      await Promise.all([first.close(), second.close()]);
    });
  });

  describe('when a scan is abandoned', () => {
    it('drops the staged users so a later commit sees none of them', async () => {
      const store = await storeAt({ nowMs: 1 });
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

  describe('when an import renames a host and adds a user with its old email', () => {
    it('gives the new user a person of its own', async () => {
      const store = await storeAt({ nowMs: 1 });
      const user = {
        id: 'u1',
        present: true,
        email: 'ada@example.com',
        firstName: 'Ada',
        lastName: 'L',
        type: 2,
        status: 'active',
      };
      await store.stageZoomUsers('first', [user]);
      await store.commitImport('evt-1', 'first');
      const renamed = { ...user, email: 'ada.new@example.com' };
      await store.stageZoomUsers('second', [renamed, { ...user, id: 'u2', firstName: 'Bea' }]);
      expect(await store.commitImport('evt-1', 'second')).toMatchObject({ added: 1, updated: 1 });

      const [first, second] = await Promise.all(
        ['u1', 'u2'].map((id) => store.readHost('evt-1', id)),
      );
      expect(second?.personId).not.toBe(first?.personId);
      const people = await store.listPeople('evt-1');
      expect(people.map((person) => person.email).sort()).toEqual([
        'ada.new@example.com',
        'ada@example.com',
      ]);
      await store.close();
    });
  });

  describe('when a sync applies what Zoom said', () => {
    const staged = (overrides: Record<string, unknown>) => ({
      id: 'zoom-1',
      present: true,
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'L',
      type: 2,
      status: 'active',
      ...overrides,
    });

    it('keeps the last email and names of a user Zoom shows as pending', async () => {
      const store = await storeAt({ nowMs: 1 });
      await store.stageZoomUsers('import', [staged({})]);
      await store.commitImport('evt-1', 'import');
      const pending = staged({ email: '', firstName: '', lastName: '', status: 'pending' });
      await store.stageZoomUsers('sync', [pending]);
      const report = await store.commitSync('evt-1', 'sync');
      expect(report.changed).toEqual([
        { hostId: 'zoom-1', zoomState: 'deactivated', sessions: [] },
      ]);
      expect(await store.readHost('evt-1', 'zoom-1')).toMatchObject({
        email: 'ada@example.com',
        firstName: 'Ada',
        zoomState: 'deactivated',
      });
      await store.close();
    });

    it('moves the person to a renamed email, so the old one matches no one', async () => {
      const store = await storeAt({ nowMs: 1 });
      await store.stageZoomUsers('import', [staged({})]);
      await store.commitImport('evt-1', 'import');
      await store.stageZoomUsers('sync', [staged({ email: 'ada.new@example.com' })]);
      await store.commitSync('evt-1', 'sync');
      const people = await store.listPeople('evt-1');
      expect(people.map((person) => person.email)).toEqual(['ada.new@example.com']);
      await store.close();
    });
  });
});
