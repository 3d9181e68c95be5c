import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKeyRing, createSecretBox, generateKey } from '../../common/crypto.js';
import { HOUR_MS } from '../../common/durations.js';
import { createSqliteStore } from '../../store/sqlite-store.js';
import type { GreenroomStore, NewNotification } from '../../store/types.js';
import { useStoreBackends } from '../support/store-backends.js';

const START_MS = 1_700_000_000_000;

function notice(id: string, type: NewNotification['type'], eventId = 'evt-1'): NewNotification {
  return { id, type, eventId, atMs: START_MS, payload: { n: id } };
}

describe.each(useStoreBackends())('$name webhook store', (backend) => {
  let nowMs = START_MS;
  let store: GreenroomStore;

  beforeEach(async () => {
    nowMs = START_MS;
    store = await backend.open(createSecretBox(generateKey()), () => nowMs);
  });

  afterEach(async () => {
    await store.close();
  });

  describe('when a subscription is made', () => {
    it('answers a whsec_ secret of 32 bytes and starts after the existing feed', async () => {
      await store.recordNotifications([notice('ntf_old', 'integration.disconnected')]);
      const { subscription, secret } = await store.createWebhook({
        url: 'http://127.0.0.1:9/hook',
        eventTypes: [],
      });

      expect(Buffer.from(secret.replace(/^whsec_/, ''), 'base64')).toHaveLength(32);
      expect(subscription).toMatchObject({ state: 'active', failureReason: null });
      expect(await store.listPendingWebhookNotifications(subscription.id, 10)).toStrictEqual([]);
      expect(await store.readWebhookSecrets(subscription.id)).toStrictEqual([secret]);
    });
  });

  describe('when notifications wait', () => {
    it('lists only the chosen types after the cursor, oldest first, and counts them', async () => {
      const { subscription } = await store.createWebhook({
        url: 'https://example.test/hook',
        eventTypes: ['integration.disconnected', 'host.zoom_state_changed'],
      });
      await store.recordNotifications([
        notice('ntf_a', 'integration.disconnected'),
        notice('ntf_b', 'integration.credentials_saved'),
        notice('ntf_c', 'host.zoom_state_changed', 'evt-2'),
      ]);

      const pending = await store.listPendingWebhookNotifications(subscription.id, 10);
      expect(pending.map((each) => each.id)).toStrictEqual(['ntf_a', 'ntf_c']);
      expect((await store.listWebhooks())[0]?.pending).toBe(2);

      await store.advanceWebhookCursor(subscription.id, pending[0]?.seq ?? 0);
      await store.advanceWebhookCursor(subscription.id, 0);
      const rest = await store.listPendingWebhookNotifications(subscription.id, 10);
      expect(rest.map((each) => each.id)).toStrictEqual(['ntf_c']);
    });
  });

  describe('when the secret is rotated', () => {
    it('signs with both secrets for 24 hours, then with the new one only', async () => {
      const { subscription, secret: first } = await store.createWebhook({
        url: 'https://example.test/hook',
        eventTypes: [],
      });
      const rotated = await store.rotateWebhookSecret(subscription.id);

      expect(rotated?.secret).not.toBe(first);
      expect(await store.readWebhookSecrets(subscription.id)).toStrictEqual([
        rotated?.secret,
        first,
      ]);
      nowMs += 24 * HOUR_MS;
      expect(await store.readWebhookSecrets(subscription.id)).toStrictEqual([rotated?.secret]);
      expect((await store.readWebhook(subscription.id))?.previousSecretExpiresAtMs).toBeNull();
    });

    it('answers null for a subscription that does not exist', async () => {
      expect(await store.rotateWebhookSecret('whk_missing')).toBeNull();
    });
  });

  describe('when the state changes', () => {
    it('keeps the reason while failing and clears it when active again', async () => {
      const { subscription } = await store.createWebhook({ url: 'https://a.test', eventTypes: [] });
      nowMs += 1000;
      await store.setWebhookState(subscription.id, 'failing', 'receiver answered 503');

      expect(await store.readWebhook(subscription.id)).toMatchObject({
        state: 'failing',
        failureReason: 'receiver answered 503',
        stateChangedAtMs: START_MS + 1000,
      });
      await store.setWebhookState(subscription.id, 'active', null);
      expect(await store.readWebhook(subscription.id)).toMatchObject({
        state: 'active',
        failureReason: null,
      });
    });

    it('answers false once the subscription is deleted', async () => {
      const { subscription } = await store.createWebhook({ url: 'https://a.test', eventTypes: [] });

      expect(await store.deleteWebhook(subscription.id)).toBe(true);
      expect(await store.deleteWebhook(subscription.id)).toBe(false);
      expect(await store.setWebhookState(subscription.id, 'failing', 'x')).toBe(false);
    });
  });
});

describe('webhook secrets at rest', () => {
  it('are sealed, and resealed by a key rotation so the old key can be retired', async () => {
    const oldKey = generateKey();
    const newKey = generateKey();
    const filename = join(mkdtempSync(join(tmpdir(), 'greenroom-webhook-')), 'store.db');
    const before = createSqliteStore({ filename, secretBox: createKeyRing(oldKey) });
    const { subscription, secret: first } = await before.createWebhook({
      url: 'https://a.test',
      eventTypes: [],
    });
    const second = (await before.rotateWebhookSecret(subscription.id))?.secret ?? '';
    await before.close();
    const raw = readFileSync(filename).toString('latin1');
    for (const secret of [first, second]) expect(raw).not.toContain(secret.slice(6, 30));

    const rotated = createSqliteStore({ filename, secretBox: createKeyRing(newKey, [oldKey]) });
    expect(await rotated.resealSecrets()).toBe(2);
    await rotated.close();

    const retired = createSqliteStore({ filename, secretBox: createKeyRing(newKey) });
    expect(await retired.readWebhookSecrets(subscription.id)).toStrictEqual([second, first]);
    await retired.close();
  });
});
