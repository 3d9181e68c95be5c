import { MockActivityEnvironment } from '@temporalio/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWebhookDeliveryActivities } from '../../../activities/webhooks/delivery-activities.js';
import { createSecretBox, generateKey } from '../../../common/crypto.js';
import { createSqliteStore } from '../../../store/sqlite-store.js';
import type { GreenroomStore, NewNotification } from '../../../store/types.js';
import {
  isAuthentic,
  matchingSignatures,
  WebhookReceiver,
} from '../../support/webhook-receiver.js';

const AT_MS = Date.parse('2030-01-02T03:04:05Z');

function notice(id: string, eventId = 'evt-1'): NewNotification {
  return {
    id,
    type: 'integration.credentials_saved',
    eventId,
    atMs: AT_MS,
    payload: { accountId: 'acct', clientId: 'client' },
  };
}

describe('webhook delivery activities', () => {
  let store: GreenroomStore;
  let receiver: WebhookReceiver;
  const env = new MockActivityEnvironment();

  beforeEach(async () => {
    store = createSqliteStore({ filename: ':memory:', secretBox: createSecretBox(generateKey()) });
    receiver = await WebhookReceiver.start();
  });

  afterEach(async () => {
    await receiver.close();
    await store.close();
  });

  async function subscribeAndDeliver(ids: string[]) {
    const { subscription, secret } = await store.createWebhook({
      url: receiver.url,
      eventTypes: [],
    });
    await store.recordNotifications(ids.map((id) => notice(id)));
    const activities = createWebhookDeliveryActivities({ store, timeoutMs: 2_000 });
    const deliver = () =>
      env.run(() => activities.deliverPendingWebhooks({ subscriptionId: subscription.id }));

    return { subscription, secret, deliver };
  }

  describe('when the receiver answers 2xx', () => {
    it('sends each notification once, oldest first, signed and timestamped', async () => {
      const { secret, deliver, subscription } = await subscribeAndDeliver(['ntf_1', 'ntf_2']);

      expect(await deliver()).toStrictEqual({ kind: 'delivered', delivered: 2 });
      expect(receiver.accepted.map((each) => each.webhookId)).toStrictEqual(['ntf_1', 'ntf_2']);
      expect(receiver.accepted.every((each) => isAuthentic(secret, each))).toBe(true);
      expect(receiver.accepted[0]?.json).toStrictEqual({
        id: 'ntf_1',
        type: 'integration.credentials_saved',
        eventId: 'evt-1',
        timestamp: '2030-01-02T03:04:05.000Z',
        data: { accountId: 'acct', clientId: 'client' },
      });
      expect(await deliver()).toStrictEqual({ kind: 'delivered', delivered: 0 });
      expect(await store.listPendingWebhookNotifications(subscription.id, 10)).toStrictEqual([]);
    });

    it('refuses a signature made with another secret or over another body', async () => {
      const { secret, deliver } = await subscribeAndDeliver(['ntf_1']);
      await deliver();
      const [delivery] = receiver.accepted;
      if (!delivery) throw new Error('nothing delivered');
      const otherSecret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

      expect(isAuthentic(otherSecret, delivery)).toBe(false);
      expect(
        isAuthentic(secret, { ...delivery, body: delivery.body.replace('acct', 'acc2') }),
      ).toBe(false);
    });
  });

  describe('after the secret is rotated', () => {
    it('sends two signatures, one per secret, both valid', async () => {
      const { subscription, secret: first, deliver } = await subscribeAndDeliver(['ntf_1']);
      const second = (await store.rotateWebhookSecret(subscription.id))?.secret ?? '';
      await deliver();
      const [delivery] = receiver.accepted;
      if (!delivery) throw new Error('nothing delivered');

      expect(delivery.signature.split(' ')).toHaveLength(2);
      expect(matchingSignatures(first, delivery)).toBe(1);
      expect(matchingSignatures(second, delivery)).toBe(1);
    });
  });

  describe('when the receiver fails', () => {
    it('fails without moving the cursor, so the retry sends the same notification', async () => {
      const { subscription, deliver } = await subscribeAndDeliver(['ntf_1']);
      receiver.mode = 'down';

      await expect(deliver()).rejects.toMatchObject({
        type: 'WebhookReceiverFailed',
        message: 'the receiver answered 503',
      });
      const pending = await store.listPendingWebhookNotifications(subscription.id, 10);
      expect(pending.map((each) => each.id)).toStrictEqual(['ntf_1']);
    });

    it('counts a receiver that does not answer in time as failed', async () => {
      const { deliver } = await subscribeAndDeliver(['ntf_1']);
      receiver.mode = 'hang';

      await expect(deliver()).rejects.toMatchObject({
        message: 'the receiver did not answer in time',
      });
    });
  });

  describe('when the subscription is deleted', () => {
    it('sends nothing and answers gone', async () => {
      const { subscription, deliver } = await subscribeAndDeliver(['ntf_1']);
      await store.deleteWebhook(subscription.id);

      expect(await deliver()).toStrictEqual({ kind: 'gone' });
      expect(receiver.attempts).toBe(0);
    });
  });
});
