import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../common/durations.js';
import { integrationWorkflowId } from '../../common/task-queues.js';
import {
  addHost,
  importHosts,
  syncHosts,
  type zoomIntegrationWorkflow,
} from '../../workflows/zoom-integration-workflow.js';
import { connectEvent } from '../support/integrations.js';
import { sessionStreamingThrough } from '../support/sessions.js';
import { SETTINGS, useTimeSkippingHarness } from '../support/workflow-harness.js';

const harness = useTimeSkippingHarness();
let eventCounter = 0;

async function connectedEvent() {
  const { env, zoom, store } = harness();
  const app = await zoom.createConnectableApp();
  const eventId = `scan-${Date.now()}-${++eventCounter}`;
  await connectEvent(env.client, store, eventId, app, SETTINGS);
  const handle = env.client.workflow.getHandle<typeof zoomIntegrationWorkflow>(
    integrationWorkflowId(eventId),
  );

  return { env, zoom, store, app, eventId, handle };
}

describe('host import', () => {
  it('imports every page, restarting when the page token expires mid-scan', async () => {
    const { zoom, store, app, eventId, handle } = await connectedEvent();
    await zoom.bulkUsers(app.accountId, { count: 301 });
    await zoom.bulkUsers(app.accountId, { count: 2, type: 1 });
    // The first listing's second page waits two seconds, long enough to expire its token.
    await zoom.injectFault({ target: 'api', kind: 'latency', latencyMs: 0, count: 1 });
    await zoom.injectFault({ target: 'api', kind: 'latency', latencyMs: 2000, count: 1 });
    const importing = handle.executeUpdate(importHosts);
    await delay(1000);
    await zoom.expirePageTokens();

    const answer = await importing;
    expect(answer).toMatchObject({
      ok: true,
      report: { added: 301, updated: 0, skipped: { unlicensed: 2 }, pages: 2, restarts: 1 },
    });
    const first = await store.listHosts(eventId, 500, null);
    expect(first.items).toHaveLength(301);
    const again = await handle.executeUpdate(importHosts);
    expect(again).toMatchObject({ ok: true, report: { added: 0, unchanged: 301, restarts: 0 } });
  });

  it('matches existing people whatever the email’s case and updates renamed hosts', async () => {
    const { zoom, store, app, eventId, handle } = await connectedEvent();
    const user = await zoom.createUser(app.accountId, {
      email: 'linus@example.com',
      firstName: 'Linus',
      lastName: 'T',
    });
    const person = await store.createPerson({
      eventId,
      firstName: 'Linus',
      lastName: 'Torvalds',
      email: 'LINUS@example.com',
    });
    await handle.executeUpdate(importHosts);
    const host = await store.readHost(eventId, user.id);
    expect(host?.personId).toBe(person === 'duplicate' ? '' : person.id);

    await zoom.updateUser(user.id, { lastName: 'Torvalds' });
    const answer = await handle.executeUpdate(importHosts);
    expect(answer).toMatchObject({ ok: true, report: { added: 0, updated: 1 } });
  });

  it('answers token_expired and writes nothing while the organiser is needed', async () => {
    const { env, zoom, store, app, eventId, handle } = await connectedEvent();
    await zoom.bulkUsers(app.accountId, { count: 3 });
    await zoom.regenerateSecret(app.clientId);
    await env.sleep(HOUR_MS);
    expect(await handle.executeUpdate(importHosts)).toMatchObject({
      ok: false,
      error: { code: 'token_expired' },
    });
    expect(await handle.executeUpdate(syncHosts)).toMatchObject({
      ok: false,
      error: { code: 'token_expired' },
    });
    expect((await store.listHosts(eventId, 10, null)).items).toHaveLength(0);
  });

  it('answers zoom_unavailable and writes nothing when Zoom fails mid-scan', async () => {
    const { zoom, store, app, eventId, handle } = await connectedEvent();
    await zoom.bulkUsers(app.accountId, { count: 301 });
    await zoom.injectFault({ target: 'api', kind: 'latency', latencyMs: 0, count: 1 });
    await zoom.injectFault({ target: 'api', kind: 'status', status: 502, count: 10 });
    expect(await handle.executeUpdate(importHosts)).toMatchObject({
      ok: false,
      error: { code: 'zoom_unavailable', retryable: true },
    });
    await zoom.clearFaults();
    expect((await store.listHosts(eventId, 10, null)).items).toHaveLength(0);
  });
});

describe('when Zoom rejects the token during a scan', () => {
  it('mints once and imports on the second try', async () => {
    const { zoom, app, handle } = await connectedEvent();
    await zoom.bulkUsers(app.accountId, { count: 5 });
    // Deactivating revokes the live token; re-activating lets the integration mint again.
    await zoom.deactivate(app.clientId);
    await zoom.activate(app.clientId);
    expect(await handle.executeUpdate(importHosts)).toMatchObject({
      ok: true,
      report: { added: 5 },
    });
    expect(await zoom.tokens(app.clientId)).toHaveLength(2);
  });
});

describe('host sync', () => {
  it('updates renamed hosts and flags lost licences, deactivations and deletions', async () => {
    const { zoom, store, app, eventId, handle } = await connectedEvent();
    const names = ['renamed', 'unlicensed', 'deactivated', 'deleted', 'steady'];
    const users = new Map<string, string>();
    for (const name of names) {
      const email = `${name}@example.com`;
      const user = await zoom.createUser(app.accountId, { email, firstName: name, lastName: 'X' });
      users.set(name, user.id);
      await handle.executeUpdate(addHost, {
        args: [{ firstName: name, lastName: 'X', email, expectedAttendees: 10 }],
      });
    }
    const id = (name: string) => users.get(name) ?? '';
    const { sessionId } = await sessionStreamingThrough(
      store,
      eventId,
      id('unlicensed'),
      'Workshop',
    );
    const session = { id: sessionId, title: 'Workshop' };
    await zoom.updateUser(id('renamed'), { email: 'renamed.now@example.com' });
    await zoom.updateUser(id('unlicensed'), { type: 1 });
    await zoom.updateUser(id('deactivated'), { status: 'inactive' });
    await zoom.deleteUser(id('deleted'));

    const answer = await handle.executeUpdate(syncHosts);
    expect(answer.ok).toBe(true);
    const report = answer.ok ? answer.report : null;
    expect(report).toMatchObject({ checked: 5, updated: 4 });
    expect(report?.changed).toEqual(
      expect.arrayContaining([
        { hostId: id('unlicensed'), zoomState: 'unlicensed', sessions: [session] },
        { hostId: id('deactivated'), zoomState: 'deactivated', sessions: [] },
        { hostId: id('deleted'), zoomState: 'deleted', sessions: [] },
      ]),
    );
    expect((await store.readHost(eventId, id('renamed')))?.email).toBe('renamed.now@example.com');
    const later = await sessionStreamingThrough(store, eventId, id('deleted'), 'Later');
    expect(later.result).toEqual({ kind: 'lost_race', reason: 'host_unusable' });
  });
});
