import { describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../../common/durations.js';
import { integrationWorkflowId } from '../../common/task-queues.js';
import type { SessionPlan } from '../../store/types.js';
import {
  addHost,
  importHosts,
  regenerateToken,
  requestMeetingCleanup,
  saveZoomSession,
  saveZoomSessions,
  type SaveZoomSessionRequest,
  type zoomIntegrationWorkflow,
} from '../../workflows/zoom-integration-workflow.js';
import { connectEvent } from '../support/integrations.js';
import { PLAN, stopStreaming } from '../support/sessions.js';
import { SETTINGS, useTimeSkippingHarness } from '../support/workflow-harness.js';

const harness = useTimeSkippingHarness();
let eventCounter = 0;

/** A connected event with two hosts: Ada can run webinars for 500, Bob only meetings. */
async function eventWithHosts() {
  const { env, zoom, store } = harness();
  const app = await zoom.createConnectableApp();
  const eventId = `sessions-${Date.now()}-${++eventCounter}`;
  const ada = await zoom.createUser(app.accountId, {
    email: `ada-${eventCounter}@example.com`,
    firstName: 'Ada',
    lastName: 'Lovelace',
    settings: { webinar: true, webinarCapacity: 500 },
  });
  const bob = await zoom.createUser(app.accountId, {
    email: `bob-${eventCounter}@example.com`,
    firstName: 'Bob',
    lastName: 'Babbage',
  });
  await connectEvent(env.client, store, eventId, app, SETTINGS);
  const handle = env.client.workflow.getHandle<typeof zoomIntegrationWorkflow>(
    integrationWorkflowId(eventId),
  );
  for (const user of [ada, bob]) {
    const added = await handle.executeUpdate(addHost, {
      args: [{ firstName: 'H', lastName: 'H', email: user.email, expectedAttendees: 10 }],
    });
    expect(added.ok).toBe(true);
  }
  let sessions = 0;
  const newSessionId = () => `${eventId}-session-${(sessions += 1)}`;
  const save = (request: Partial<SaveZoomSessionRequest> & { sessionId: string }) =>
    handle.executeUpdate(saveZoomSession, {
      args: [
        {
          eventId,
          plan: PLAN,
          kind: 'meeting',
          hostId: ada.id,
          expectedRevision: null,
          ...request,
        },
      ],
    });
  const meetingsOnZoom = async () => (await zoom.meetings(app.accountId)).meetings;

  return { env, zoom, store, app, eventId, handle, ada, bob, newSessionId, save, meetingsOnZoom };
}

type Fixture = Awaited<ReturnType<typeof eventWithHosts>>;

/** Creates a session streaming through a meeting under Ada; answers its id and revision. */
async function streamingSession(fixture: Fixture, plan: SessionPlan = PLAN) {
  const sessionId = fixture.newSessionId();
  const saved = await fixture.save({ sessionId, plan });
  if (!saved.ok) throw new Error(`save refused: ${JSON.stringify(saved.error)}`);
  return { sessionId, revision: saved.revision, meetingId: saved.meetingId };
}

/** Waits, in workflow time, for the integration to delete released meetings on Zoom. */
async function letCleanupRun(fixture: Fixture, minutes = 1) {
  await fixture.env.sleep(minutes * MINUTE_MS);
}

describe('sessions streamed through Zoom by the integration workflow', () => {
  describe('when a session is saved with Zoom streaming', () => {
    it('creates the meeting under the host in UTC and keeps its id and join link', async () => {
      const fixture = await eventWithHosts();
      const { sessionId, meetingId } = await streamingSession(fixture);

      const [meeting] = await fixture.meetingsOnZoom();
      expect(meeting).toMatchObject({
        kind: 'meeting',
        id: meetingId,
        host_id: fixture.ada.id,
        topic: PLAN.title,
        start_time: '2027-03-01T08:30:00Z',
        duration: 60,
      });
      const session = await fixture.store.readSession(fixture.eventId, sessionId);
      expect(session?.zoom).toMatchObject({ kind: 'meeting', meetingId, hostId: fixture.ada.id });
      expect(session?.zoom?.joinUrl).toBe(meeting?.join_url);
    });

    it('updates the same meeting on a later save', async () => {
      const fixture = await eventWithHosts();
      const { sessionId, revision, meetingId } = await streamingSession(fixture);
      const plan = { ...PLAN, title: 'Renamed keynote', durationMinutes: 90 };

      const saved = await fixture.save({ sessionId, plan, expectedRevision: revision });
      expect(saved).toMatchObject({ ok: true, meetingId, replacedMeeting: false });
      expect(await fixture.meetingsOnZoom()).toMatchObject([
        { id: meetingId, topic: 'Renamed keynote', duration: 90 },
      ]);
    });

    it('creates a webinar under a host with the webinar feature', async () => {
      const fixture = await eventWithHosts();
      const sessionId = fixture.newSessionId();
      const plan = { ...PLAN, expectedAttendees: 400 };
      expect(await fixture.save({ sessionId, plan, kind: 'webinar' })).toMatchObject({ ok: true });
      expect(await fixture.meetingsOnZoom()).toMatchObject([{ kind: 'webinar' }]);
    });
  });

  describe('when the host was imported without its capacities', () => {
    it('reads them from Zoom once, keeps them and checks the session against them', async () => {
      const fixture = await eventWithHosts();
      const carol = await fixture.zoom.createUser(fixture.app.accountId, {
        email: `carol-${eventCounter}@example.com`,
        firstName: 'Carol',
        lastName: 'Shaw',
        settings: { meetingCapacity: 100 },
      });
      expect(await fixture.handle.executeUpdate(importHosts)).toMatchObject({ ok: true });
      expect(await fixture.store.readHost(fixture.eventId, carol.id)).toMatchObject({
        capacity: 0,
      });

      const tooMany = { ...PLAN, expectedAttendees: 101 };
      const refused = await fixture.save({
        sessionId: fixture.newSessionId(),
        hostId: carol.id,
        plan: tooMany,
      });
      expect(refused).toMatchObject({ ok: false, error: { code: 'host_capacity_exceeded' } });
      expect(await fixture.store.readHost(fixture.eventId, carol.id)).toMatchObject({
        capacity: 100,
      });
      const saved = await fixture.save({ sessionId: fixture.newSessionId(), hostId: carol.id });
      expect(saved).toMatchObject({ ok: true });
    });
  });

  describe('when a programme is saved in one batch', () => {
    it('runs a child per session at once and answers each in order', async () => {
      const fixture = await eventWithHosts();
      const request = (n: number, hostId: string, expectedAttendees = 50) => ({
        eventId: fixture.eventId,
        sessionId: fixture.newSessionId(),
        plan: { ...PLAN, title: `Talk ${n}`, expectedAttendees },
        kind: 'meeting' as const,
        hostId,
        expectedRevision: null,
      });
      const sessions = [
        request(1, fixture.ada.id),
        request(2, fixture.bob.id),
        request(3, fixture.ada.id, 301),
        request(4, fixture.bob.id),
      ];
      const answer = await fixture.handle.executeUpdate(saveZoomSessions, { args: [{ sessions }] });

      expect(answer.results.map((result) => result.ok)).toEqual([true, true, false, true]);
      expect(answer.results[2]).toMatchObject({ error: { code: 'host_capacity_exceeded' } });
      expect((await fixture.meetingsOnZoom()).map((m) => m.topic).sort()).toEqual([
        'Talk 1',
        'Talk 2',
        'Talk 4',
      ]);
    });

    it('begins no save whose caller will have stopped waiting', async () => {
      const fixture = await eventWithHosts();
      const answerByMs = (await fixture.env.currentTimeMs()) + 5_000;
      const saved = await fixture.save({ sessionId: fixture.newSessionId(), answerByMs });
      expect(saved).toMatchObject({ ok: false, error: { code: 'event_busy', retryable: true } });
      expect(await fixture.meetingsOnZoom()).toEqual([]);
    });
  });

  describe('when the host cannot take the session', () => {
    it('refuses a webinar under a host without the feature, changing nothing', async () => {
      const fixture = await eventWithHosts();
      const sessionId = fixture.newSessionId();
      const saved = await fixture.save({ sessionId, kind: 'webinar', hostId: fixture.bob.id });
      expect(saved).toMatchObject({ ok: false, error: { code: 'zoom_webinar_not_enabled' } });
      expect(await fixture.store.readSession(fixture.eventId, sessionId)).toBeNull();
      expect(await fixture.meetingsOnZoom()).toEqual([]);
    });

    it('refuses more expected attendees than the host can take in that kind', async () => {
      const fixture = await eventWithHosts();
      const plan = { ...PLAN, expectedAttendees: 301 };
      const saved = await fixture.save({ sessionId: fixture.newSessionId(), plan });
      expect(saved).toMatchObject({
        ok: false,
        error: { code: 'host_capacity_exceeded', details: { capacity: 300, expected: 301 } },
      });
      expect(await fixture.meetingsOnZoom()).toEqual([]);
    });

    it('refuses once the host’s daily budget of creates and updates is spent', async () => {
      const fixture = await eventWithHosts();
      const today = new Date().toISOString().slice(0, 10);
      for (let write = 0; write < 100; write += 1) {
        await fixture.store.reserveHostDailyWrite(
          fixture.app.accountId,
          fixture.ada.id,
          today,
          100,
        );
      }
      const saved = await fixture.save({ sessionId: fixture.newSessionId() });
      expect(saved).toMatchObject({ ok: false, error: { code: 'zoom_daily_limit_reached' } });
      const resetsAt = !saved.ok ? String(saved.error.details?.resetsAt) : '';
      const tomorrow = new Date(Date.parse(today) + 24 * 60 * MINUTE_MS).toISOString();
      expect(resetsAt).toBe(tomorrow);
      expect(!saved.ok && saved.error.message).toContain(tomorrow);
      expect(await fixture.meetingsOnZoom()).toEqual([]);
    });
  });

  describe('when Zoom itself refuses with its daily limit', () => {
    it('answers when the limit resets instead of retrying, and releases nothing', async () => {
      const fixture = await eventWithHosts();
      await fixture.zoom.injectFault({
        target: 'api',
        kind: 'rate_limit',
        retryAfter: { date: true },
        method: 'POST',
        path: '/v2/users/',
      });
      const saved = await fixture.save({ sessionId: fixture.newSessionId() });
      expect(saved).toMatchObject({ ok: false, error: { code: 'zoom_daily_limit_reached' } });
      expect(!saved.ok && String(saved.error.details?.resetsAt)).toMatch(/T00:00:00.000Z$/);
      expect(await fixture.meetingsOnZoom()).toEqual([]);
      expect(await fixture.store.listMeetingDeletions(fixture.eventId, 10)).toEqual([]);
    });
  });

  describe('when the event has no valid token', () => {
    it('fails with token_expired and changes nothing, on Zoom or here', async () => {
      const fixture = await eventWithHosts();
      await fixture.zoom.deactivate(fixture.app.clientId);
      await fixture.handle.executeUpdate(regenerateToken);

      const sessionId = fixture.newSessionId();
      const saved = await fixture.save({ sessionId });
      expect(saved).toMatchObject({ ok: false, error: { code: 'token_expired' } });
      expect(await fixture.store.readSession(fixture.eventId, sessionId)).toBeNull();
      expect(await fixture.meetingsOnZoom()).toEqual([]);
    });

    it('turns streaming off here at once and deletes on Zoom once a token is valid', async () => {
      const fixture = await eventWithHosts();
      const { sessionId } = await streamingSession(fixture);
      await fixture.zoom.deactivate(fixture.app.clientId);
      await fixture.handle.executeUpdate(regenerateToken);

      expect(await stopStreaming(fixture.store, fixture.eventId, sessionId)).toMatchObject({
        kind: 'saved',
        meetingReleased: true,
      });
      await fixture.handle.signal(requestMeetingCleanup);
      await letCleanupRun(fixture);
      expect(await fixture.meetingsOnZoom()).toHaveLength(1);

      await fixture.zoom.activate(fixture.app.clientId);
      expect(await fixture.handle.executeUpdate(regenerateToken)).toMatchObject({ ok: true });
      await expectEverythingDeleted(fixture);
    });
  });

  describe('when the session moves to another host', () => {
    it('creates under the new host, switches, and only then deletes the old meeting', async () => {
      const fixture = await eventWithHosts();
      const { sessionId, revision, meetingId } = await streamingSession(fixture);

      const moved = await fixture.save({
        sessionId,
        hostId: fixture.bob.id,
        expectedRevision: revision,
      });
      expect(moved).toMatchObject({ ok: true, replacedMeeting: true });
      const session = await fixture.store.readSession(fixture.eventId, sessionId);
      expect(session?.zoom?.hostId).toBe(fixture.bob.id);
      await letCleanupRun(fixture);
      const left = await fixture.meetingsOnZoom();
      expect(left.map((m) => [m.id, m.host_id])).toEqual([
        [session?.zoom?.meetingId, fixture.bob.id],
      ]);
      expect(left.map((m) => m.id)).not.toContain(meetingId);
    });

    it('keeps the old meeting when Zoom refuses the create under the new host', async () => {
      const fixture = await eventWithHosts();
      const { sessionId, revision, meetingId } = await streamingSession(fixture);
      await fixture.zoom.injectFault({
        target: 'api',
        kind: 'status',
        status: 400,
        method: 'POST',
        path: '/v2/users/',
      });

      const moved = await fixture.save({
        sessionId,
        hostId: fixture.bob.id,
        expectedRevision: revision,
      });
      expect(moved).toMatchObject({ ok: false, error: { code: 'zoom_refused' } });
      const session = await fixture.store.readSession(fixture.eventId, sessionId);
      expect(session?.zoom).toMatchObject({ meetingId, hostId: fixture.ada.id });
      expect((await fixture.meetingsOnZoom()).map((m) => m.id)).toEqual([meetingId]);
    });

    it('retries a create that Zoom failed with 5xx and makes one meeting', async () => {
      const fixture = await eventWithHosts();
      const { sessionId, revision } = await streamingSession(fixture);
      const fault = {
        target: 'api',
        kind: 'status',
        status: 503,
        method: 'POST',
        path: '/v2/users/',
      };
      await fixture.zoom.injectFault({ ...fault, count: 2 });

      const moved = await fixture.save({
        sessionId,
        hostId: fixture.bob.id,
        expectedRevision: revision,
      });
      expect(moved).toMatchObject({ ok: true, replacedMeeting: true });
      await letCleanupRun(fixture);
      expect((await fixture.meetingsOnZoom()).map((m) => m.host_id)).toEqual([fixture.bob.id]);
    });

    it('releases the new meeting when the session changed before the switch', async () => {
      const fixture = await eventWithHosts();
      const { sessionId, revision, meetingId } = await streamingSession(fixture);
      // Zoom is slow to create; the organiser turns streaming off meanwhile.
      await fixture.zoom.injectFault({
        target: 'api',
        kind: 'latency',
        latencyMs: 1500,
        method: 'POST',
        path: '/v2/users/',
      });
      const moving = fixture.save({
        sessionId,
        hostId: fixture.bob.id,
        expectedRevision: revision,
      });
      await new Promise((done) => setTimeout(done, 500));
      await stopStreaming(fixture.store, fixture.eventId, sessionId);

      expect(await moving).toMatchObject({ ok: false, error: { code: 'session_changed' } });
      await fixture.handle.signal(requestMeetingCleanup);
      await letCleanupRun(fixture);
      expect(await fixture.meetingsOnZoom()).toEqual([]);
      expect((await fixture.store.readSession(fixture.eventId, sessionId))?.zoom).toBeNull();
      expect(meetingId).toBeTruthy();
    });

    it('deletes the meeting of a session deleted while Zoom was creating it', async () => {
      const fixture = await eventWithHosts();
      const sessionId = fixture.newSessionId();
      await fixture.store.saveSessionLocally({
        eventId: fixture.eventId,
        sessionId,
        plan: PLAN,
        stream: { source: 'off' },
        expectedRevision: null,
      });
      await fixture.zoom.injectFault({
        target: 'api',
        kind: 'latency',
        latencyMs: 1500,
        method: 'POST',
        path: '/v2/users/',
      });
      const saving = fixture.save({ sessionId, expectedRevision: 1 });
      await new Promise((done) => setTimeout(done, 500));
      // No meeting yet, so the API would send no nudge: the save's own outcome must do it.
      expect(await fixture.store.deleteSession(fixture.eventId, sessionId)).toEqual({
        meetingReleased: false,
      });

      expect(await saving).toMatchObject({ ok: false, error: { code: 'session_changed' } });
      await expectEverythingDeleted(fixture);
    });

    it('keeps the session on the new meeting while deleting the old is retried', async () => {
      const fixture = await eventWithHosts();
      const { sessionId, revision, meetingId } = await streamingSession(fixture);
      await fixture.zoom.injectFault({
        target: 'api',
        kind: 'status',
        status: 503,
        count: 3,
        method: 'DELETE',
        path: '/v2/meetings/',
      });

      const moved = await fixture.save({
        sessionId,
        hostId: fixture.bob.id,
        expectedRevision: revision,
      });
      expect(moved).toMatchObject({ ok: true, replacedMeeting: true });
      await letCleanupRun(fixture, 0.1);
      const session = await fixture.store.readSession(fixture.eventId, sessionId);
      expect(session?.zoom?.hostId).toBe(fixture.bob.id);
      expect((await fixture.meetingsOnZoom()).map((m) => m.id)).toContain(meetingId);

      await letCleanupRun(fixture, 10);
      expect((await fixture.meetingsOnZoom()).map((m) => m.id)).toEqual([session?.zoom?.meetingId]);
    });
  });

  describe('when the session is deleted', () => {
    it('deletes the meeting on Zoom, and a meeting already gone there is no error', async () => {
      const fixture = await eventWithHosts();
      const first = await streamingSession(fixture);
      const second = await streamingSession(fixture);
      await deleteOnZoom(fixture, second.meetingId);

      for (const { sessionId } of [first, second]) {
        expect(await fixture.store.deleteSession(fixture.eventId, sessionId)).toEqual({
          meetingReleased: true,
        });
      }
      await fixture.handle.signal(requestMeetingCleanup);
      await expectEverythingDeleted(fixture);
    });
  });

  describe('when Zoom rate-limits or rejects the token', () => {
    it('waits out per-second 429s and still saves', async () => {
      const fixture = await eventWithHosts();
      const limit = { target: 'api', kind: 'rate_limit', method: 'POST', path: '/v2/users/' };
      await fixture.zoom.injectFault({ ...limit, retryAfter: { seconds: 1 } });
      await fixture.zoom.injectFault({ ...limit, retryAfter: null });
      expect(await fixture.save({ sessionId: fixture.newSessionId() })).toMatchObject({ ok: true });
      expect(await fixture.meetingsOnZoom()).toHaveLength(1);
    });

    it('mints once and retries when Zoom rejects the token', async () => {
      const fixture = await eventWithHosts();
      await fixture.zoom.deactivate(fixture.app.clientId);
      await fixture.zoom.activate(fixture.app.clientId);
      expect(await fixture.save({ sessionId: fixture.newSessionId() })).toMatchObject({ ok: true });
      expect(await fixture.zoom.tokens(fixture.app.clientId)).toHaveLength(2);
    });
  });

  describe('when a create reached Zoom, its answer was lost and Zoom then failed', () => {
    it('answers unavailable, then finds and deletes the meeting nobody owns', async () => {
      const fixture = await eventWithHosts();
      const base = { target: 'api', method: 'POST', path: '/v2/users/' };
      await fixture.zoom.injectFault({ ...base, kind: 'lose_answer' });
      await fixture.zoom.injectFault({
        ...base,
        kind: 'status',
        status: 503,
        count: 50,
        method: 'GET',
      });
      const saved = await fixture.save({ sessionId: fixture.newSessionId() });
      expect(saved).toMatchObject({ ok: false, error: { code: 'zoom_unavailable' } });
      expect(await fixture.meetingsOnZoom()).toHaveLength(1);

      await fixture.zoom.clearFaults();
      await letCleanupRun(fixture, 5);
      expect(await fixture.meetingsOnZoom()).toEqual([]);
      expect(await fixture.store.listMeetingDeletions(fixture.eventId, 10)).toEqual([]);
    });
  });

  describe('when an earlier create reached Zoom but its answer was lost', () => {
    it('finds the tagged meeting instead of creating a second one', async () => {
      const fixture = await eventWithHosts();
      await fixture.zoom.injectFault({
        target: 'api',
        kind: 'lose_answer',
        method: 'POST',
        path: '/v2/users/',
      });
      const sessionId = fixture.newSessionId();
      const saved = await fixture.save({ sessionId });
      expect(saved).toMatchObject({ ok: true });
      const meetings = await fixture.meetingsOnZoom();
      expect(meetings).toHaveLength(1);
      expect(meetings[0]?.id).toBe(saved.ok ? saved.meetingId : '');
      const session = await fixture.store.readSession(fixture.eventId, sessionId);
      expect(session?.zoom?.joinUrl).toBe(meetings[0]?.join_url);
      // The retry looked through the host's meetings: the answer really was lost.
      const calls = (await fixture.zoom.stats()).apiCallsByEndpoint;
      expect(calls['GET /v2/users/:userId/meetings']).toBeGreaterThanOrEqual(1);
    });
  });
});

/** Lets the cleanup run, then expects Zoom to hold no meeting and nothing left to delete. */
async function expectEverythingDeleted(fixture: Fixture): Promise<void> {
  await letCleanupRun(fixture);
  expect(await fixture.meetingsOnZoom()).toEqual([]);
  expect(await fixture.store.listMeetingDeletions(fixture.eventId, 10)).toEqual([]);
}

/** Deletes a meeting behind Greenroom's back, as an organiser might in Zoom's own UI. */
async function deleteOnZoom(fixture: Fixture, meetingId: string): Promise<void> {
  const token = await fixture.store.readActiveToken(fixture.eventId);
  const response = await fetch(`${fixture.zoom.baseUrl}/v2/meetings/${meetingId}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${token?.accessToken ?? ''}` },
  });
  expect(response.status).toBe(204);
}
