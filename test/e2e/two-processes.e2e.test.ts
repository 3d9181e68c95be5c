import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectLogs, findSecrets } from '../support/secret-scan.js';
import { startStack, type Stack } from '../support/stack.js';
import { createTestDatabase } from '../support/store-backends.js';

let stack: Stack;
let database: { url: string; drop(): Promise<void> };

beforeAll(async () => {
  database = await createTestDatabase();
  stack = await startStack({
    dir: mkdtempSync(join(tmpdir(), 'greenroom-e2e-two-')),
    workers: 2,
    apis: 2,
    databaseUrl: database.url,
  });
});

afterAll(async () => {
  await stack?.stop();
  await database?.drop();
});

const EVENT = '/events/two-processes-e2e';
const EMAILS = ['ann', 'ben', 'cat', 'dan'].map((name) => `${name}@two.example.com`);

/** The n-th request goes through the API processes in turn. */
const via = (n: number) => stack.apiVia(n % stack.apiUrls.length);

async function connectedEvent() {
  const app = await stack.zoom.createConnectableApp();
  const saved = await via(0)('PUT', `${EVENT}/zoom/credentials`, {
    accountId: app.accountId,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
  });
  expect(saved.status).toBe(200);
  const users: { id: string }[] = [];
  for (const email of EMAILS) {
    users.push(
      await stack.zoom.createUser(app.accountId, { email, firstName: 'T', lastName: 'W' }),
    );
  }

  return { app, users };
}

/** Adds, removes, session saves and regenerations of one event, spread over both APIs. */
function mixedRequests(users: { id: string }[], count: number) {
  const hostOf = (n: number) => users[n % users.length]?.id;
  const add = (n: number) =>
    via(n)('POST', `${EVENT}/zoom/hosts`, {
      firstName: 'T',
      lastName: 'W',
      email: EMAILS[n % EMAILS.length],
      expectedAttendees: 10,
    });
  const remove = (n: number) => via(n)('DELETE', `${EVENT}/zoom/hosts/${hostOf(n)}`);
  const save = (n: number) =>
    via(n)('POST', `${EVENT}/sessions`, {
      title: `Talk ${n}`,
      startTime: '2027-06-01T10:00',
      timeZone: 'UTC',
      durationMinutes: 30,
      expectedAttendees: 10,
      stream: { source: 'zoom', kind: 'meeting', hostId: hostOf(n) },
    });
  const regenerate = (n: number) => via(n)('POST', `${EVENT}/zoom/token/regenerate`);
  const kinds = [add, save, remove, regenerate, add, save];
  const chosen = Array.from({ length: count }, (_, n) => kinds[n % kinds.length] ?? add);

  return {
    sent: chosen.map((send, n) => send(n)),
    regenerates: chosen.filter((send) => send === regenerate).length,
  };
}

async function read<T>(path: string): Promise<T[]> {
  return (await via(1)<{ items: T[] }>('GET', path)).body.items;
}

/** How many workflow and activity tasks each worker (`pid@host`) ran, over every workflow. */
async function tasksByWorker(): Promise<Map<string, number>> {
  const tasks = new Map<string, number>();
  for await (const execution of stack.client.workflow.list()) {
    const handle = stack.client.workflow.getHandle(execution.workflowId, execution.runId);
    for (const event of (await handle.fetchHistory()).events ?? []) {
      const identity =
        event.activityTaskStartedEventAttributes?.identity ??
        event.workflowTaskStartedEventAttributes?.identity;
      if (identity) tasks.set(identity, (tasks.get(identity) ?? 0) + 1);
    }
  }

  return tasks;
}

describe('two workers and two APIs on one PostgreSQL store', () => {
  it('keep every invariant under 48 concurrent requests on one event', async () => {
    const { app, users } = await connectedEvent();
    const { sent, regenerates } = mixedRequests(users, 48);
    const answers = await Promise.all(sent);
    expect(answers.filter((answer) => answer.status >= 500)).toEqual([]);

    const hosts = await read<{ hostId: string }>(`${EVENT}/zoom/hosts?limit=100`);
    expect(new Set(hosts.map((host) => host.hostId)).size).toBe(hosts.length);
    const people = await read<{ email: string }>(`${EVENT}/people`);
    expect(new Set(people.map((person) => person.email.toLowerCase())).size).toBe(people.length);
    const sessions = await read<{ zoom: { hostId: string; meetingId: string } | null }>(
      `${EVENT}/sessions?limit=100`,
    );
    const hostIds = new Set(hosts.map((host) => host.hostId));
    expect(sessions.filter((s) => s.zoom && !hostIds.has(s.zoom.hostId))).toEqual([]);

    // One meeting per session on Zoom, once the cleanup deleted those of saves that lost a race.
    const expected = sessions.flatMap((session) => (session.zoom ? [session.zoom.meetingId] : []));
    const onZoom = async () => (await stack.zoom.meetings(app.accountId)).meetings.map((m) => m.id);
    for (let tries = 0; tries < 60 && (await onZoom()).length !== expected.length; tries += 1) {
      await delay(500);
    }
    expect((await onZoom()).sort()).toEqual(expected.sort());
    expect(new Set(expected).size).toBe(expected.length);

    // One token lifecycle: one running integration, active, and regenerates through either API
    // share mints (single-flight in the one workflow): never more than one each, plus the first.
    const status = await via(1)('GET', `${EVENT}/zoom`);
    expect(status.body).toMatchObject({ status: 'active', token: { expired: false } });
    const integration = stack.client.workflow.getHandle('zoom-integration:two-processes-e2e');
    expect((await integration.describe()).status.name).toBe('RUNNING');
    expect((await stack.zoom.tokens(app.clientId)).length).toBeLessThanOrEqual(regenerates + 1);
  });

  it('carries on with the second worker once the first stops', async () => {
    const workers = [stack.pid('worker'), stack.pid('worker-2')];
    await stack.stop('worker');
    const regenerated = await via(1)('POST', `${EVENT}/zoom/token/regenerate`);
    expect(regenerated.status).toBe(200);

    const tasks = await tasksByWorker();
    const pids = [...tasks.keys()].map((identity) => Number(identity.split('@')[0]));
    expect(pids.sort()).toEqual(workers.sort());
  });

  it('never logs the database password', () => {
    const password = decodeURIComponent(new URL(database.url).password);
    expect(findSecrets(collectLogs(stack.logDir), [password || 'no password'])).toEqual([]);
  });
});
