import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ dir: mkdtempSync(join(tmpdir(), 'greenroom-e2e-faults-')) });
});

afterAll(async () => {
  await stack?.stop();
});

const call = (method: string, path: string, body?: unknown) =>
  stack.api<Record<string, unknown>>(method, path, body);

describe('faults survived on the real dev server', () => {
  it('saves a session once when the worker dies while Zoom creates its meeting', async () => {
    const app = await stack.connect('faults-e2e-1');
    await stack.zoom.createUser(app.accountId, {
      email: 'kay@example.com',
      firstName: 'Kay',
      lastName: 'K',
    });
    const host = await call('POST', '/events/faults-e2e-1/zoom/hosts', {
      firstName: 'Kay',
      lastName: 'K',
      email: 'kay@example.com',
      expectedAttendees: 10,
    });
    expect(host.status).toBe(201);
    // Zoom takes a second to create; the worker dies while it does, so the answer is lost.
    await stack.zoom.injectFault({
      target: 'api',
      kind: 'latency',
      latencyMs: 1000,
      method: 'POST',
      path: '/v2/users/',
    });
    const saving = call('POST', '/events/faults-e2e-1/sessions', {
      title: 'Survives a crash',
      startTime: '2027-06-01T10:00',
      timeZone: 'Europe/London',
      durationMinutes: 30,
      expectedAttendees: 10,
      stream: { source: 'zoom', kind: 'meeting', hostId: host.body.hostId },
    });
    await delay(500);
    await stack.kill('worker');
    await stack.restart('worker');

    const answer = await saving;
    expect(answer.status).toBe(201);
    const meetings = (await stack.zoom.meetings(app.accountId)).meetings;
    expect(meetings).toHaveLength(1);
    const session = answer.body.session as { zoom: { meetingId: string } };
    expect(session.zoom.meetingId).toBe(meetings[0]?.id);
  });
});

describe('the worker killed in the middle of other work', () => {
  async function crashWorkerDuring<T>(work: Promise<T>): Promise<T> {
    await delay(500);
    await stack.kill('worker');
    await stack.restart('worker');
    return work;
  }

  it('adds a host once when the worker dies while Zoom looks the user up', async () => {
    const app = await stack.connect('faults-e2e-host');
    await stack.zoom.createUser(app.accountId, {
      email: 'lee@example.com',
      firstName: 'L',
      lastName: 'E',
    });
    await stack.zoom.injectFault({
      target: 'api',
      kind: 'latency',
      latencyMs: 1000,
      method: 'GET',
      path: '/v2/users/',
    });
    const body = { firstName: 'L', lastName: 'E', email: 'lee@example.com', expectedAttendees: 5 };
    const added = await crashWorkerDuring(call('POST', '/events/faults-e2e-host/zoom/hosts', body));
    // A slow restart (a loaded machine) may outlast the answer's deadline: 503, retryable, and
    // the Update still runs once the worker is back.
    expect([200, 201, 503]).toContain(added.status);
    const hosts = async () =>
      (await call('GET', '/events/faults-e2e-host/zoom/hosts')).body.items as unknown[];
    for (let tries = 0; tries < 60 && (await hosts()).length === 0; tries += 1) await delay(500);
    expect(await hosts()).toHaveLength(1);
  });

  it('stores one token when the worker dies while Zoom mints it', async () => {
    const app = await stack.connect('faults-e2e-mint');
    const before = (await stack.zoom.tokens(app.clientId)).length;
    await stack.zoom.injectFault({
      target: 'token',
      kind: 'latency',
      latencyMs: 1000,
      clientId: app.clientId,
    });
    const regenerated = await crashWorkerDuring(
      call('POST', '/events/faults-e2e-mint/zoom/token/regenerate'),
    );
    expect([200, 503]).toContain(regenerated.status);
    let status = await call('GET', '/events/faults-e2e-mint/zoom');
    for (let tries = 0; tries < 40 && status.body.status !== 'active'; tries += 1) {
      await delay(500);
      status = await call('GET', '/events/faults-e2e-mint/zoom');
    }
    expect(status.body).toMatchObject({ status: 'active', token: { expired: false } });
    // The interrupted mint plus the retried one; never a storm.
    expect((await stack.zoom.tokens(app.clientId)).length - before).toBeLessThanOrEqual(2);
  });
});

describe('the API killed during an Update', () => {
  /** Sends a change with an Idempotency-Key; a connection the dying API cuts answers null. */
  async function sendOnce(method: string, path: string, key: string, body?: unknown) {
    try {
      const response = await fetch(`${stack.apiUrl}${path}`, {
        method,
        headers: {
          ...stack.apiHeaders,
          'idempotency-key': key,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return {
        status: response.status,
        replayed: response.headers.get('idempotent-replayed') === 'true',
        body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
      };
    } catch {
      return null;
    }
  }

  async function killApiDuring<T>(work: Promise<T>): Promise<T> {
    await delay(500);
    await stack.kill('api');
    const cut = await work;
    await stack.restart('api');
    return cut;
  }

  it('answers a same-key retry with the first result, adding the host once', async () => {
    const event = '/events/faults-e2e-api-host';
    const app = await stack.connect('faults-e2e-api-host');
    await stack.zoom.createUser(app.accountId, {
      email: 'max@example.com',
      firstName: 'M',
      lastName: 'X',
    });
    await stack.zoom.injectFault({
      target: 'api',
      kind: 'latency',
      latencyMs: 1500,
      method: 'GET',
      path: '/v2/users/',
    });
    const body = { firstName: 'M', lastName: 'X', email: 'max@example.com', expectedAttendees: 5 };
    const cut = await killApiDuring(sendOnce('POST', `${event}/zoom/hosts`, 'add-max-1', body));
    expect(cut).toBeNull();

    // The workflow finished the Update meanwhile; the retry attaches to it: 201, not "exists".
    const retried = await sendOnce('POST', `${event}/zoom/hosts`, 'add-max-1', body);
    expect(retried).toMatchObject({ status: 201, replayed: false });
    const again = await sendOnce('POST', `${event}/zoom/hosts`, 'add-max-1', body);
    expect(again).toMatchObject({ status: 201, replayed: true, body: retried?.body });
    const other = await sendOnce('POST', `${event}/zoom/hosts`, 'add-max-1', {
      ...body,
      expectedAttendees: 6,
    });
    expect(other).toMatchObject({
      status: 422,
      body: { error: { code: 'idempotency_key_reused' } },
    });
    const hosts = (await call('GET', `${event}/zoom/hosts`)).body.items as unknown[];
    expect(hosts).toHaveLength(1);
  });

  it('makes one session and one meeting for a create retried after the API died', async () => {
    const event = '/events/faults-e2e-api-session';
    const app = await stack.connect('faults-e2e-api-session');
    await stack.zoom.createUser(app.accountId, {
      email: 'sam@example.com',
      firstName: 'S',
      lastName: 'M',
    });
    const host = await call('POST', `${event}/zoom/hosts`, {
      firstName: 'S',
      lastName: 'M',
      email: 'sam@example.com',
      expectedAttendees: 10,
    });
    await stack.zoom.injectFault({
      target: 'api',
      kind: 'latency',
      latencyMs: 1500,
      method: 'POST',
      path: '/v2/users/',
    });
    const body = {
      title: 'Retried keynote',
      startTime: '2027-06-01T10:00',
      timeZone: 'UTC',
      durationMinutes: 30,
      expectedAttendees: 10,
      stream: { source: 'zoom', kind: 'meeting', hostId: host.body.hostId },
    };
    const cut = await killApiDuring(sendOnce('POST', `${event}/sessions`, 'save-1', body));
    expect(cut).toBeNull();

    const retried = await sendOnce('POST', `${event}/sessions`, 'save-1', body);
    expect(retried).toMatchObject({ status: 201, body: { session: { title: 'Retried keynote' } } });
    const sessions = (await call('GET', `${event}/sessions`)).body.items as unknown[];
    expect(sessions).toHaveLength(1);
    expect((await stack.zoom.meetings(app.accountId)).meetings).toHaveLength(1);
  });

  it('mints once for a regenerate retried with the same key after the API died', async () => {
    const event = '/events/faults-e2e-api-mint';
    const app = await stack.connect('faults-e2e-api-mint');
    const before = (await stack.zoom.tokens(app.clientId)).length;
    await stack.zoom.injectFault({
      target: 'token',
      kind: 'latency',
      latencyMs: 1500,
      clientId: app.clientId,
    });
    const path = `${event}/zoom/token/regenerate`;
    expect(await killApiDuring(sendOnce('POST', path, 'regen-1'))).toBeNull();

    const retried = await sendOnce('POST', path, 'regen-1');
    expect(retried).toMatchObject({ status: 200, body: { status: 'active' } });
    expect(await sendOnce('POST', path, 'regen-1')).toMatchObject({ status: 200, replayed: true });
    expect((await stack.zoom.tokens(app.clientId)).length - before).toBe(1);
  });
});

describe('Temporal hung (stopped, its port still open)', () => {
  it('answers workflow_unavailable and keeps /metrics and /readyz answering', async () => {
    await stack.connect('faults-e2e-hung');
    const pid = stack.pid('temporal');
    if (pid === undefined) throw new Error('no Temporal process');
    process.kill(pid, 'SIGSTOP');
    try {
      const [status, regenerate, metrics, ready] = await Promise.all([
        call('GET', '/events/faults-e2e-hung/zoom'),
        call('POST', '/events/faults-e2e-hung/zoom/token/regenerate'),
        fetch(`${stack.apiUrl}/metrics`, { headers: stack.apiHeaders }),
        fetch(`${stack.apiUrl}/readyz`),
      ]);
      expect(status).toMatchObject({
        status: 503,
        body: { error: { code: 'workflow_unavailable' } },
      });
      expect(regenerate.status).toBe(503);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).not.toContain('greenroom_integrations{');
      expect(ready.status).toBe(503);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    expect((await call('GET', '/events/faults-e2e-hung/zoom')).status).toBe(200);
  });
});

describe('50 concurrent requests on one event', () => {
  it('keep every invariant: hosts, sessions, meetings and one token lifecycle', async () => {
    const event = '/events/busy-e2e';
    const app = await stack.connect('busy-e2e');
    const emails = ['ann', 'ben', 'cat', 'dan'].map((name) => `${name}@busy.example.com`);
    const users: { id: string }[] = [];
    for (const email of emails) {
      users.push(
        await stack.zoom.createUser(app.accountId, { email, firstName: 'B', lastName: 'Y' }),
      );
    }
    const add = (n: number) => () =>
      call('POST', `${event}/zoom/hosts`, {
        firstName: 'B',
        lastName: 'Y',
        email: emails[n % 4],
        expectedAttendees: 10,
      });
    const remove = (n: number) => () => call('DELETE', `${event}/zoom/hosts/${users[n % 4]?.id}`);
    const assign = (n: number) => () =>
      call('POST', `${event}/sessions`, {
        title: `Talk ${n}`,
        startTime: '2027-06-01T10:00',
        timeZone: 'UTC',
        durationMinutes: 30,
        expectedAttendees: 10,
        stream: { source: 'zoom', kind: 'meeting', hostId: users[n % 4]?.id },
      });
    const regenerate = () => () => call('POST', `${event}/zoom/token/regenerate`);
    const kinds = [add, remove, assign, regenerate, add];
    const requests = Array.from({ length: 50 }, (_, n) => (kinds[n % kinds.length] ?? add)(n));
    const answers = await Promise.all(requests.map((send) => send()));
    expect(answers.filter((answer) => answer.status >= 500)).toEqual([]);

    const hosts = (await call('GET', `${event}/zoom/hosts?limit=100`)).body.items as {
      hostId: string;
      personId: string;
    }[];
    expect(new Set(hosts.map((host) => host.hostId)).size).toBe(hosts.length);
    const people = (await call('GET', `${event}/people`)).body.items as { email: string }[];
    expect(new Set(people.map((person) => person.email.toLowerCase())).size).toBe(people.length);
    const sessions = (await call('GET', `${event}/sessions?limit=100`)).body.items as {
      zoom: { hostId: string; meetingId: string } | null;
    }[];
    const hostIds = new Set(hosts.map((host) => host.hostId));
    for (const session of sessions) {
      if (session.zoom) expect(hostIds.has(session.zoom.hostId)).toBe(true);
    }
    // Meetings made for saves that lost to a removal are deleted by the cleanup, shortly after.
    const expected = sessions.flatMap((session) => (session.zoom ? [session.zoom.meetingId] : []));
    const onZoom = async () => (await stack.zoom.meetings(app.accountId)).meetings.map((m) => m.id);
    for (let tries = 0; tries < 40 && (await onZoom()).length !== expected.length; tries += 1) {
      await delay(500);
    }
    expect((await onZoom()).sort()).toEqual(expected.sort());
    const status = await call('GET', `${event}/zoom`);
    expect(status.body).toMatchObject({ status: 'active', token: { expired: false } });
    // Ten regenerates at once share mints: never more mints than requests.
    expect((await stack.zoom.tokens(app.clientId)).length).toBeLessThanOrEqual(11);
  });
});

describe('a Temporal dev server restarted on its data file', () => {
  let short: Stack;

  beforeAll(async () => {
    // Eight-second tokens: a refresh every six seconds shows the schedule running.
    short = await startStack({
      dir: mkdtempSync(join(tmpdir(), 'greenroom-e2e-restart-')),
      tokenTtlSeconds: 8,
    });
  });

  afterAll(async () => {
    await short?.stop();
  });

  it('lets every integration resume its token schedule', async () => {
    const app = await short.zoom.createConnectableApp();
    const connect = await fetch(`${short.apiUrl}/events/restart-e2e/zoom/credentials`, {
      method: 'PUT',
      headers: { ...short.apiHeaders, 'content-type': 'application/json' },
      body: JSON.stringify({
        accountId: app.accountId,
        clientId: app.clientId,
        clientSecret: app.clientSecret,
      }),
    });
    expect(connect.status).toBe(200);

    await short.restart('temporal');
    const mintedBefore = (await short.zoom.tokens(app.clientId)).length;
    await delay(15_000);

    expect((await short.zoom.tokens(app.clientId)).length).toBeGreaterThan(mintedBefore);
    const status = await fetch(`${short.apiUrl}/events/restart-e2e/zoom`, {
      headers: short.apiHeaders,
    });
    expect(await status.json()).toMatchObject({ status: 'active', token: { expired: false } });
  });
});
