import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookDeliveryGateway } from '../../api/webhook-gateway.js';
import { HOUR_MS, MINUTE_MS, SECOND_MS } from '../../common/durations.js';
import { WEBHOOK_STATE_ATTRIBUTE } from '../../common/search-attributes.js';
import { INTEGRATION_TASK_QUEUE, webhookDeliveryWorkflowId } from '../../common/task-queues.js';
import type { NewNotification, NotificationType } from '../../store/types.js';
import {
  stopWebhookDelivery,
  webhookDeliveryWorkflow,
} from '../../workflows/webhook-delivery-workflow.js';
import { connectEvent } from '../support/integrations.js';
import { isAuthentic, WebhookReceiver } from '../support/webhook-receiver.js';
import { SETTINGS, useTimeSkippingHarness } from '../support/workflow-harness.js';

// The first scenario begins with no worker running; the others start the file's one worker.
const harness = useTimeSkippingHarness({ deferWorker: true });
const cleanups: (() => Promise<void>)[] = [];
let noticeCounter = 0;

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function notice(eventId: string, type: NotificationType = 'host.zoom_state_changed') {
  noticeCounter += 1;
  const id = `ntf_test_${Date.now()}_${noticeCounter}`;
  return { id, type, eventId, atMs: Date.now(), payload: { n: noticeCounter } } as NewNotification;
}

/** A receiver and a subscription to it with its delivery started, removed after the test. */
async function subscribe() {
  const { env, store } = harness();
  const receiver = await WebhookReceiver.start();
  const { subscription, secret } = await store.createWebhook({ url: receiver.url, eventTypes: [] });
  const gateway = createWebhookDeliveryGateway(env.client, { pollIntervalMs: 5 * SECOND_MS });
  await gateway.start(subscription.id);
  const handle = env.client.workflow.getHandle(webhookDeliveryWorkflowId(subscription.id));
  cleanups.push(async () => {
    await store.deleteWebhook(subscription.id);
    await gateway.stop(subscription.id);
    await receiver.close();
  });

  return { env, store, receiver, secret, gateway, handle, id: subscription.id };
}

/** Lets workflow time pass in steps until the check holds; fails when it never does. */
async function waitUntil(check: () => boolean | Promise<boolean>, stepMs = MINUTE_MS, steps = 120) {
  const { env } = harness();
  for (let step = 0; step < steps; step += 1) {
    if (await check()) return;
    await env.sleep(stepMs);
  }
  throw new Error(`still not so after ${steps} steps of ${stepMs} ms of workflow time`);
}

const idsOf = (items: { id?: string; webhookId?: string }[]) =>
  items.map((each) => each.webhookId ?? each.id);

describe('webhookDeliveryWorkflow', () => {
  describe('when notifications are recorded while no worker runs', () => {
    it('delivers every one of them once a worker starts', async () => {
      const { store, receiver, secret } = await subscribe();
      const recorded = [notice('evt-crash-a'), notice('evt-crash-b'), notice('evt-crash-a')];
      await store.recordNotifications(recorded);
      await harness().env.sleep(MINUTE_MS);
      expect(receiver.attempts).toBe(0);

      await harness().startWorker();
      await waitUntil(() => receiver.accepted.length >= recorded.length, 5 * SECOND_MS);

      expect(idsOf(receiver.accepted)).toStrictEqual(idsOf(recorded));
      expect(receiver.accepted.every((each) => isAuthentic(secret, each))).toBe(true);
    });
  });

  describe('when the receiver answers 503 for an hour', () => {
    it('delivers everything once it returns, in order per event, each once', async () => {
      await harness().startWorker();
      const { env, store, receiver } = await subscribe();
      receiver.mode = 'down';
      const recorded = [notice('evt-down-a'), notice('evt-down-b'), notice('evt-down-a')];
      await store.recordNotifications(recorded);
      await env.sleep(HOUR_MS);
      expect(receiver.accepted).toStrictEqual([]);
      expect(receiver.attempts).toBeGreaterThan(5);

      receiver.mode = 'up';
      const later = notice('evt-down-b');
      await store.recordNotifications([later]);
      await waitUntil(() => receiver.unique().length >= 4);

      const delivered = receiver.unique();
      expect(idsOf(delivered)).toStrictEqual(idsOf([...recorded, later]));
      for (const eventId of ['evt-down-a', 'evt-down-b']) {
        const ofEvent = (items: { eventId: string; id: string }[]) =>
          items.filter((each) => each.eventId === eventId).map((each) => each.id);
        expect(ofEvent(delivered.map((each) => each.json))).toStrictEqual(
          ofEvent([...recorded, later]),
        );
      }
    });
  });

  describe('when the receiver fails for a whole day', () => {
    it('marks the subscription failing in store and search attribute until resumed', async () => {
      await harness().startWorker();
      const { store, receiver, gateway, handle, id } = await subscribe();
      receiver.mode = 'down';
      const recorded = [notice('evt-day'), notice('evt-day')];
      await store.recordNotifications(recorded);
      await waitUntil(
        async () => (await store.readWebhook(id))?.state === 'failing',
        30 * MINUTE_MS,
        60,
      );

      expect((await store.readWebhook(id))?.failureReason).toContain('the receiver answered 503');
      const attributes = (await handle.describe()).typedSearchAttributes;
      expect(attributes.get(WEBHOOK_STATE_ATTRIBUTE)).toBe('failing');
      expect(receiver.accepted).toStrictEqual([]);

      receiver.mode = 'up';
      await gateway.resume(id);
      await waitUntil(() => receiver.unique().length >= recorded.length);

      expect(idsOf(receiver.unique())).toStrictEqual(idsOf(recorded));
      await waitUntil(async () => (await store.readWebhook(id))?.state === 'active');
      const resumed = (await handle.describe()).typedSearchAttributes;
      expect(resumed.get(WEBHOOK_STATE_ATTRIBUTE)).toBe('active');
    });
  });

  describe('after its rounds of a run', () => {
    it('continues as new and delivers on from where the last run stopped', async () => {
      await harness().startWorker();
      const { env, store } = harness();
      const receiver = await WebhookReceiver.start();
      const { subscription } = await store.createWebhook({ url: receiver.url, eventTypes: [] });
      const handle = await env.client.workflow.start(webhookDeliveryWorkflow, {
        workflowId: webhookDeliveryWorkflowId(subscription.id),
        taskQueue: INTEGRATION_TASK_QUEUE,
        args: [{ subscriptionId: subscription.id, pollIntervalMs: 5 * SECOND_MS, roundsPerRun: 2 }],
      });
      cleanups.push(async () => {
        await store.deleteWebhook(subscription.id);
        await handle.signal(stopWebhookDelivery);
        await receiver.close();
      });
      await store.recordNotifications([notice('evt-can')]);
      await waitUntil(() => receiver.unique().length === 1, 5 * SECOND_MS);
      await env.sleep(MINUTE_MS);
      const later = notice('evt-can');
      await store.recordNotifications([later]);
      await waitUntil(() => receiver.unique().length === 2, 5 * SECOND_MS);

      expect((await handle.describe()).runId).not.toBe(handle.firstExecutionRunId);
      expect(receiver.accepted.map((each) => each.webhookId)).toStrictEqual(
        idsOf(receiver.unique()),
      );
      expect(receiver.unique()[1]?.webhookId).toBe(later.id);
    });
  });

  describe('when the receiver hangs', () => {
    it('leaves the integration workflow free: its Update answers meanwhile', async () => {
      await harness().startWorker();
      const { env, store, zoom } = harness();
      const { receiver } = await subscribe();
      receiver.mode = 'hang';
      await store.recordNotifications([notice('evt-hang')]);
      await waitUntil(() => receiver.hanging > 0, SECOND_MS);

      const eventId = `evt-hang-${Date.now()}`;
      const app = await zoom.createConnectableApp();
      const connected = await connectEvent(env.client, store, eventId, app, SETTINGS);

      expect(connected.ok).toBe(true);
      expect(receiver.hanging).toBeGreaterThan(0);
      expect(receiver.accepted).toStrictEqual([]);
      receiver.mode = 'up';
      receiver.release();
      const saved = () =>
        receiver.unique().find((each) => each.json.eventId === eventId)?.json.type;
      await waitUntil(() => saved() !== undefined);
      expect(saved()).toBe('integration.credentials_saved');
    });
  });
});
