import { describe, expect, it } from 'vitest';
import { HOUR_MS, MINUTE_MS } from '../../common/durations.js';
import { REFUSAL_CAUSE_ATTRIBUTE, STATUS_ATTRIBUTE } from '../../common/search-attributes.js';
import { ORGANISER_CHECKS } from '../../common/status.js';
import type { GreenroomStore } from '../../store/types.js';
import { integrationWorkflowId } from '../../common/task-queues.js';
import {
  disableIntegration,
  disconnectIntegration,
  enableIntegration,
  regenerateToken,
  type IntegrationSettings,
  type zoomIntegrationWorkflow,
} from '../../workflows/zoom-integration-workflow.js';
import { connectEvent, saveNewCredentials, statusOf } from '../support/integrations.js';
import { SETTINGS, useTimeSkippingHarness } from '../support/workflow-harness.js';

const harness = useTimeSkippingHarness();
let eventCounter = 0;

/** Token refresh period with 1-hour tokens and the default 5-minute margin. */
const CYCLE_MS = 55 * MINUTE_MS;
const expectedMints = (spanMs: number) => 1 + Math.floor(spanMs / CYCLE_MS);

/** A new Zoom app and an event connected to it, ready for each scenario. */
async function connectNewEvent(settings: IntegrationSettings = SETTINGS) {
  const { env, zoom, store } = harness();
  const app = await zoom.createConnectableApp();
  const eventId = `evt-${Date.now()}-${++eventCounter}`;
  const connected = await connectEvent(env.client, store, eventId, app, settings);
  const handle = env.client.workflow.getHandle<typeof zoomIntegrationWorkflow>(
    integrationWorkflowId(eventId),
  );
  const status = () => statusOf(env.client, eventId);

  return { env, zoom, store, app, eventId, connected, handle, status };
}

describe('zoomIntegrationWorkflow', () => {
  describe('with healthy credentials', () => {
    it('mints one token per cycle for 48 hours and is never without a valid token', async () => {
      const { env, zoom, app, connected, status } = await connectNewEvent();
      expect(connected.ok).toBe(true);
      await env.sleep(48 * HOUR_MS);

      const view = await status();
      expect(view.status).toBe('active');
      expect(view.mintCount).toBe(expectedMints(48 * HOUR_MS));
      const coverage = await zoom.coverage(await env.currentTimeMs());
      const ours = coverage.apps.find((entry) => entry.clientId === app.clientId);
      expect(ours?.tokens).toBe(expectedMints(48 * HOUR_MS));
      expect(ours?.expiredMs).toBe(0);
    });
  });

  describe('when the client secret is regenerated in Zoom', () => {
    it('pauses for the organiser with cause and checks, resumes on new credentials', async () => {
      const { env, zoom, store, app, eventId, handle, status } = await connectNewEvent();
      const newSecret = await zoom.regenerateSecret(app.clientId);
      await env.sleep(HOUR_MS);

      const paused = await status();
      expect(paused.status).toBe('needs_organiser');
      expect(paused.lastError).toMatchObject({
        code: 'zoom_credentials_refused',
        cause: 'invalid_client',
      });
      expect(paused.lastError?.checks).toEqual([...ORGANISER_CHECKS]);
      const attributes = (await handle.describe()).typedSearchAttributes;
      expect(attributes.get(REFUSAL_CAUSE_ATTRIBUTE)).toBe('invalid_client');
      expect(attributes.get(STATUS_ATTRIBUTE)).toBe('needs_organiser');

      const fixed = { ...app, clientSecret: newSecret };
      const resumed = await saveNewCredentials(env.client, store, eventId, fixed);
      expect(resumed).toMatchObject({ ok: true, view: { status: 'active', lastError: null } });
      expect((await handle.describe()).typedSearchAttributes.get(REFUSAL_CAUSE_ATTRIBUTE)).toBe(
        undefined,
      );
    });
  });

  describe('when the status changes', () => {
    /** The event's feed once the integration has written what it decided (it does so apart). */
    async function feedOf(store: GreenroomStore, eventId: string, expected: number) {
      let items = await store.listNotifications({ afterSeq: 0, limit: 100, eventId });
      for (let tries = 0; tries < 50 && items.length < expected; tries += 1) {
        await new Promise((done) => setTimeout(done, 100));
        items = await store.listNotifications({ afterSeq: 0, limit: 100, eventId });
      }
      return items.map(({ type, payload }) => ({ type, ...payload }));
    }

    it('tells the platform of a pause with its cause and of the recovery, each once', async () => {
      const { env, zoom, store, app, eventId } = await connectNewEvent();
      const newSecret = await zoom.regenerateSecret(app.clientId);
      await env.sleep(HOUR_MS);
      await saveNewCredentials(env.client, store, eventId, { ...app, clientSecret: newSecret });

      expect(await feedOf(store, eventId, 5)).toMatchObject([
        { type: 'integration.credentials_saved', clientId: app.clientId },
        { type: 'integration.status_changed', status: 'active', previousStatus: null },
        {
          type: 'integration.status_changed',
          status: 'needs_organiser',
          previousStatus: 'active',
          cause: 'invalid_client',
        },
        { type: 'integration.credentials_saved', clientId: app.clientId },
        { type: 'integration.status_changed', status: 'active', previousStatus: 'needs_organiser' },
      ]);
    });

    it('tells of degraded, whether the token expired, and of the recovery', async () => {
      const { env, zoom, store, app, eventId } = await connectNewEvent();
      await zoom.injectFault({
        kind: 'status',
        status: 503,
        count: 100_000,
        clientId: app.clientId,
      });
      await env.sleep(3 * HOUR_MS);
      await zoom.clearFaults();
      await env.sleep(HOUR_MS);

      const changes = (await feedOf(store, eventId, 4)).filter(
        (each) => each.type === 'integration.status_changed',
      );
      expect(changes).toMatchObject([
        { status: 'active', previousStatus: null },
        { status: 'degraded', previousStatus: 'active', tokenExpired: false },
        { status: 'active', previousStatus: 'degraded', tokenExpired: false },
      ]);
    });
  });

  describe('when the app is deactivated and later re-activated', () => {
    it('recovers by itself through the slow re-checks', async () => {
      const { env, zoom, app, status } = await connectNewEvent();
      await zoom.deactivate(app.clientId);
      await env.sleep(HOUR_MS);
      expect(await status()).toMatchObject({
        status: 'needs_organiser',
        lastError: { cause: 'app_disabled' },
      });

      await zoom.activate(app.clientId);
      await env.sleep(2 * HOUR_MS);
      const recovered = await status();
      expect(recovered).toMatchObject({ status: 'active', lastError: null });
      expect(recovered.token?.expiresAtMs).toBeGreaterThan(await env.currentTimeMs());
    });
  });

  describe('when Zoom answers 5xx for five hours', () => {
    it('stays degraded without ever needing the organiser, then recovers alone', async () => {
      const { env, zoom, app, status } = await connectNewEvent();
      await zoom.injectFault({
        kind: 'status',
        status: 503,
        count: 100_000,
        clientId: app.clientId,
      });
      const seen = new Set<string>();
      for (let step = 0; step < 30; step += 1) {
        await env.sleep(10 * MINUTE_MS);
        seen.add((await status()).status);
      }
      expect([...seen].sort()).toEqual(['active', 'degraded']);
      expect((await status()).lastError).toMatchObject({
        code: 'zoom_unavailable',
        retryable: true,
      });

      await zoom.clearFaults();
      await env.sleep(10 * MINUTE_MS);
      expect(await status()).toMatchObject({ status: 'active', lastError: null });
    });
  });

  describe('when a run reaches its cycle budget', () => {
    it('continues as new carrying the token, counters and status', async () => {
      const { env, handle, status } = await connectNewEvent({
        ...SETTINGS,
        cyclesBeforeContinueAsNew: 2,
      });
      const firstRun = (await handle.describe()).runId;
      await env.sleep(5 * HOUR_MS);

      const view = await status();
      expect((await handle.describe()).runId).not.toBe(firstRun);
      expect(view.runsCompleted).toBeGreaterThanOrEqual(2);
      expect(view.mintCount).toBe(expectedMints(5 * HOUR_MS));
      expect(view.status).toBe('active');
    });
  });

  describe('when a run reaches its budget of Updates', () => {
    it('continues as new long before Temporal would refuse more, losing no answer', async () => {
      const { handle, status } = await connectNewEvent({
        ...SETTINGS,
        updatesBeforeContinueAsNew: 4,
      });
      const firstRun = (await handle.describe()).runId;
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => handle.executeUpdate(enableIntegration)),
      );

      expect(answers.every((answer) => answer.ok)).toBe(true);
      expect((await handle.describe()).runId).not.toBe(firstRun);
      expect((await status()).runsCompleted).toBeGreaterThanOrEqual(1);
    });
  });

  describe('when an organiser saves credentials Zoom refuses', () => {
    it('keeps the working integration untouched', async () => {
      const { env, store, app, eventId, connected, status } = await connectNewEvent();
      const wrong = { ...app, clientSecret: 'nope' };
      const answer = await saveNewCredentials(env.client, store, eventId, wrong);
      expect(answer).toMatchObject({ ok: false, error: { cause: 'invalid_client' } });

      const view = await status();
      expect(view.status).toBe('active');
      expect(view.token).toEqual(connected.ok ? connected.view.token : null);
    });

    it('ends a first connection so the event stays not connected', async () => {
      const { env, zoom, store } = harness();
      const app = await zoom.createConnectableApp();
      const eventId = `evt-${Date.now()}-${++eventCounter}`;
      const unknownClient = { ...app, clientId: 'unknown' };
      const answer = await connectEvent(env.client, store, eventId, unknownClient, SETTINGS);
      expect(answer).toMatchObject({ ok: false, error: { code: 'zoom_credentials_refused' } });

      const handle = env.client.workflow.getHandle<typeof zoomIntegrationWorkflow>(
        integrationWorkflowId(eventId),
      );
      expect((await handle.result()).connected).toBe(false);
      expect(await store.readConnection(eventId)).toBeNull();
    });
  });

  describe('when the organiser disables, enables and disconnects', () => {
    it('stops token work while disabled, resumes on enable, erases all on disconnect', async () => {
      const { env, zoom, store, app, eventId, handle } = await connectNewEvent();
      const disabled = await handle.executeUpdate(disableIntegration);
      expect(disabled).toMatchObject({ ok: true, view: { status: 'disabled' } });
      await env.sleep(3 * HOUR_MS);
      expect(await zoom.tokens(app.clientId)).toHaveLength(1);
      expect(await handle.executeUpdate(regenerateToken)).toMatchObject({
        ok: false,
        error: { code: 'integration_disabled' },
      });

      const enabled = await handle.executeUpdate(enableIntegration);
      expect(enabled).toMatchObject({ ok: true, view: { status: 'active' } });
      expect(await zoom.tokens(app.clientId)).toHaveLength(2);

      await handle.executeUpdate(disconnectIntegration);
      expect((await handle.result()).connected).toBe(false);
      expect(await store.readConnection(eventId)).toBeNull();
    });
  });

  describe('when an organiser regenerates while Zoom is down', () => {
    it('answers a retryable zoom_unavailable within the time budget', async () => {
      const { zoom, app, handle, status } = await connectNewEvent();
      await zoom.injectFault({ kind: 'status', status: 502, count: 2, clientId: app.clientId });

      const answer = await handle.executeUpdate(regenerateToken);
      expect(answer).toMatchObject({
        ok: false,
        error: { code: 'zoom_unavailable', retryable: true },
      });
      expect((await status()).status).toBe('degraded');
    });
  });
});
