import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSED_WORKFLOW_RETENTION_HOURS } from '../../common/durations.js';
import { startStack, type Stack } from '../support/stack.js';
import type { EmulatorStats, ZoomApp } from '../support/zoom-control.js';

const MEETING_CREATE = 'POST /v2/users/:userId/meetings';
const MEETING_LIST = 'GET /v2/users/:userId/meetings';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ dir: mkdtempSync(join(tmpdir(), 'greenroom-e2e-operations-')) });
});

afterAll(async () => {
  await stack?.stop();
});

const call = (method: string, path: string, body?: unknown) =>
  stack.api<Record<string, unknown>>(method, path, body);

async function connected(eventId: string): Promise<ZoomApp> {
  const app = await stack.zoom.createConnectableApp();
  const saved = await call('PUT', `/events/${eventId}/zoom/credentials`, {
    accountId: app.accountId,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
  });
  expect(saved.status).toBe(200);
  return app;
}

/** Waits until the emulator has seen a call the stats name, i.e. the work is in flight now. */
async function untilZoomSees(counted: (stats: EmulatorStats) => number, atLeast: number) {
  for (let polls = 0; polls < 400; polls++) {
    if (counted(await stack.zoom.stats()) >= atLeast) return;
    await delay(50);
  }
  throw new Error(`Zoom never saw the call (wanted ${atLeast})`);
}

/** What a fresh request to the API gets while it drains: refused, or 503 on a kept connection. */
async function freshRequestOutcome(): Promise<number | 'refused'> {
  try {
    return (await fetch(`${stack.apiUrl}/healthz`)).status;
  } catch {
    return 'refused';
  }
}

const endpointCalls = (stats: EmulatorStats, endpoint: string) =>
  stats.apiCallsByEndpoint[endpoint] ?? 0;

describe('the namespace of the embedded stack', () => {
  it('keeps closed workflows for seven days', async () => {
    const described = await stack.client.connection.workflowService.describeNamespace({
      namespace: 'default',
    });

    const retention = described.config?.workflowExecutionRetentionTtl?.seconds;
    expect(Number(retention)).toBe(CLOSED_WORKFLOW_RETENTION_HOURS * 3600);
    expect(CLOSED_WORKFLOW_RETENTION_HOURS).toBe(168);
  });
});

describe('readiness on the real stack', () => {
  it('is ready while Temporal answers, names it when it does not, and recovers', async () => {
    const ready = await fetch(`${stack.apiUrl}/readyz`);
    expect(ready.status).toBe(200);

    await stack.stop('temporal');
    const notReady = await fetch(`${stack.apiUrl}/readyz`);
    const live = await fetch(`${stack.apiUrl}/healthz`);
    await stack.restart('temporal');

    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({
      error: { code: 'not_ready', details: { notReady: ['temporal'] } },
    });
    expect(live.status).toBe(200);
    expect((await fetch(`${stack.apiUrl}/readyz`)).status).toBe(200);
  });
});

describe('a graceful stop on SIGTERM', () => {
  it('lets the API finish a waiting Update, refuse new requests, then exit 0', async () => {
    const app = await connected('ops-drain-api');
    const before = await stack.zoom.stats();
    // Zoom takes 8 s to mint: the regenerate Update is still waiting when the API is told to stop.
    await stack.zoom.injectFault({ kind: 'latency', latencyMs: 8000, clientId: app.clientId });
    let settled = false;
    const regenerating = call('POST', '/events/ops-drain-api/zoom/token/regenerate').finally(() => {
      settled = true;
    });
    await untilZoomSees((stats) => stats.tokenRequests, before.tokenRequests + 1);

    const exited = stack.terminate('api');
    let fresh = await freshRequestOutcome();
    for (let polls = 0; fresh === 200 && polls < 100; polls++) {
      await delay(20);
      fresh = await freshRequestOutcome();
    }
    const stillWaiting = !settled;
    const answer = await regenerating;
    const exit = await exited;
    await stack.restart('api');

    expect(stillWaiting).toBe(true);
    expect(fresh === 'refused' || fresh === 503).toBe(true);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'active', tokensMinted: 2 });
    expect(exit).toStrictEqual({ code: 0, signal: null });
    expect(readFileSync(join(stack.logDir, 'api.log'), 'utf8')).toContain('"msg":"api stopped"');
  });

  it('lets the worker finish an activity in flight and exit 0, losing nothing', async () => {
    const app = await connected('ops-drain-worker');
    await stack.zoom.createUser(app.accountId, {
      email: 'drain@example.com',
      firstName: 'Dee',
      lastName: 'Rain',
    });
    const host = await call('POST', '/events/ops-drain-worker/zoom/hosts', {
      firstName: 'Dee',
      lastName: 'Rain',
      email: 'drain@example.com',
      expectedAttendees: 10,
    });
    expect(host.status).toBe(201);
    const before = await stack.zoom.stats();
    // Zoom takes 3 s to create the meeting: the worker is told to stop while it does.
    await stack.zoom.injectFault({
      target: 'api',
      kind: 'latency',
      latencyMs: 3000,
      method: 'POST',
      path: '/v2/users/',
    });
    const saving = call('POST', '/events/ops-drain-worker/sessions', {
      title: 'Outlives a stop',
      startTime: '2027-06-01T10:00',
      timeZone: 'Europe/London',
      durationMinutes: 30,
      expectedAttendees: 10,
      stream: { source: 'zoom', kind: 'meeting', hostId: host.body.hostId },
    });
    await untilZoomSees(
      (stats) => endpointCalls(stats, MEETING_CREATE),
      endpointCalls(before, MEETING_CREATE) + 1,
    );

    const exit = await stack.terminate('worker');
    await stack.restart('worker');
    const answer = await saving;
    const after = await stack.zoom.stats();

    expect(exit).toStrictEqual({ code: 0, signal: null });
    expect(answer.status).toBe(201);
    const meetings = (await stack.zoom.meetings(app.accountId)).meetings;
    expect(meetings).toHaveLength(1);
    const session = answer.body.session as { zoom: { meetingId: string } };
    expect(session.zoom.meetingId).toBe(meetings[0]?.id);
    // The create finished on the stopping worker: no retry looked for the meeting or made another.
    expect(endpointCalls(after, MEETING_CREATE) - endpointCalls(before, MEETING_CREATE)).toBe(1);
    expect(endpointCalls(after, MEETING_LIST)).toBe(endpointCalls(before, MEETING_LIST));
    expect(readFileSync(join(stack.logDir, 'worker.log'), 'utf8')).toContain(
      '"msg":"worker stopped"',
    );
  });
});
