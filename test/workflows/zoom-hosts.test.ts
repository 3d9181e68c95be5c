import { describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../common/durations.js';
import { integrationWorkflowId } from '../../common/task-queues.js';
import {
  addHost,
  disableIntegration,
  removeHost,
  type AddHostRequest,
  type zoomIntegrationWorkflow,
} from '../../workflows/zoom-integration-workflow.js';
import { connectEvent } from '../support/integrations.js';
import { sessionStreamingThrough, stopStreaming } from '../support/sessions.js';
import { SETTINGS, useTimeSkippingHarness } from '../support/workflow-harness.js';
import type { ZoomUserInput } from '../support/zoom-control.js';

const harness = useTimeSkippingHarness();
let eventCounter = 0;

const ADA: ZoomUserInput = { email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' };

/** A connected event whose Zoom account holds the given users. */
async function eventWithUsers(...users: ZoomUserInput[]) {
  const { env, zoom, store } = harness();
  const app = await zoom.createConnectableApp();
  const zoomUsers = [];
  for (const user of users) zoomUsers.push(await zoom.createUser(app.accountId, user));
  const eventId = `hosts-${Date.now()}-${++eventCounter}`;
  await connectEvent(env.client, store, eventId, app, SETTINGS);
  const handle = env.client.workflow.getHandle<typeof zoomIntegrationWorkflow>(
    integrationWorkflowId(eventId),
  );
  const add = (request: Partial<AddHostRequest> = {}) =>
    handle.executeUpdate(addHost, {
      args: [
        { firstName: 'Ada', lastName: 'L.', email: ADA.email, expectedAttendees: 50, ...request },
      ],
    });

  return { env, zoom, store, app, eventId, handle, add, zoomUsers };
}

describe('host management through the integration workflow', () => {
  describe('when the user is active and licensed', () => {
    it('adds the host under Zoom’s id and canonical email, once', async () => {
      const { add, store, eventId, zoomUsers } = await eventWithUsers(ADA);
      const first = await add({ email: 'ADA@Example.COM' });
      expect(first).toMatchObject({
        ok: true,
        created: true,
        host: { hostId: zoomUsers[0]?.id, email: 'ada@example.com', zoomState: 'licensed' },
      });
      const again = await add();
      expect(again).toMatchObject({ ok: true, created: false });
      expect((await store.listHosts(eventId, 10, null)).items).toHaveLength(1);
    });

    it('matches an existing person of the event whatever the email’s case', async () => {
      const { add, store, eventId } = await eventWithUsers(ADA);
      const person = await store.createPerson({
        eventId,
        firstName: 'Augusta Ada',
        lastName: 'King',
        email: 'Ada@Example.com',
      });
      const answer = await add();
      expect(answer.ok && answer.host.personId).toBe(person === 'duplicate' ? '' : person.id);
      expect(await store.listPeople(eventId)).toHaveLength(1);
    });
  });

  describe('when Zoom rules the user out', () => {
    const cases: [string, Partial<ZoomUserInput>, string][] = [
      ['pending', { status: 'pending' }, 'zoom_user_not_eligible'],
      ['deactivated', { status: 'inactive' }, 'zoom_user_not_eligible'],
      ['without a licence', { type: 1 }, 'zoom_user_not_eligible'],
    ];
    for (const [situation, user, code] of cases) {
      it(`refuses a user who is ${situation}, pointing to User Management`, async () => {
        const { add, store, eventId } = await eventWithUsers({ ...ADA, ...user });
        const answer = await add();
        expect(answer).toMatchObject({ ok: false, error: { code } });
        expect(!answer.ok && answer.error.message).toContain('User Management');
        expect((await store.listHosts(eventId, 10, null)).items).toHaveLength(0);
      });
    }

    it('refuses an email that is no user of the account', async () => {
      const { add } = await eventWithUsers();
      expect(await add()).toMatchObject({ ok: false, error: { code: 'zoom_user_not_found' } });
    });

    it('refuses a user of another Zoom account', async () => {
      const { add } = await eventWithUsers();
      const other = await harness().zoom.createAccount();
      await harness().zoom.createUser(other.id, ADA);
      expect(await add()).toMatchObject({ ok: false, error: { code: 'zoom_user_not_found' } });
    });
  });

  describe('when the expected attendees exceed every capacity', () => {
    it('refuses, and accepts once a larger capacity covers them', async () => {
      const settings = { meetingCapacity: 100, largeMeeting: true, largeMeetingCapacity: 500 };
      const { add } = await eventWithUsers({ ...ADA, settings });
      expect(await add({ expectedAttendees: 501 })).toMatchObject({
        ok: false,
        error: { code: 'host_capacity_exceeded', details: { largestCapacity: 500 } },
      });
      expect(await add({ expectedAttendees: 500 })).toMatchObject({ ok: true });
    });
  });

  describe('when the event has no valid token', () => {
    it('answers token_expired while the integration needs the organiser', async () => {
      const { add, zoom, app, env, store, eventId } = await eventWithUsers(ADA);
      await zoom.regenerateSecret(app.clientId);
      await env.sleep(HOUR_MS);
      expect(await add()).toMatchObject({ ok: false, error: { code: 'token_expired' } });
      expect((await store.listHosts(eventId, 10, null)).items).toHaveLength(0);
    });

    it('still removes a host, as removing calls no Zoom API', async () => {
      const { add, zoom, app, env, handle } = await eventWithUsers(ADA);
      const added = await add();
      await zoom.regenerateSecret(app.clientId);
      await env.sleep(HOUR_MS);
      const hostId = added.ok ? added.host.hostId : '';
      expect(await handle.executeUpdate(removeHost, { args: [{ hostId }] })).toEqual({ ok: true });
    });

    it('answers integration_disabled while disabled', async () => {
      const { add, handle } = await eventWithUsers(ADA);
      await handle.executeUpdate(disableIntegration);
      expect(await add()).toMatchObject({ ok: false, error: { code: 'integration_disabled' } });
    });
  });

  describe('when Zoom rejects the token during the child', () => {
    it('mints once and retries the call once', async () => {
      const { add, zoom, app } = await eventWithUsers(ADA);
      // Deactivating revokes the live token; re-activating lets the integration mint again.
      await zoom.deactivate(app.clientId);
      await zoom.activate(app.clientId);
      expect(await add()).toMatchObject({ ok: true, created: true });
      expect(await zoom.tokens(app.clientId)).toHaveLength(2);
    });
  });

  describe('when Zoom rate-limits a call', () => {
    it('waits for Retry-After and adds the host', async () => {
      const { add, zoom } = await eventWithUsers(ADA);
      await zoom.injectFault({ target: 'api', kind: 'rate_limit', retryAfter: { seconds: 1 } });
      await zoom.injectFault({ target: 'api', kind: 'rate_limit', retryAfter: null });
      const started = Date.now();
      expect(await add()).toMatchObject({ ok: true, created: true });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    });
  });

  describe('when Zoom is unreachable', () => {
    it('answers a retryable zoom_unavailable and writes nothing', async () => {
      const { add, zoom, store, eventId } = await eventWithUsers(ADA);
      await zoom.injectFault({ target: 'api', kind: 'status', status: 503, count: 10 });
      expect(await add()).toMatchObject({
        ok: false,
        error: { code: 'zoom_unavailable', retryable: true },
      });
      await zoom.clearFaults();
      expect((await store.listHosts(eventId, 10, null)).items).toHaveLength(0);
    });
  });

  describe('when a host is removed', () => {
    it('refuses while sessions map it, listing them, and removes it once free', async () => {
      const { add, handle, store, eventId } = await eventWithUsers(ADA);
      const added = await add();
      const hostId = added.ok ? added.host.hostId : '';
      const { sessionId } = await sessionStreamingThrough(store, eventId, hostId);
      const session = { id: sessionId, title: 'Opening keynote' };

      const refused = await handle.executeUpdate(removeHost, { args: [{ hostId }] });
      expect(refused).toMatchObject({
        ok: false,
        error: { code: 'host_in_use', details: { sessions: [session] } },
      });
      expect(!refused.ok && refused.error.message).toContain('Opening keynote');

      await stopStreaming(store, eventId, sessionId);
      expect(await handle.executeUpdate(removeHost, { args: [{ hostId }] })).toEqual({ ok: true });
      expect(await handle.executeUpdate(removeHost, { args: [{ hostId }] })).toMatchObject({
        ok: false,
        error: { code: 'host_not_found' },
      });
    });
  });
});
