import { describe, expect, it } from 'vitest';
import { apiGet, bulkUsers, control, mint, useEmulator, type EmulatorFixture } from './helpers.js';

interface ControlUser {
  id: string;
  email: string;
  settings: Record<string, unknown>;
}

const LICENSED_DEFAULTS = {
  meetingCapacity: 300,
  largeMeeting: false,
  largeMeetingCapacity: 0,
  webinar: false,
  webinarCapacity: 0,
};

function userTools(env: EmulatorFixture) {
  const call = (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    env.app.inject({ method, url: `/_control${url}`, payload });
  return {
    call,
    addUser: (body: object) =>
      control<ControlUser>(env.app, 'POST', `/accounts/${env.credentials.accountId}/users`, {
        firstName: 'Ada',
        lastName: 'Lovelace',
        ...body,
      }),
  };
}

describe('zoom emulator user control routes', () => {
  const env = useEmulator();

  describe('creating one user', () => createCases(env));
  describe('changing and deleting a user', () => updateCases(env));
  describe('creating users in bulk', () => bulkCases(env));
});

function createCases(env: EmulatorFixture): void {
  const { call, addUser } = userTools(env);

  it('gives a licensed user a capacity of 300 and a basic one 100', async () => {
    const licensed = await addUser({ email: 'ada@example.com' });
    const basic = await addUser({ email: 'bob@example.com', type: 1 });

    expect(licensed.settings).toStrictEqual(LICENSED_DEFAULTS);
    expect(basic.settings).toStrictEqual({ ...LICENSED_DEFAULTS, meetingCapacity: 100 });
  });

  it('merges the settings given onto the defaults', async () => {
    const user = await addUser({
      email: 'ada@example.com',
      settings: { webinar: true, webinarCapacity: 500 },
    });

    expect(user.settings).toStrictEqual({
      ...LICENSED_DEFAULTS,
      webinar: true,
      webinarCapacity: 500,
    });
  });

  it('names an unknown or malformed setting', async () => {
    const url = `/accounts/${env.credentials.accountId}/users`;
    const base = { email: 'ada@example.com', firstName: 'Ada', lastName: 'L' };

    const unknown = await call('POST', url, { ...base, settings: { color: 'red' } });
    expect(unknown.json()).toMatchObject({ error: { details: [{ field: 'settings.color' }] } });
    const negative = await call('POST', url, { ...base, settings: { meetingCapacity: -1 } });
    expect(negative.statusCode).toBe(400);
  });

  it('refuses a second user with the same email in another case', async () => {
    await addUser({ email: 'ada@example.com' });
    const url = `/accounts/${env.credentials.accountId}/users`;
    const twin = { email: 'ADA@example.com', firstName: 'A', lastName: 'L' };

    expect((await call('POST', url, twin)).statusCode).toBe(409);
  });
}

function updateCases(env: EmulatorFixture): void {
  const { call, addUser } = userTools(env);

  it('changes only the fields and settings named, as the API then shows', async () => {
    const user = await addUser({ email: 'ada@example.com' });

    const patch = { lastName: 'King', type: 1, settings: { largeMeeting: true } };
    const response = await call('PATCH', `/users/${user.id}`, patch);
    expect(response.json()).toMatchObject({
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'King',
      type: 1,
      settings: { ...LICENSED_DEFAULTS, largeMeeting: true },
    });
    const settings = await apiGet(
      env.app,
      await mint(env.app, env.credentials),
      `/users/${user.id}/settings`,
    );
    expect(settings.json()).toMatchObject({ feature: { large_meeting: true } });
  });

  it('turns an active user pending, which the API then refuses with 1120', async () => {
    const user = await addUser({ email: 'ada@example.com' });
    await call('PATCH', `/users/${user.id}`, { status: 'pending' });

    const response = await apiGet(
      env.app,
      await mint(env.app, env.credentials),
      `/users/${user.id}`,
    );
    expect(response.json()).toMatchObject({ code: 1120 });
  });

  it('refuses an email another user holds', async () => {
    await addUser({ email: 'ada@example.com' });
    const other = await addUser({ email: 'bob@example.com' });

    expect(
      (await call('PATCH', `/users/${other.id}`, { email: 'Ada@example.com' })).statusCode,
    ).toBe(409);
    expect(
      (await call('PATCH', `/users/${other.id}`, { email: 'BOB@example.com' })).statusCode,
    ).toBe(200);
  });

  it('deletes a user, after which the API and the control API no longer know it', async () => {
    const user = await addUser({ email: 'ada@example.com' });

    expect((await call('DELETE', `/users/${user.id}`)).statusCode).toBe(204);
    const response = await apiGet(
      env.app,
      await mint(env.app, env.credentials),
      `/users/${user.id}`,
    );
    expect(response.statusCode).toBe(404);
    expect((await call('DELETE', `/users/${user.id}`)).statusCode).toBe(404);
    expect((await call('PATCH', `/users/${user.id}`, {})).statusCode).toBe(404);
  });
}

function bulkCases(env: EmulatorFixture): void {
  const { call } = userTools(env);

  it('creates 10,000 users in well under a few seconds', async () => {
    const startedAt = performance.now();
    const result = await bulkUsers(env.app, env.credentials.accountId, { count: 10_000 });

    expect(performance.now() - startedAt).toBeLessThan(3000);
    expect(result).toStrictEqual({ created: 10_000, totalUsers: 10_000 });
    const list = await apiGet(env.app, await mint(env.app, env.credentials), '/users?page_size=1');
    expect(list.json()).toMatchObject({ total_records: 10_000 });
  });

  it('keeps numbering after earlier users and honours type and status', async () => {
    const { accountId } = env.credentials;
    await bulkUsers(env.app, accountId, { count: 2, emailPrefix: 'h' });
    await bulkUsers(env.app, accountId, {
      count: 2,
      emailPrefix: 'h',
      type: 1,
      status: 'inactive',
    });

    const account = await control<{ users: ControlUser[] }>(
      env.app,
      'GET',
      `/accounts/${accountId}`,
    );
    expect(account.users.map((user) => user.email)).toStrictEqual(
      [1, 2, 3, 4].map((n) => `h${n}@${accountId}.example.com`),
    );
    expect(account.users[3]).toMatchObject({
      type: 1,
      status: 'inactive',
      settings: { meetingCapacity: 100 },
    });
  });

  it('refuses a count below one or an unknown account', async () => {
    const bad = await call('POST', `/accounts/${env.credentials.accountId}/users/bulk`, {
      count: 0,
    });
    expect(bad.json()).toMatchObject({ error: { details: [{ field: 'count' }] } });
    expect((await call('POST', '/accounts/nope/users/bulk', { count: 1 })).statusCode).toBe(404);
  });
}
