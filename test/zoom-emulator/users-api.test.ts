import { describe, expect, it } from 'vitest';
import {
  apiGet,
  bulkUsers,
  control,
  createApp,
  mint,
  useEmulator,
  type EmulatorFixture,
} from './helpers.js';

interface UserPage {
  page_size: number;
  total_records: number;
  next_page_token: string;
  users: { id: string; email: string; status: string }[];
}

interface CreatedUser {
  id: string;
  email: string;
}

const PAGE_TOKEN_INVALID = { code: 300, message: 'The next page token is invalid or expired.' };
const MINUTE_MS = 60 * 1000;

/** Shortcuts bound to one fixture: a token of its app, a listing call, a user made by control. */
function usersTools(env: EmulatorFixture) {
  const token = () => mint(env.app, env.credentials);
  return {
    token,
    list: async (query: string, bearer?: string) =>
      apiGet(env.app, bearer ?? (await token()), `/users?${query}`),
    addUser: (body: object, accountId = env.credentials.accountId) =>
      control<CreatedUser>(env.app, 'POST', `/accounts/${accountId}/users`, {
        firstName: 'Ada',
        lastName: 'Lovelace',
        ...body,
      }),
  };
}

describe('zoom emulator users API', () => {
  const env = useEmulator();

  describe('GET /v2/users pagination', () => paginationCases(env));
  describe('GET /v2/users status filter', () => filterCases(env));
  describe('GET /v2/users query checks', () => queryCases(env));
  describe('GET /v2/users next_page_token expiry', () => pageTokenCases(env));
  describe('GET /v2/users/:userId', () => getUserCases(env));
  describe('GET /v2/users/:userId/settings', () => settingsCases(env));
  describe('scopes, bearer and faults', () => guardCases(env));
});

function paginationCases(env: EmulatorFixture): void {
  const { token, list } = usersTools(env);

  it('pages 301 users as 300 then 1, with an empty token on the last page', async () => {
    await bulkUsers(env.app, env.credentials.accountId, { count: 301 });
    const bearer = await token();

    const first = (await list('page_size=300', bearer)).json<UserPage>();
    expect(first).toMatchObject({ page_size: 300, total_records: 301 });
    expect(first.users).toHaveLength(300);
    expect(first.next_page_token).not.toBe('');
    const second = await list(`page_size=300&next_page_token=${first.next_page_token}`, bearer);
    expect(second.json()).toMatchObject({
      page_size: 300,
      total_records: 301,
      next_page_token: '',
    });
    const ids = [...first.users, ...second.json<UserPage>().users].map((user) => user.id);
    expect(new Set(ids).size).toBe(301);
  });

  it('answers the list fields Zoom documents, in creation order', async () => {
    await bulkUsers(env.app, env.credentials.accountId, { count: 3, emailPrefix: 'host' });

    const { users } = (await list('')).json<UserPage>();
    expect(users.map((user) => user.email)).toStrictEqual([
      `host1@${env.credentials.accountId}.example.com`,
      `host2@${env.credentials.accountId}.example.com`,
      `host3@${env.credentials.accountId}.example.com`,
    ]);
    expect(Object.keys(users[0] ?? {}).sort()).toStrictEqual(
      [
        'display_name',
        'email',
        'first_name',
        'id',
        'last_name',
        'status',
        'timezone',
        'type',
      ].sort(),
    );
  });
}

function filterCases(env: EmulatorFixture): void {
  const { token, list } = usersTools(env);

  it('pages 30 at a time by default and lists active users only', async () => {
    await bulkUsers(env.app, env.credentials.accountId, { count: 40 });
    await bulkUsers(env.app, env.credentials.accountId, { count: 5, status: 'inactive' });

    const page = (await list('')).json<UserPage>();
    expect(page).toMatchObject({ page_size: 30, total_records: 40 });
    expect(page.users).toHaveLength(30);
  });

  it('filters by the status asked for', async () => {
    await bulkUsers(env.app, env.credentials.accountId, { count: 2 });
    await bulkUsers(env.app, env.credentials.accountId, { count: 3, status: 'pending' });

    const page = (await list('status=pending')).json<UserPage>();
    expect(page).toMatchObject({ total_records: 3, next_page_token: '' });
    expect(page.users.map((user) => user.status)).toStrictEqual(['pending', 'pending', 'pending']);
  });

  it('keeps the status of the first page when following a token', async () => {
    await bulkUsers(env.app, env.credentials.accountId, { count: 3, status: 'inactive' });
    const bearer = await token();
    const first = (await list('status=inactive&page_size=2', bearer)).json<UserPage>();

    const second = await list(`page_size=2&next_page_token=${first.next_page_token}`, bearer);
    expect(second.json<UserPage>().users.map((user) => user.status)).toStrictEqual(['inactive']);
  });
}

function queryCases(env: EmulatorFixture): void {
  const { list } = usersTools(env);

  it('clamps a page_size above 300 to 300, as Zoom does', async () => {
    await bulkUsers(env.app, env.credentials.accountId, { count: 305 });

    const page = (await list('page_size=1000')).json<UserPage>();
    expect(page.page_size).toBe(300);
    expect(page.users).toHaveLength(300);
  });

  it('refuses a non-numeric page_size with code 300 naming the field', async () => {
    const response = await list('page_size=lots');

    expect(response.statusCode).toBe(400);
    expect(response.json()).toStrictEqual({
      code: 300,
      message: 'Validation Failed.',
      errors: [{ field: 'page_size', message: 'Invalid field.' }],
    });
  });

  it('refuses an unknown status the same way', async () => {
    const response = await list('status=deleted');

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 300, errors: [{ field: 'status' }] });
  });

  it('reads empty parameters as absent', async () => {
    const response = await list('page_size=&next_page_token=');

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ page_size: 30, next_page_token: '' });
  });
}

function pageTokenCases(env: EmulatorFixture): void {
  const { token, list } = usersTools(env);
  const firstToken = async (bearer: string) => {
    await bulkUsers(env.app, env.credentials.accountId, { count: 301 });
    return (await list('page_size=100', bearer)).json<UserPage>().next_page_token;
  };

  it('refuses a token expired through the control route in the middle of a scan', async () => {
    const bearer = await token();
    const pageToken = await firstToken(bearer);

    expect(await control(env.app, 'POST', '/page-tokens/expire')).toStrictEqual({ expired: 1 });
    const response = await list(`page_size=100&next_page_token=${pageToken}`, bearer);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toStrictEqual(PAGE_TOKEN_INVALID);
    expect((await list('page_size=100', bearer)).statusCode).toBe(200);
  });

  it('accepts a token again until 15 emulator minutes pass, then refuses it', async () => {
    const bearer = await token();
    const pageToken = await firstToken(bearer);
    const follow = () => list(`page_size=100&next_page_token=${pageToken}`, bearer);

    await control(env.app, 'POST', '/clock/advance', { ms: 14 * MINUTE_MS });
    expect((await follow()).statusCode).toBe(200);
    expect((await follow()).statusCode).toBe(200);
    await control(env.app, 'POST', '/clock/advance', { ms: MINUTE_MS });
    expect((await follow()).json()).toStrictEqual(PAGE_TOKEN_INVALID);
  });

  it('refuses a made-up token and one issued to another account', async () => {
    const bearer = await token();
    const pageToken = await firstToken(bearer);
    const other = await mint(env.app, await createApp(env.app));

    expect((await list('next_page_token=made-up', bearer)).json()).toStrictEqual(
      PAGE_TOKEN_INVALID,
    );
    const stolen = await list(`next_page_token=${pageToken}`, other);
    expect(stolen.statusCode).toBe(400);
    expect(stolen.json()).toStrictEqual(PAGE_TOKEN_INVALID);
  });
}

function getUserCases(env: EmulatorFixture): void {
  const { token, addUser } = usersTools(env);

  it('finds a user by id and answers its account id', async () => {
    const user = await addUser({ email: 'ada@example.com', type: 1 });

    const response = await apiGet(env.app, await token(), `/users/${user.id}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toStrictEqual({
      id: user.id,
      email: 'ada@example.com',
      first_name: 'Ada',
      last_name: 'Lovelace',
      display_name: 'Ada Lovelace',
      type: 1,
      status: 'active',
      timezone: 'UTC',
      account_id: env.credentials.accountId,
    });
  });

  it('finds a user by email written in another case', async () => {
    const user = await addUser({ email: 'Grace.Hopper@example.com' });

    const response = await apiGet(env.app, await token(), '/users/GRACE.hopper@EXAMPLE.com');
    expect(response.json()).toMatchObject({ id: user.id, email: 'Grace.Hopper@example.com' });
  });

  it('answers 1001 for a user of another account, by id or by email', async () => {
    const { accountId } = await createApp(env.app);
    const stranger = await addUser({ email: 'stranger@example.com' }, accountId);
    const bearer = await token();

    const byId = await apiGet(env.app, bearer, `/users/${stranger.id}`);
    expect(byId.statusCode).toBe(404);
    expect(byId.json()).toStrictEqual({
      code: 1001,
      message: `User does not exist: ${stranger.id}.`,
    });
    const byEmail = await apiGet(env.app, bearer, '/users/stranger@example.com');
    expect(byEmail.json()).toMatchObject({ code: 1001 });
  });

  it('answers 1001 for an unknown user', async () => {
    const response = await apiGet(env.app, await token(), '/users/nobody');

    expect(response.statusCode).toBe(404);
    expect(response.json()).toStrictEqual({ code: 1001, message: 'User does not exist: nobody.' });
  });

  it('answers 1120 for a pending user', async () => {
    const user = await addUser({ email: 'invited@example.com', status: 'pending' });

    const response = await apiGet(env.app, await token(), `/users/${user.id}`);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toStrictEqual({
      code: 1120,
      message: 'A valid invitation to join the Zoom account was not found for this user.',
    });
  });
}

function settingsCases(env: EmulatorFixture): void {
  const { token, addUser } = usersTools(env);
  const settingsOf = async (userId: string) =>
    apiGet(env.app, await token(), `/users/${userId}/settings`);

  it('answers the defaults of a licensed user', async () => {
    const user = await addUser({ email: 'ada@example.com' });

    expect((await settingsOf(user.id)).json()).toStrictEqual({
      feature: {
        meeting_capacity: 300,
        large_meeting: false,
        large_meeting_capacity: 0,
        webinar: false,
        webinar_capacity: 0,
      },
    });
  });

  it('answers settings given at creation, found by email', async () => {
    const settings = { largeMeeting: true, largeMeetingCapacity: 1000, webinar: true };
    await addUser({ email: 'big@example.com', type: 1, settings });

    expect((await settingsOf('BIG@example.com')).json()).toStrictEqual({
      feature: {
        meeting_capacity: 100,
        large_meeting: true,
        large_meeting_capacity: 1000,
        webinar: true,
        webinar_capacity: 0,
      },
    });
  });

  it('follows the get-user rules for strangers and pending users', async () => {
    const { accountId } = await createApp(env.app);
    const stranger = await addUser({ email: 'stranger@example.com' }, accountId);
    const pending = await addUser({ email: 'invited@example.com', status: 'pending' });

    expect((await settingsOf(stranger.id)).json()).toMatchObject({ code: 1001 });
    expect((await settingsOf(pending.id)).json()).toMatchObject({ code: 1120 });
  });
}

function guardCases(env: EmulatorFixture): void {
  const { addUser } = usersTools(env);
  const tokenWith = async (scopes: string[]) => {
    const credentials = await createApp(env.app, {}, { scopes });
    return mint(env.app, credentials);
  };

  it('refuses each route without its granular or classic scope with 4711', async () => {
    const bearer = await tokenWith(['user:read:user:admin']);

    const listing = await apiGet(env.app, bearer, '/users');
    expect(listing.statusCode).toBe(400);
    const wanted = 'user:read:list_users:admin,user:read:admin';
    expect(listing.json()).toStrictEqual({
      code: 4711,
      message: `Invalid access token, does not contain scopes:[${wanted}].`,
    });
    const settings = await apiGet(env.app, bearer, '/users/someone/settings');
    expect(settings.json()).toMatchObject({ code: 4711 });
    expect((await apiGet(env.app, await tokenWith([]), '/users/x')).json()).toMatchObject({
      code: 4711,
    });
  });

  it('accepts the classic user:read:admin scope on every route', async () => {
    const credentials = await createApp(env.app, {}, { scopes: ['user:read:admin'] });
    const bearer = await mint(env.app, credentials);
    const user = await addUser({ email: 'ada@example.com' }, credentials.accountId);
    const paths = ['/users', `/users/${user.id}`, `/users/${user.id}/settings`];

    const responses = await Promise.all(paths.map((path) => apiGet(env.app, bearer, path)));
    expect(responses.map((response) => response.statusCode)).toStrictEqual([200, 200, 200]);
  });

  it('answers 124 without a valid bearer token', async () => {
    const response = await apiGet(env.app, 'made-up', '/users');

    expect(response.statusCode).toBe(401);
    expect(response.json()).toStrictEqual({ code: 124, message: 'Invalid access token.' });
  });

  it('lets API faults spoil these routes too', async () => {
    const bearer = await mint(env.app, env.credentials);
    await control(env.app, 'POST', '/faults', { target: 'api', kind: 'status', count: 2 });

    expect((await apiGet(env.app, bearer, '/users')).statusCode).toBe(503);
    expect((await apiGet(env.app, bearer, '/users/x/settings')).statusCode).toBe(503);
    expect((await apiGet(env.app, bearer, '/users')).statusCode).toBe(200);
  });
}
