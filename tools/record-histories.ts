// Records real histories for the replay tests: runs each scenario on the embedded stack through
// the API, then writes every run of every workflow it made to test/histories/.
// Usage: npm run record:histories
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { startStack, type Stack } from '../test/support/stack.js';
import { WebhookReceiver } from '../test/support/webhook-receiver.js';
import type { ZoomApp } from '../test/support/zoom-control.js';
import { saveHistory } from './history-files.js';

const OUT_DIR = 'test/histories';

const call = (stack: Stack, method: string, path: string, body?: unknown) =>
  stack.api(method, path, body);

const credentials = (app: ZoomApp) => ({
  accountId: app.accountId,
  clientId: app.clientId,
  clientSecret: app.clientSecret,
});

/** A healthy lifecycle long enough to continue-as-new twice (8-second tokens, 2 cycles a run). */
async function healthy(stack: Stack): Promise<void> {
  const app = await stack.zoom.createConnectableApp();
  await call(stack, 'PUT', '/events/rec-healthy/zoom/credentials', credentials(app));
}

/** Paused by a regenerated secret, resumed by the new one. */
async function pausedAndResumed(stack: Stack): Promise<void> {
  const app = await stack.zoom.createConnectableApp();
  await call(stack, 'PUT', '/events/rec-paused/zoom/credentials', credentials(app));
  const clientSecret = await stack.zoom.regenerateSecret(app.clientId);
  await call(stack, 'POST', '/events/rec-paused/zoom/token/regenerate');
  await call(stack, 'PUT', '/events/rec-paused/zoom/credentials', {
    ...credentials(app),
    clientSecret,
  });
}

/** A host added, a host refused, an import and a removal. */
async function hosts(stack: Stack): Promise<void> {
  const app = await stack.zoom.createConnectableApp();
  await stack.zoom.createUser(app.accountId, {
    email: 'ada@example.com',
    firstName: 'Ada',
    lastName: 'L',
  });
  await stack.zoom.bulkUsers(app.accountId, { count: 3 });
  await call(stack, 'PUT', '/events/rec-hosts/zoom/credentials', credentials(app));
  const person = { firstName: 'Ada', lastName: 'L', expectedAttendees: 10 };
  const added = await call(stack, 'POST', '/events/rec-hosts/zoom/hosts', {
    ...person,
    email: 'ada@example.com',
  });
  await call(stack, 'POST', '/events/rec-hosts/zoom/hosts', {
    ...person,
    email: 'nobody@example.com',
  });
  await call(stack, 'POST', '/events/rec-hosts/zoom/hosts/import');
  await call(stack, 'POST', '/events/rec-hosts/zoom/hosts/sync');
  const hostId = (added.body as { hostId: string }).hostId;
  await call(stack, 'DELETE', `/events/rec-hosts/zoom/hosts/${hostId}`);
}

/** A session saved, renamed, moved to a webinar, refused, turned off and deleted. */
async function sessions(stack: Stack): Promise<void> {
  const app = await stack.zoom.createConnectableApp();
  await call(stack, 'PUT', '/events/rec-sessions/zoom/credentials', credentials(app));
  const hostIds: string[] = [];
  for (const [name, webinar] of [
    ['grace', true],
    ['alan', false],
  ] as const) {
    const email = `${name}@example.com`;
    await stack.zoom.createUser(app.accountId, {
      email,
      firstName: name,
      lastName: 'H',
      settings: { webinar, webinarCapacity: webinar ? 500 : 0 },
    });
    const added = await call(stack, 'POST', '/events/rec-sessions/zoom/hosts', {
      firstName: name,
      lastName: 'H',
      email,
      expectedAttendees: 10,
    });
    hostIds.push((added.body as { hostId: string }).hostId);
  }
  const [grace, alan] = hostIds;
  const base = '/events/rec-sessions/sessions';
  const plan = {
    title: 'Keynote',
    startTime: '2027-03-01T09:30',
    timeZone: 'Europe/Berlin',
    durationMinutes: 60,
    expectedAttendees: 50,
  };
  const meeting = (hostId?: string) => ({ source: 'zoom', kind: 'meeting', hostId });
  const created = await call(stack, 'POST', base, { ...plan, stream: meeting(alan) });
  const id = (created.body as { session: { id: string } }).session.id;
  await call(stack, 'PUT', `${base}/${id}`, { ...plan, title: 'Keynote!', stream: meeting(alan) });
  await call(stack, 'PUT', `${base}/${id}/stream`, {
    stream: { source: 'zoom', kind: 'webinar', hostId: grace },
  });
  await call(stack, 'PUT', `${base}/${id}/stream`, {
    stream: { source: 'zoom', kind: 'webinar', hostId: alan },
  });
  await call(stack, 'PUT', `${base}/${id}/stream`, { stream: { source: 'off' } });
  await call(stack, 'DELETE', `${base}/${id}`);
  const programme = ['Panel', 'Closing'].map((title) => ({
    ...plan,
    title,
    stream: meeting(alan),
  }));
  await call(stack, 'POST', `${base}/batch`, { sessions: programme });
}

/** A receiver subscribed, a change delivered to it, its secret rotated, then unsubscribed. */
async function webhooks(stack: Stack): Promise<void> {
  const receiver = await WebhookReceiver.start();
  try {
    const created = await call(stack, 'POST', '/webhooks', { url: receiver.url, eventTypes: [] });
    const id = (created.body as { id: string }).id;
    await stack.connect('rec-webhooks');
    for (let tries = 0; tries < 120 && receiver.unique().length < 2; tries += 1) await delay(250);
    await call(stack, 'POST', `/webhooks/${id}/secret`);
    await call(stack, 'POST', '/events/rec-webhooks/zoom/disable');
    for (let tries = 0; tries < 120 && receiver.unique().length < 3; tries += 1) await delay(250);
    await call(stack, 'DELETE', `/webhooks/${id}`);
  } finally {
    await receiver.close();
  }
}

async function exportAll(stack: Stack): Promise<number> {
  mkdirSync(OUT_DIR, { recursive: true });
  let written = 0;
  for await (const run of stack.client.workflow.list()) {
    const history = await stack.client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    const name = `${run.type}--${run.workflowId.replace(/[^A-Za-z0-9-]+/g, '_')}--${run.runId}`;
    saveHistory(join(OUT_DIR, `${name}.json`), history);
    written += 1;
  }
  return written;
}

const stack = await startStack({
  dir: mkdtempSync(join(tmpdir(), 'greenroom-record-')),
  tokenTtlSeconds: 8,
  extraEnv: { CYCLES_BEFORE_CONTINUE_AS_NEW: '2', WEBHOOK_POLL_SECONDS: '1' },
});
try {
  await healthy(stack);
  await pausedAndResumed(stack);
  await hosts(stack);
  await sessions(stack);
  await webhooks(stack);
  // Five regeneration cycles of six seconds: two continue-as-new for the healthy lifecycle.
  await delay(32_000);
  console.log(`recorded ${await exportAll(stack)} histories into ${OUT_DIR}`);
} finally {
  await stack.stop();
}
