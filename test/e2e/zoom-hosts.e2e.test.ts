import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ dir: mkdtempSync(join(tmpdir(), 'greenroom-e2e-hosts-')) });
});

afterAll(async () => {
  await stack?.stop();
});

interface Body {
  [field: string]: unknown;
  id?: string;
  error?: { code: string; message: string; details?: Record<string, unknown> };
}

const call = (method: string, path: string, body?: unknown) => stack.api<Body>(method, path, body);

/** An event connected to a fresh Zoom account holding one licensed user. */
async function connectedEvent(eventId: string) {
  const app = await stack.zoom.createConnectableApp();
  const user = await stack.zoom.createUser(app.accountId, {
    email: 'grace@example.com',
    firstName: 'Grace',
    lastName: 'Hopper',
  });
  const saved = await call('PUT', `/events/${eventId}/zoom/credentials`, {
    accountId: app.accountId,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
  });
  expect(saved.status).toBe(200);

  return { user };
}

const grace = { firstName: 'Grace', lastName: 'Hopper', email: 'Grace@Example.com' };

describe('people and Zoom hosts over HTTP', () => {
  it('adds a host once, matching the event’s person, lists it and removes it', async () => {
    const { user } = await connectedEvent('hosts-e2e-1');
    const person = await call('POST', '/events/hosts-e2e-1/people', grace);
    expect(person.status).toBe(201);
    const duplicate = await call('POST', '/events/hosts-e2e-1/people', {
      ...grace,
      email: 'GRACE@example.com',
    });
    expect(duplicate).toMatchObject({
      status: 409,
      body: { error: { code: 'person_email_taken' } },
    });

    const added = await call('POST', '/events/hosts-e2e-1/zoom/hosts', {
      ...grace,
      expectedAttendees: 80,
    });
    expect(added).toMatchObject({
      status: 201,
      body: { hostId: user.id, personId: person.body.id, email: 'grace@example.com' },
    });
    const again = await call('POST', '/events/hosts-e2e-1/zoom/hosts', {
      ...grace,
      expectedAttendees: 80,
    });
    expect(again).toMatchObject({ status: 200, body: { hostId: user.id } });
    const listed = await call('GET', '/events/hosts-e2e-1/zoom/hosts?limit=10');
    expect(listed.body).toMatchObject({ items: [{ hostId: user.id }], nextCursor: null });

    expect((await call('DELETE', `/events/hosts-e2e-1/zoom/hosts/${user.id}`)).status).toBe(204);
    const gone = await call('DELETE', `/events/hosts-e2e-1/zoom/hosts/${user.id}`);
    expect(gone).toMatchObject({ status: 404, body: { error: { code: 'host_not_found' } } });
  });

  it('refuses users Zoom does not know, and every host action while disabled', async () => {
    await connectedEvent('hosts-e2e-2');
    const unknown = await call('POST', '/events/hosts-e2e-2/zoom/hosts', {
      ...grace,
      email: 'nobody@example.com',
      expectedAttendees: 10,
    });
    expect(unknown).toMatchObject({
      status: 422,
      body: { error: { code: 'zoom_user_not_found' } },
    });
    expect(unknown.body.error?.message).toContain('User Management');
    expect(unknown.body.error?.details).toEqual({
      reason: 'not_in_account',
      retryable: false,
      at: expect.any(String) as unknown,
    });

    await call('POST', '/events/hosts-e2e-2/zoom/disable');
    const disabled = await call('POST', '/events/hosts-e2e-2/zoom/hosts', {
      ...grace,
      expectedAttendees: 10,
    });
    expect(disabled).toMatchObject({
      status: 409,
      body: { error: { code: 'integration_disabled' } },
    });
  });

  it('imports the account’s licensed users and syncs them later', async () => {
    const app = await stack.zoom.createConnectableApp();
    await stack.zoom.bulkUsers(app.accountId, { count: 310 });
    await stack.zoom.bulkUsers(app.accountId, { count: 3, type: 1 });
    await call('PUT', '/events/hosts-e2e-4/zoom/credentials', {
      accountId: app.accountId,
      clientId: app.clientId,
      clientSecret: app.clientSecret,
    });
    const imported = await call('POST', '/events/hosts-e2e-4/zoom/hosts/import');
    expect(imported).toMatchObject({
      status: 200,
      body: { added: 310, skipped: { unlicensed: 3 }, pages: 2 },
    });
    const page = await call('GET', '/events/hosts-e2e-4/zoom/hosts?limit=5');
    const first = (page.body.items as { hostId: string }[])[0]?.hostId ?? '';
    await stack.zoom.updateUser(first, { type: 1 });
    const synced = await call('POST', '/events/hosts-e2e-4/zoom/hosts/sync');
    expect(synced).toMatchObject({
      status: 200,
      body: { checked: 310, changed: [{ hostId: first, zoomState: 'unlicensed', sessions: [] }] },
    });
  });

  it('answers not_connected for an event without Zoom, and 400 for bad input', async () => {
    const notConnected = await call('POST', '/events/hosts-e2e-3/zoom/hosts', {
      ...grace,
      expectedAttendees: 10,
    });
    expect(notConnected).toMatchObject({ status: 409, body: { error: { code: 'not_connected' } } });
    const badEmail = await call('POST', '/events/hosts-e2e-3/zoom/hosts', {
      ...grace,
      email: 'not-an-email',
      expectedAttendees: 10,
    });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.error?.message).toContain('email');
    const control = await call('POST', '/events/hosts-e2e-3/people', {
      ...grace,
      lastName: 'H\u0000',
    });
    expect(control.status).toBe(400);
    expect(control.body.error?.message).toContain('control characters');
  });
});
