import type { FastifyInstance } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import type { SaveZoomSessionRequest } from '../../../workflows/zoom-integration-workflow.js';
import { tokenExpiredError } from '../../../workflows/zoom-integration/outcomes.js';
import { commitMeeting, licensedHost, PLAN } from '../../support/sessions.js';
import {
  activeView,
  credentialsPayload,
  fakeGateway,
  mintingGateway,
  NOW_MS,
  useApi,
} from '../harness.js';

const SESSIONS = '/events/evt-1/sessions';
const BODY = {
  title: 'Opening keynote',
  startTime: '2027-03-01T09:30',
  timeZone: 'Europe/Berlin',
  durationMinutes: 60,
  expectedAttendees: 50,
};
interface Saved {
  session: { id: string; zoom: { joinUrl: string } | null };
}
interface ErrorBody {
  error: { code: string; message: string };
}

const ZOOM = { source: 'zoom', kind: 'meeting', hostId: 'host-a' } as const;

/** Creates a session streaming through Zoom under host-a; answers its id. */
async function createStreaming(app: FastifyInstance): Promise<string> {
  const created = await app.inject({
    method: 'POST',
    url: SESSIONS,
    payload: { ...BODY, stream: ZOOM },
  });
  return created.json<Saved>().session.id;
}

describe('session routes', () => {
  const api = useApi();

  const addHost = () => licensedHost(api.store, 'evt-1', 'host-a');

  /** Plays the workflow's part: commits a meeting under the host, as a session sync does. */
  function syncingGateway(overrides = {}) {
    const saves: SaveZoomSessionRequest[] = [];
    const requestMeetingCleanup = vi.fn(() => Promise.resolve());
    const gateway = fakeGateway({
      async saveZoomSession(_eventId, request) {
        saves.push(request);
        const existing = await api.store.readSession('evt-1', request.sessionId);
        if (!existing) {
          await api.store.saveSessionLocally({ ...request, stream: { source: 'off' } });
        }
        const revision = (await api.store.readSession('evt-1', request.sessionId))?.revision ?? 1;
        const result = await commitMeeting(
          api.store,
          'evt-1',
          request.sessionId,
          request.hostId,
          revision,
        );
        if (result.kind !== 'committed') throw new Error('commit lost');
        const meetingId = result.session.zoom?.meetingId ?? '';
        return { ok: true, revision: result.session.revision, meetingId, replacedMeeting: false };
      },
      requestMeetingCleanup,
      read: () => Promise.resolve({ source: 'workflow', view: activeView() }),
      ...overrides,
    });
    return { gateway, saves, requestMeetingCleanup };
  }

  describe('when a session streams nowhere', () => {
    it('saves it with the UTC instant of its local start time', async () => {
      const app = await api.app(fakeGateway());
      const response = await app.inject({ method: 'POST', url: SESSIONS, payload: BODY });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({
        session: {
          title: 'Opening keynote',
          startTime: '2027-03-01T09:30',
          startUtc: '2027-03-01T08:30:00.000Z',
          stream: { source: 'off' },
          zoom: null,
          revision: 1,
        },
        notices: [],
      });
      const list = await app.inject({ method: 'GET', url: `${SESSIONS}?limit=1` });
      expect(list.json()).toMatchObject({
        items: [{ title: 'Opening keynote' }],
        nextCursor: null,
      });
    });

    it('names the field of a bad time zone, an impossible date or an unknown key', async () => {
      const app = await api.app(fakeGateway());
      const cases = [
        [{ ...BODY, timeZone: 'Mars/Olympus' }, 'body.timeZone'],
        [{ ...BODY, startTime: '2027-02-30T09:30' }, 'body.startTime'],
        [{ ...BODY, startTime: '2027-03-01T09:30+01:00' }, 'body.startTime'],
        [{ ...BODY, durationMinutes: 0 }, 'body.durationMinutes'],
        [{ ...BODY, title: '' }, 'body.title'],
        [{ ...BODY, title: 'Keynote\u202Eetoneyk' }, 'body.title'],
        [{ ...BODY, title: 'Key\u2028note' }, 'body.title'],
        [{ ...BODY, timeZone: 'EST' }, 'body.timeZone'],
        [{ ...BODY, startTime: '9999-12-31T23:59' }, 'body.startTime'],
        [{ ...BODY, startTime: '1900-01-01T09:00' }, 'body.startTime'],
      ] as const;
      for (const [payload, field] of cases) {
        const response = await app.inject({ method: 'POST', url: SESSIONS, payload });
        expect(response.statusCode).toBe(400);
        expect(response.json()).toMatchObject({ error: { code: 'validation_failed' } });
        expect(response.json<ErrorBody>().error.message).toContain(field);
      }
      expect((await api.store.listSessions('evt-1', 10, null)).items).toEqual([]);
    });
  });

  describe('when the time zone is written in another case', () => {
    it('keeps the zone’s own spelling', async () => {
      const app = await api.app(fakeGateway());
      const payload = { ...BODY, timeZone: 'europe/berlin' };
      const response = await app.inject({ method: 'POST', url: SESSIONS, payload });
      expect(response.json<{ session: { timeZone: string } }>().session.timeZone).toBe(
        'Europe/Berlin',
      );
    });
  });

  describe('when Zoom is chosen and the event has no hosts', () => {
    it('saves the session without a Zoom link and asks for host licences', async () => {
      const app = await api.app(fakeGateway());
      const payload = { ...BODY, stream: { source: 'zoom', kind: 'webinar' } };
      const response = await app.inject({ method: 'POST', url: SESSIONS, payload });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({
        session: { stream: { source: 'zoom', kind: 'webinar', hostId: null }, zoom: null },
        notices: [{ code: 'zoom_hosts_needed' }],
      });
    });
  });

  describe('when Zoom is chosen with a host', () => {
    it('saves through the workflow and answers the meeting with its join link', async () => {
      await addHost();
      const { gateway, saves } = syncingGateway();
      const app = await api.app(gateway);
      const response = await app.inject({
        method: 'POST',
        url: SESSIONS,
        payload: { ...BODY, stream: ZOOM },
      });
      expect(response.statusCode).toBe(201);
      expect(response.json<Saved>().session.zoom).toMatchObject({
        kind: 'meeting',
        hostId: 'host-a',
      });
      expect(response.json<Saved>().session.zoom?.joinUrl).toMatch(/^https:\/\//);
      expect(saves).toMatchObject([
        {
          kind: 'meeting',
          hostId: 'host-a',
          expectedRevision: null,
          plan: { startUtcMs: Date.UTC(2027, 2, 1, 8, 30), timeZone: 'Europe/Berlin' },
        },
      ]);
    });

    it('requires a host while the event has some', async () => {
      await addHost();
      const app = await api.app(fakeGateway());
      const payload = { ...BODY, stream: { source: 'zoom', kind: 'meeting' } };
      const response = await app.inject({ method: 'POST', url: SESSIONS, payload });
      expect(response.statusCode).toBe(400);
      expect(response.json<ErrorBody>().error.message).toContain('body.stream.hostId');
    });

    it('answers a daily limit with 429 and Retry-After at the reset', async () => {
      await addHost();
      const error = {
        ...tokenExpiredError(NOW_MS),
        code: 'zoom_daily_limit_reached' as const,
        details: { resetsAt: '2027-03-02T00:00:00.000Z' },
      };
      const refuse = () => Promise.resolve({ ok: false as const, error });
      const app = await api.app(fakeGateway({ saveZoomSession: refuse }));
      const response = await app.inject({
        method: 'POST',
        url: SESSIONS,
        payload: { ...BODY, stream: ZOOM },
      });
      expect(response.statusCode).toBe(429);
      expect(response.headers['retry-after']).toBe('Tue, 02 Mar 2027 00:00:00 GMT');
    });

    it('answers the workflow’s refusal and saves nothing', async () => {
      await addHost();
      const refuse = () =>
        Promise.resolve({ ok: false as const, error: tokenExpiredError(NOW_MS) });
      const app = await api.app(fakeGateway({ saveZoomSession: refuse }));
      const response = await app.inject({
        method: 'POST',
        url: SESSIONS,
        payload: { ...BODY, stream: ZOOM },
      });
      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ error: { code: 'token_expired' } });
      expect((await api.store.listSessions('evt-1', 10, null)).items).toEqual([]);
    });
  });

  describe('when a create is sent again with the same Idempotency-Key', () => {
    const sendThreeAtOnce = async (url: string, payload: Record<string, unknown>) => {
      const app = await api.app(fakeGateway());
      const send = () =>
        app.inject({ method: 'POST', url, payload, headers: { 'idempotency-key': 'dup-1' } });
      return Promise.all([send(), send(), send()]);
    };

    it('makes one session, and every attempt answers it', async () => {
      const answers = await sendThreeAtOnce(SESSIONS, BODY);
      const ids = answers.map((answer) => answer.json<Saved>().session.id);

      expect(answers.map((answer) => answer.statusCode)).toStrictEqual([201, 201, 201]);
      expect(new Set(ids).size).toBe(1);
      expect((await api.store.listSessions('evt-1', 10, null)).items).toHaveLength(1);
    });

    it('makes each session of a batch once', async () => {
      const answers = await sendThreeAtOnce(`${SESSIONS}/batch`, { sessions: [BODY, BODY] });

      expect(answers.map((answer) => answer.statusCode)).toStrictEqual([200, 200, 200]);
      expect((await api.store.listSessions('evt-1', 10, null)).items).toHaveLength(2);
    });
  });

  describe('when many sessions are created in one batch', () => {
    it('saves local ones here, the rest in one Update, answering each in order', async () => {
      await addHost();
      const batches: number[] = [];
      const gateway = fakeGateway({
        saveZoomSessions(_eventId, requests) {
          batches.push(requests.length);
          return Promise.resolve({
            results: requests.map(() => ({ ok: false, error: tokenExpiredError(NOW_MS) })),
          });
        },
      });
      const app = await api.app(gateway);
      const response = await app.inject({
        method: 'POST',
        url: `${SESSIONS}/batch`,
        payload: { sessions: [{ ...BODY, stream: ZOOM }, BODY, { ...BODY, stream: ZOOM }] },
      });
      expect(response.statusCode).toBe(200);
      expect(batches).toEqual([2]);
      expect(response.json()).toMatchObject({
        results: [
          { index: 0, ok: false, error: { code: 'token_expired' } },
          { index: 1, ok: true, session: { stream: { source: 'off' } } },
          { index: 2, ok: false, error: { code: 'token_expired' } },
        ],
      });
    });

    it('takes 200 sessions with the longest titles, beyond the usual body limit', async () => {
      const app = await api.app(fakeGateway());
      const sessions = Array.from({ length: 200 }, () => ({ ...BODY, title: 'T'.repeat(200) }));
      const response = await app.inject({
        method: 'POST',
        url: `${SESSIONS}/batch`,
        payload: { sessions },
      });
      expect(response.statusCode).toBe(200);
      expect(response.json<{ results: unknown[] }>().results).toHaveLength(200);
    });

    it('refuses the whole batch when one session is invalid, naming its index', async () => {
      await addHost();
      const app = await api.app(fakeGateway());
      const sessions = [BODY, { ...BODY, startTime: '2027-02-30T09:00', stream: ZOOM }];
      const response = await app.inject({
        method: 'POST',
        url: `${SESSIONS}/batch`,
        payload: { sessions },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json<ErrorBody>().error.message).toContain('body.sessions.1.startTime');
      expect((await api.store.listSessions('evt-1', 10, null)).items).toEqual([]);
    });
  });

  describe('when streaming is turned off or the session deleted', () => {
    async function streamingSession() {
      await addHost();
      const fixture = syncingGateway();
      const app = await api.app(fixture.gateway);
      const created = await app.inject({
        method: 'POST',
        url: SESSIONS,
        payload: { ...BODY, stream: ZOOM },
      });
      return { app, ...fixture, id: created.json<Saved>().session.id };
    }

    it('turns it off at once and asks the integration to delete the meeting', async () => {
      const { app, id, requestMeetingCleanup } = await streamingSession();
      const response = await app.inject({
        method: 'PUT',
        url: `${SESSIONS}/${id}/stream`,
        payload: { stream: { source: 'off' } },
      });
      expect(response.statusCode).toBe(200);
      expect(response.json<Saved>().session).toMatchObject({
        stream: { source: 'off' },
        zoom: null,
      });
      expect(requestMeetingCleanup).toHaveBeenCalledWith('evt-1');
      expect(await api.store.listMeetingDeletions('evt-1', 10)).toHaveLength(1);
    });

    it('deletes the session and its meeting, then answers 404 for it', async () => {
      const { app, id, requestMeetingCleanup } = await streamingSession();
      const deleted = await app.inject({ method: 'DELETE', url: `${SESSIONS}/${id}` });
      expect(deleted.statusCode).toBe(204);
      expect(requestMeetingCleanup).toHaveBeenCalledOnce();
      const again = await app.inject({ method: 'DELETE', url: `${SESSIONS}/${id}` });
      expect(again.json()).toMatchObject({ error: { code: 'session_not_found' } });
      expect((await app.inject({ method: 'GET', url: `${SESSIONS}/${id}` })).statusCode).toBe(404);
    });

    it('refuses a save over a newer revision', async () => {
      const { app, id } = await streamingSession();
      const response = await app.inject({
        method: 'PUT',
        url: `${SESSIONS}/${id}`,
        payload: { ...BODY, revision: 1 },
      });
      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ error: { code: 'session_changed' } });
    });
  });

  describe('when the event is connected again after releasing meetings', () => {
    it('nudges the new integration to delete them on Zoom', async () => {
      await api.store.saveSessionLocally({
        eventId: 'evt-1',
        sessionId: 's-1',
        plan: PLAN,
        stream: { source: 'off' },
        expectedRevision: null,
      });
      await addHost();
      await commitMeeting(api.store, 'evt-1', 's-1', 'host-a', 1);
      await api.store.deleteSession('evt-1', 's-1');
      const requestMeetingCleanup = vi.fn(() => Promise.resolve());
      const app = await api.app({ ...mintingGateway(api.store), requestMeetingCleanup });
      const saved = await app.inject({
        method: 'PUT',
        url: '/events/evt-1/zoom/credentials',
        payload: credentialsPayload(),
      });
      expect(saved.statusCode).toBe(200);
      expect(requestMeetingCleanup).toHaveBeenCalledWith('evt-1');
    });
  });

  describe('when the start link is asked for', () => {
    it('fetches it from Zoom each time and tells caches to keep it', async () => {
      await addHost();
      const { gateway } = syncingGateway();
      const fetchStartLink = vi.fn(() =>
        Promise.resolve({ startUrl: 'https://zoom.example/s/1?zak=secret', expiresAtMs: NOW_MS }),
      );
      const app = await api.app(gateway, fetchStartLink);
      const url = `${SESSIONS}/${await createStreaming(app)}/zoom/start-url`;
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.json()).toEqual({
        startUrl: 'https://zoom.example/s/1?zak=secret',
        expiresAt: new Date(NOW_MS).toISOString(),
      });
      expect(fetchStartLink).toHaveBeenCalledOnce();
      // Fetched, answered and forgotten: the store never holds the start link.
      const stored = JSON.stringify(await api.store.listSessions('evt-1', 10, null));
      expect(stored).not.toContain('zak=');
    });

    it('answers zoom_meeting_missing for a session without a meeting', async () => {
      const app = await api.app(fakeGateway());
      const created = await app.inject({ method: 'POST', url: SESSIONS, payload: BODY });
      const url = `${SESSIONS}/${created.json<Saved>().session.id}/zoom/start-url`;
      const response = await app.inject({ method: 'GET', url });
      expect(response.json()).toMatchObject({ error: { code: 'zoom_meeting_missing' } });
    });

    it('refuses while the integration is disabled', async () => {
      await addHost();
      const disabled = {
        source: 'workflow',
        view: { ...activeView(), status: 'disabled' },
      } as const;
      const { gateway } = syncingGateway({ read: () => Promise.resolve(disabled) });
      const app = await api.app(gateway);
      const url = `${SESSIONS}/${await createStreaming(app)}/zoom/start-url`;
      const response = await app.inject({ method: 'GET', url });
      expect(response.json()).toMatchObject({ error: { code: 'integration_disabled' } });
    });
  });
});
