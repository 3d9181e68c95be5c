import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { collectHistories, collectLogs, findSecrets } from '../support/secret-scan.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ dir: mkdtempSync(join(tmpdir(), 'greenroom-e2e-sessions-')) });
});

afterAll(async () => {
  await stack?.stop();
});

interface Session {
  id: string;
  stream: { source: string; kind?: string; hostId?: string | null };
  zoom: { kind: string; meetingId: string; hostId: string; joinUrl: string } | null;
  revision: number;
}

interface Body {
  [field: string]: unknown;
  session?: Session;
  notices?: { code: string }[];
  startUrl?: string;
  error?: { code: string; message: string; details?: Record<string, unknown> };
}

const call = (method: string, path: string, body?: unknown) => stack.api<Body>(method, path, body);

/** An event connected to a fresh Zoom account; hosts are added for each user given. */
async function connectedEvent(eventId: string, hostNames: string[]) {
  const app = await stack.connect(eventId);
  const hosts: string[] = [];
  for (const name of hostNames) {
    const email = `${name}@${eventId}.example.com`;
    await stack.zoom.createUser(app.accountId, {
      email,
      firstName: name,
      lastName: 'Host',
      settings: { webinar: true, webinarCapacity: 500 },
    });
    const added = await call('POST', `/events/${eventId}/zoom/hosts`, {
      firstName: name,
      lastName: 'Host',
      email,
      expectedAttendees: 100,
    });
    expect(added.status).toBe(201);
    hosts.push(String(added.body.hostId));
  }

  return { app, hosts, meetings: async () => (await stack.zoom.meetings(app.accountId)).meetings };
}

const plan = (title: string) => ({
  title,
  startTime: '2027-05-10T14:00',
  timeZone: 'America/New_York',
  durationMinutes: 45,
  expectedAttendees: 80,
});

/** Polls until the check passes: Zoom deletions run in the integration, after the answer. */
async function eventually(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await delay(200);
  }
}

const startLinks: string[] = [];

describe('sessions streamed through Zoom over HTTP', () => {
  it('creates, updates, moves, turns off and deletes a session’s meeting', async () => {
    const { hosts, meetings } = await connectedEvent('sessions-e2e-1', ['ada', 'bob']);
    const [ada, bob] = hosts;
    const base = '/events/sessions-e2e-1/sessions';
    const created = await call('POST', base, {
      ...plan('Keynote'),
      stream: { source: 'zoom', kind: 'meeting', hostId: ada },
    });
    expect(created).toMatchObject({ status: 201, body: { notices: [] } });
    const session = created.body.session as Session;
    expect(session.zoom).toMatchObject({ kind: 'meeting', hostId: ada });
    expect(await meetings()).toMatchObject([
      { id: session.zoom?.meetingId, start_time: '2027-05-10T18:00:00Z', duration: 45 },
    ]);

    const link = await call('GET', `${base}/${session.id}/zoom/start-url`);
    expect(link.status).toBe(200);
    expect(link.body.startUrl).toContain(String(session.zoom?.meetingId));
    startLinks.push(String(link.body.startUrl));

    const renamed = await call('PUT', `${base}/${session.id}`, {
      ...plan('Keynote, renamed'),
      stream: { source: 'zoom', kind: 'meeting', hostId: ada },
    });
    expect(renamed.body.session?.zoom?.meetingId).toBe(session.zoom?.meetingId);
    expect(await meetings()).toMatchObject([{ topic: 'Keynote, renamed' }]);

    const moved = await call('PUT', `${base}/${session.id}/stream`, {
      stream: { source: 'zoom', kind: 'webinar', hostId: bob },
    });
    expect(moved.body.session?.zoom).toMatchObject({ kind: 'webinar', hostId: bob });
    await eventually(async () => (await meetings()).length === 1);
    expect(await meetings()).toMatchObject([{ kind: 'webinar', host_id: bob }]);

    // The host-removal rule holds with real sessions: the refusal names the session.
    const blocked = await call('DELETE', `/events/sessions-e2e-1/zoom/hosts/${bob}`);
    expect(blocked).toMatchObject({
      status: 409,
      body: { error: { code: 'host_in_use', details: { sessions: [{ id: session.id }] } } },
    });

    const off = await call('PUT', `${base}/${session.id}/stream`, { stream: { source: 'off' } });
    expect(off).toMatchObject({ status: 200, body: { session: { zoom: null } } });
    await eventually(async () => (await meetings()).length === 0);
    expect((await call('DELETE', `/events/sessions-e2e-1/zoom/hosts/${bob}`)).status).toBe(204);
    expect((await call('DELETE', `${base}/${session.id}`)).status).toBe(204);
    expect((await call('GET', `${base}/${session.id}`)).status).toBe(404);
  });

  it('saves a Zoom session without a link and asks for hosts when the event has none', async () => {
    await connectedEvent('sessions-e2e-2', []);
    const created = await call('POST', '/events/sessions-e2e-2/sessions', {
      ...plan('Workshop'),
      stream: { source: 'zoom', kind: 'webinar' },
    });
    expect(created).toMatchObject({
      status: 201,
      body: {
        session: { stream: { source: 'zoom', kind: 'webinar', hostId: null }, zoom: null },
        notices: [{ code: 'zoom_hosts_needed' }],
      },
    });
  });

  it('deletes a session’s meeting on Zoom after the session is deleted', async () => {
    const { hosts, meetings } = await connectedEvent('sessions-e2e-3', ['cy']);
    const created = await call('POST', '/events/sessions-e2e-3/sessions', {
      ...plan('Panel'),
      stream: { source: 'zoom', kind: 'meeting', hostId: hosts[0] },
    });
    expect(await meetings()).toHaveLength(1);
    const id = String(created.body.session?.id);
    expect((await call('DELETE', `/events/sessions-e2e-3/sessions/${id}`)).status).toBe(204);
    await eventually(async () => (await meetings()).length === 0);
  });

  it('answers all 30 saves sent at once, past Temporal’s 10 Updates in flight', async () => {
    const { hosts, meetings } = await connectedEvent('sessions-e2e-4', ['dee', 'eve']);
    const saves = Array.from({ length: 30 }, (_, n) =>
      call('POST', '/events/sessions-e2e-4/sessions', {
        ...plan(`Talk ${n}`),
        stream: { source: 'zoom', kind: 'meeting', hostId: hosts[n % 2] },
      }),
    );
    const answers = await Promise.all(saves);
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 201));
    const ids = (await meetings()).map((meeting) => meeting.id);
    expect(new Set(ids).size).toBe(30);
  });

  it('creates a programme of 60 sessions in one batch, one meeting each', async () => {
    const { hosts, meetings } = await connectedEvent('sessions-e2e-5', ['fay', 'gil', 'hal']);
    const sessions = Array.from({ length: 60 }, (_, n) => ({
      ...plan(`Batch talk ${n}`),
      stream: { source: 'zoom', kind: 'meeting', hostId: hosts[n % 3] },
    }));
    const answer = await call('POST', '/events/sessions-e2e-5/sessions/batch', { sessions });
    expect(answer.status).toBe(200);
    const results = answer.body.results as { ok: boolean }[];
    expect(results.filter((result) => result.ok)).toHaveLength(60);
    expect(new Set((await meetings()).map((meeting) => meeting.id)).size).toBe(60);
  });

  it('keeps start links and meeting passcodes out of histories and logs', async () => {
    expect(startLinks.length).toBeGreaterThan(0);
    const secrets = startLinks.flatMap((url) => {
      const { searchParams } = new URL(url);
      return [url, searchParams.get('zak') ?? url];
    });
    const evidence = [...(await collectHistories(stack.client)), ...collectLogs(stack.logDir)];
    expect(evidence.filter((piece) => piece.name.includes('session-sync')).length).toBeGreaterThan(
      2,
    );
    expect(findSecrets(evidence, secrets)).toEqual([]);
    const mentions = evidence.filter((piece) =>
      /start_url|pwd=|"password"|joinUrl|join_url/.test(piece.text),
    );
    expect(mentions.map((piece) => piece.name)).toEqual([]);
  });
});
