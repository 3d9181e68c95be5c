import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectHistories, collectLogs, findSecrets, secretForms } from '../support/secret-scan.js';
import { startStack, type Stack } from '../support/stack.js';
import {
  isAuthentic,
  WebhookReceiver,
  type ReceivedDelivery,
} from '../support/webhook-receiver.js';

let stack: Stack;
let receiver: WebhookReceiver;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'greenroom-webhooks-e2e-'));
  stack = await startStack({ dir, extraEnv: { WEBHOOK_POLL_SECONDS: '1' } });
  receiver = await WebhookReceiver.start();
});

afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

/** Waits for a delivery the check picks; gives up after a minute of wall-clock time. */
async function deliveryWhere(check: (each: ReceivedDelivery) => boolean) {
  for (let tries = 0; tries < 240; tries += 1) {
    const found = receiver.unique().find(check);
    if (found) return found;
    await delay(250);
  }
  throw new Error('no such delivery within a minute');
}

describe('webhooks on the real stack', () => {
  it('delivers a saved-credentials change to the receiver with a valid signature', async () => {
    const created = await stack.api<{ id: string; secret: string }>('POST', '/webhooks', {
      url: receiver.url,
      eventTypes: ['integration.credentials_saved'],
    });
    expect(created.status).toBe(201);
    const eventId = `evt-webhook-${Date.now()}`;
    const app = await stack.connect(eventId);

    const delivery = await deliveryWhere((each) => each.json.eventId === eventId);
    expect(isAuthentic(created.body.secret, delivery)).toBe(true);
    expect(delivery.json).toMatchObject({
      type: 'integration.credentials_saved',
      data: { accountId: app.accountId, clientId: app.clientId },
    });
    const listed = await stack.api<{ items: { id: string; cursor: number; pending: number }[] }>(
      'GET',
      '/webhooks',
    );
    expect(listed.body.items.find((each) => each.id === created.body.id)).toMatchObject({
      pending: 0,
    });

    const evidence = [...(await collectHistories(stack.client)), ...collectLogs(stack.logDir)];
    expect(findSecrets(evidence, secretForms([{ value: created.body.secret }]))).toEqual([]);
  });
});
