import { describe, expect, it } from 'vitest';
import {
  addUser,
  apiCall,
  control,
  createApp,
  mint,
  useEmulator,
  type EmulatorFixture,
} from './helpers.js';
import { KEYNOTE, MEETING_SCOPES, useMeetingTools, type ZoomMeeting } from './meeting-helpers.js';

interface MeetingPage {
  page_size: number;
  total_records: number;
  next_page_token: string;
  meetings?: Record<string, unknown>[];
  webinars?: Record<string, unknown>[];
}

const CREATE_SCOPES = 'meeting:write:meeting:admin,meeting:write:admin';
const LIST_SCOPES = 'meeting:read:list_meetings:admin,meeting:read:admin';

const WEBINAR_PLAN_MISSING = {
  code: 200,
  message:
    'Webinar plan is missing. You must subscribe to the webinar plan and enable webinar for ' +
    'this user in order to perform this action.',
};

describe('zoom emulator meetings and webinars API', () => {
  const env = useEmulator();

  describe('POST /v2/users/:userId/meetings', () => createMeetingCases(env));
  describe('who may host', () => hostCases(env));
  describe('body checks', () => validationCases(env));
  describe('POST /v2/users/:userId/webinars', () => createWebinarCases(env));
  describe('GET, PATCH and DELETE by id', () => byIdCases(env));
  describe('ids that are unknown or of another account', () => lookupCases(env));
  describe('GET /v2/users/:userId/meetings and /webinars', () => listingCases(env));
  describe('scopes', () => scopeCases(env));
  describe('control listing', () => controlCases(env));
});

function createMeetingCases(env: EmulatorFixture): void {
  const { addHost, create, created } = useMeetingTools(env);

  it('answers 201 with the fields Zoom documents', async () => {
    const host = await addHost();
    const body = { ...KEYNOTE, agenda: 'Opening', settings: { waiting_room: true } };

    const response = await create('meetings', host.id, body);
    expect(response.statusCode).toBe(201);
    const meeting = response.json<ZoomMeeting>();
    expect(meeting).toMatchObject({
      host_id: host.id,
      host_email: host.email,
      topic: 'Keynote',
      type: 2,
      status: 'waiting',
      start_time: '2030-06-15T10:00:00Z',
      duration: 45,
      timezone: 'UTC',
      agenda: 'Opening',
      settings: { waiting_room: true },
    });
    expect(Number.isSafeInteger(meeting.id)).toBe(true);
    expect(String(meeting.id)).toMatch(/^\d{10,11}$/);
    expect(meeting.uuid).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(meeting.password).toMatch(/^[A-Za-z0-9]{8}$/);
    expect(meeting.join_url).toMatch(new RegExp(`^https://zoom\\.example/j/${meeting.id}\\?pwd=`));
    expect(meeting.start_url).toMatch(new RegExp(`^https://zoom\\.example/s/${meeting.id}\\?zak=`));
    expect(meeting).toHaveProperty('created_at', expect.stringMatching(/^\d{4}-.*:\d{2}Z$/));
  });

  it('gives each meeting its own id, uuid, passcode and links', async () => {
    const host = await addHost();

    const [first, second] = [
      await created('meetings', host.id),
      await created('meetings', host.id),
    ];
    for (const field of ['id', 'uuid', 'password', 'join_url', 'start_url'] as const) {
      expect(first[field]).not.toBe(second[field]);
    }
  });

  it('creates under a host named by email in another case', async () => {
    const host = await addHost();

    const meeting = await created('meetings', host.email.toUpperCase());
    expect(meeting.host_id).toBe(host.id);
  });

  it('reads a start time without Z in the time zone given', async () => {
    const host = await addHost();
    const body = { start_time: '2030-06-15T10:00:00', timezone: 'europe/berlin' };

    const meeting = await created('meetings', host.id, body);
    expect(meeting).toMatchObject({
      start_time: '2030-06-15T08:00:00Z',
      timezone: 'Europe/Berlin',
    });
  });

  it('fills in what the body leaves out, with the emulator clock for the start', async () => {
    const host = await addHost();
    await control(env.app, 'PUT', '/clock', { nowMs: Date.UTC(2030, 0, 2, 3, 4, 5, 678) });

    const response = await env.app.inject({
      method: 'POST',
      url: `/v2/users/${host.id}/meetings`,
      headers: { authorization: `Bearer ${await mint(env.app, env.credentials)}` },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      type: 2,
      topic: 'Zoom Meeting',
      start_time: '2030-01-02T03:04:05Z',
      created_at: '2030-01-02T03:04:05Z',
      duration: 60,
      timezone: 'UTC',
      agenda: '',
      settings: {},
    });
  });
}

function hostCases(env: EmulatorFixture): void {
  const { addHost, create } = useMeetingTools(env);
  const CANNOT_HOST = {
    code: 3161,
    message: 'Meeting hosting and scheduling capabilities are not allowed for your user account.',
  };

  it('answers 1001 for an unknown user', async () => {
    const response = await create('meetings', 'nobody@example.com');

    expect(response.statusCode).toBe(404);
    expect(response.json()).toStrictEqual({
      code: 1001,
      message: 'User does not exist: nobody@example.com.',
    });
  });

  it('answers 1001 for a user of another account, by id or by email', async () => {
    const { accountId } = await createApp(env.app);
    const stranger = await addUser(env.app, accountId, { email: 'stranger@example.com' });

    expect((await create('meetings', stranger.id)).json()).toMatchObject({ code: 1001 });
    expect((await create('webinars', stranger.email)).json()).toMatchObject({ code: 1001 });
  });

  it('answers 3161 for a user without a licence, pending or deactivated', async () => {
    const users = [
      await addHost({ type: 1 }),
      await addHost({ status: 'pending' }),
      await addHost({ status: 'inactive' }),
    ];

    for (const user of users) {
      const response = await create('meetings', user.id);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toStrictEqual(CANNOT_HOST);
    }
  });
}

function validationCases(env: EmulatorFixture): void {
  const { addHost, create, call } = useMeetingTools(env);

  it('answers 300 naming every bad field', async () => {
    const host = await addHost();
    const body = {
      topic: 'x'.repeat(201),
      type: 1,
      start_time: '2030-06-15T10:00:00.000Z',
      duration: 0,
      timezone: 'Mars/Olympus_Mons',
      agenda: 'x'.repeat(2001),
      settings: 'none',
    };

    const response = await create('meetings', host.id, body);
    expect(response.statusCode).toBe(400);
    const fields = ['topic', 'start_time', 'duration', 'timezone', 'agenda', 'settings', 'type'];
    expect(response.json()).toStrictEqual({
      code: 300,
      message: 'Validation Failed.',
      errors: fields.map((field) => ({ field, message: 'Invalid field.' })),
    });
  });

  it('refuses times that are not on the calendar or carry an offset', async () => {
    const host = await addHost();
    const times = ['2030-02-30T10:00:00Z', '2030-06-15T24:00:00Z', '2030-06-15T10:00:00+02:00'];

    for (const start_time of times) {
      const response = await create('meetings', host.id, { start_time });
      expect(response.json()).toMatchObject({ code: 300, errors: [{ field: 'start_time' }] });
    }
  });

  it('answers a body that is not JSON in the same shape', async () => {
    const host = await addHost();
    const response = await env.app.inject({
      method: 'POST',
      url: `/v2/users/${host.id}/meetings`,
      headers: {
        authorization: `Bearer ${await mint(env.app, env.credentials)}`,
        'content-type': 'application/json',
      },
      payload: '{"topic":',
    });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toStrictEqual({ code: 300, message: 'Validation Failed.' });
    expect((await call('GET', `/users/${host.id}/meetings`)).json()).toMatchObject({
      total_records: 0,
    });
  });
}

function createWebinarCases(env: EmulatorFixture): void {
  const { addHost, create, created } = useMeetingTools(env);

  it('answers 200 when the host lacks the webinar feature', async () => {
    const host = await addHost();

    const response = await create('webinars', host.id);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toStrictEqual(WEBINAR_PLAN_MISSING);
  });

  it('creates a type 5 webinar for a host with the feature', async () => {
    const host = await addHost({ settings: { webinar: true, webinarCapacity: 500 } });

    const webinar = await created('webinars', host.id);
    expect(webinar).toMatchObject({ type: 5, host_id: host.id, start_time: KEYNOTE.start_time });
    expect(webinar.join_url).toMatch(new RegExp(`^https://zoom\\.example/w/${webinar.id}\\?`));
  });

  it('follows a feature switched on later through the control API', async () => {
    const host = await addHost();
    await control(env.app, 'PATCH', `/users/${host.id}`, { settings: { webinar: true } });

    expect((await create('webinars', host.id)).statusCode).toBe(201);
  });

  it('refuses a meeting type on the webinar route', async () => {
    const host = await addHost({ settings: { webinar: true } });

    const response = await create('webinars', host.id, { type: 2 });
    expect(response.json()).toMatchObject({ code: 300, errors: [{ field: 'type' }] });
  });
}

function byIdCases(env: EmulatorFixture): void {
  const { addHost, call, created } = useMeetingTools(env);

  it('answers GET with the meeting and a fresh start link each time', async () => {
    const host = await addHost();
    const meeting = await created('meetings', host.id);

    const first = (await call('GET', `/meetings/${meeting.id}`)).json<ZoomMeeting>();
    const second = (await call('GET', `/meetings/${meeting.id}`)).json<ZoomMeeting>();
    expect({ ...first, start_url: meeting.start_url }).toStrictEqual(meeting);
    expect(new Set([meeting.start_url, first.start_url, second.start_url]).size).toBe(3);
  });

  it('answers PATCH with 204 and no body, then shows the change', async () => {
    const host = await addHost();
    const meeting = await created('meetings', host.id, { settings: { waiting_room: true } });
    const change = {
      topic: 'Closing',
      start_time: '2030-12-01T09:30:00',
      timezone: 'America/New_York',
      duration: 90,
      agenda: 'Wrap-up',
      settings: { mute_upon_entry: true },
    };

    const response = await call('PATCH', `/meetings/${meeting.id}`, change);
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect((await call('GET', `/meetings/${meeting.id}`)).json()).toMatchObject({
      topic: 'Closing',
      start_time: '2030-12-01T14:30:00Z',
      timezone: 'America/New_York',
      duration: 90,
      agenda: 'Wrap-up',
      settings: { waiting_room: true, mute_upon_entry: true },
      join_url: meeting.join_url,
    });
  });

  it('keeps the instant when a PATCH names only a new time zone', async () => {
    const host = await addHost();
    const meeting = await created('meetings', host.id);

    await call('PATCH', `/meetings/${meeting.id}`, { timezone: 'Asia/Tokyo' });
    expect((await call('GET', `/meetings/${meeting.id}`)).json()).toMatchObject({
      start_time: KEYNOTE.start_time,
      timezone: 'Asia/Tokyo',
    });
  });

  it('answers 3000 for a PATCH that moves the meeting to another host', async () => {
    const host = await addHost();
    const other = await addHost();
    const meeting = await created('meetings', host.id);

    const response = await call('PATCH', `/meetings/${meeting.id}`, { schedule_for: other.email });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toStrictEqual({
      code: 3000,
      message: `You cannot schedule a meeting for ${other.email}`,
    });
    expect((await call('GET', `/meetings/${meeting.id}`)).json()).toMatchObject({
      host_id: host.id,
    });
  });

  it('answers 300 for a bad PATCH and changes nothing', async () => {
    const host = await addHost();
    const meeting = await created('meetings', host.id);

    const response = await call('PATCH', `/meetings/${meeting.id}`, { topic: 'T', duration: -5 });
    expect(response.json()).toMatchObject({ code: 300, errors: [{ field: 'duration' }] });
    expect((await call('GET', `/meetings/${meeting.id}`)).json()).toMatchObject({
      topic: 'Keynote',
    });
  });

  it('answers DELETE with 204 and no body, after which GET answers 3001', async () => {
    const host = await addHost();
    const meeting = await created('meetings', host.id);

    const response = await call('DELETE', `/meetings/${meeting.id}`);
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    const after = await call('GET', `/meetings/${meeting.id}`);
    expect(after.statusCode).toBe(404);
    expect(after.json()).toStrictEqual({
      code: 3001,
      message: `Meeting does not exist: ${meeting.id}.`,
    });
    expect((await call('DELETE', `/meetings/${meeting.id}`)).json()).toMatchObject({ code: 3001 });
  });

  it('serves webinars the same way under /webinars', async () => {
    const host = await addHost({ settings: { webinar: true } });
    const webinar = await created('webinars', host.id);

    expect((await call('PATCH', `/webinars/${webinar.id}`, { topic: 'Panel' })).statusCode).toBe(
      204,
    );
    expect((await call('GET', `/webinars/${webinar.id}`)).json()).toMatchObject({
      topic: 'Panel',
      type: 5,
    });
    expect((await call('DELETE', `/webinars/${webinar.id}`)).statusCode).toBe(204);
    expect((await call('GET', `/webinars/${webinar.id}`)).json()).toStrictEqual({
      code: 3001,
      message: `Webinar does not exist: ${webinar.id}.`,
    });
  });
}

function lookupCases(env: EmulatorFixture): void {
  const { addHost, call, created } = useMeetingTools(env);

  it('answers 3001 for an unknown id, and for an id of the other kind', async () => {
    const host = await addHost({ settings: { webinar: true } });
    const webinar = await created('webinars', host.id);

    expect((await call('GET', '/meetings/12345678901')).json()).toStrictEqual({
      code: 3001,
      message: 'Meeting does not exist: 12345678901.',
    });
    const crossed = await call('PATCH', `/meetings/${webinar.id}`, { topic: 'x' });
    expect(crossed.statusCode).toBe(404);
    expect(crossed.json()).toMatchObject({ code: 3001 });
  });

  it('answers 1010 to a token of another account, for every call by id', async () => {
    const host = await addHost();
    const meeting = await created('meetings', host.id);
    const outsider = await createApp(env.app, {}, { scopes: MEETING_SCOPES });
    const bearer = await mint(env.app, outsider);
    const expected = {
      code: 1010,
      message: `User does not belong to this account: ${outsider.accountId}.`,
    };

    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const response = await apiCall(env.app, bearer, method, `/meetings/${meeting.id}`, {});
      expect(response.statusCode).toBe(400);
      expect(response.json()).toStrictEqual(expected);
    }
    expect((await call('GET', `/meetings/${meeting.id}`)).statusCode).toBe(200);
  });

  it('deletes the meetings and webinars of a deleted user, as Zoom does', async () => {
    const host = await addHost({ settings: { webinar: true } });
    const meeting = await created('meetings', host.id);
    const webinar = await created('webinars', host.id);

    await control(env.app, 'DELETE', `/users/${host.id}`);
    expect((await call('GET', `/meetings/${meeting.id}`)).json()).toMatchObject({ code: 3001 });
    expect((await call('GET', `/webinars/${webinar.id}`)).json()).toMatchObject({ code: 3001 });
  });
}

function listingCases(env: EmulatorFixture): void {
  const { addHost, call, created } = useMeetingTools(env);
  const list = async (path: string) => (await call('GET', path)).json<MeetingPage>();

  it("pages a host's meetings in creation order, ending with an empty token", async () => {
    const host = await addHost();
    const ids: number[] = [];
    for (let n = 0; n < 5; n += 1) ids.push((await created('meetings', host.id)).id);

    const first = await list(`/users/${host.id}/meetings?type=scheduled&page_size=2`);
    expect(first).toMatchObject({ page_size: 2, total_records: 5 });
    const second = await list(
      `/users/${host.id}/meetings?page_size=2&next_page_token=${first.next_page_token}`,
    );
    const third = await list(
      `/users/${host.id}/meetings?page_size=2&next_page_token=${second.next_page_token}`,
    );
    expect(third.next_page_token).toBe('');
    const pages = [first, second, third].map((page) => (page.meetings ?? []).map((m) => m.id));
    expect(pages).toStrictEqual([ids.slice(0, 2), ids.slice(2, 4), ids.slice(4)]);
  });

  it('lists the fields Zoom lists, without start link or passcode', async () => {
    const host = await addHost();
    const meeting = await created('meetings', host.id, { agenda: 'Opening' });

    const { meetings = [] } = await list(`/users/${host.email}/meetings`);
    expect(meetings).toStrictEqual([
      {
        uuid: meeting.uuid,
        id: meeting.id,
        host_id: host.id,
        topic: 'Keynote',
        type: 2,
        start_time: KEYNOTE.start_time,
        duration: 45,
        timezone: 'UTC',
        agenda: 'Opening',
        created_at: expect.any(String) as unknown,
        join_url: meeting.join_url,
      },
    ]);
  });

  it('keeps meetings and webinars and hosts apart, 30 to a page by default', async () => {
    const host = await addHost({ settings: { webinar: true } });
    const other = await addHost();
    await created('meetings', host.id);
    await created('webinars', host.id);
    await created('webinars', host.id);
    await created('meetings', other.id);

    expect(await list(`/users/${host.id}/webinars`)).toMatchObject({
      page_size: 30,
      total_records: 2,
      next_page_token: '',
      webinars: [{ type: 5 }, { type: 5 }],
    });
    expect(await list(`/users/${host.id}/meetings`)).toMatchObject({ total_records: 1 });
  });

  it('refuses a page token of another listing', async () => {
    const host = await addHost();
    const other = await addHost();
    for (let n = 0; n < 3; n += 1) await created('meetings', host.id);
    const { next_page_token: token } = await list(`/users/${host.id}/meetings?page_size=1`);

    const stolen = await call('GET', `/users/${other.id}/meetings?next_page_token=${token}`);
    expect(stolen.json()).toStrictEqual({
      code: 300,
      message: 'The next page token is invalid or expired.',
    });
    const users = await call('GET', `/users/${host.id}/webinars?next_page_token=${token}`);
    expect(users.statusCode).toBe(400);
  });

  it('answers 300 for an unsupported type and 1001 for an unknown user', async () => {
    const host = await addHost();

    expect((await list(`/users/${host.id}/meetings?type=live`)) as unknown).toMatchObject({
      code: 300,
      errors: [{ field: 'type' }],
    });
    expect((await call('GET', '/users/nobody/webinars')).json()).toMatchObject({ code: 1001 });
  });
}

function scopeCases(env: EmulatorFixture): void {
  const tokenWith = async (scopes: string[]) =>
    mint(env.app, await createApp(env.app, {}, { scopes }));

  it('refuses a create without its granular or classic scope with 4711', async () => {
    const bearer = await tokenWith(['meeting:read:meeting:admin']);

    const response = await apiCall(env.app, bearer, 'POST', '/users/x/meetings', KEYNOTE);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toStrictEqual({
      code: 4711,
      message: `Invalid access token, does not contain scopes:[${CREATE_SCOPES}].`,
    });
  });

  it('asks the list scopes, not the read scope, for listings', async () => {
    const bearer = await tokenWith(['meeting:read:meeting:admin', 'webinar:read:webinar:admin']);

    const meetings = await apiCall(env.app, bearer, 'GET', '/users/x/meetings');
    expect(meetings.json()).toStrictEqual({
      code: 4711,
      message: `Invalid access token, does not contain scopes:[${LIST_SCOPES}].`,
    });
    const webinars = await apiCall(env.app, bearer, 'GET', '/users/x/webinars');
    expect(webinars.json()).toMatchObject({ code: 4711 });
  });

  it('accepts the classic write and read scopes on every call', async () => {
    const credentials = await createApp(
      env.app,
      {},
      {
        scopes: ['meeting:write:admin', 'meeting:read:admin'],
      },
    );
    const bearer = await mint(env.app, credentials);
    const host = await addUser(env.app, credentials.accountId, { email: 'classic@example.com' });

    const create = await apiCall(env.app, bearer, 'POST', `/users/${host.id}/meetings`, KEYNOTE);
    expect(create.statusCode).toBe(201);
    const path = `/meetings/${create.json<ZoomMeeting>().id}`;
    const statuses = [
      (await apiCall(env.app, bearer, 'GET', `/users/${host.id}/meetings`)).statusCode,
      (await apiCall(env.app, bearer, 'GET', path)).statusCode,
      (await apiCall(env.app, bearer, 'PATCH', path, { topic: 'x' })).statusCode,
      (await apiCall(env.app, bearer, 'DELETE', path)).statusCode,
    ];
    expect(statuses).toStrictEqual([200, 200, 204, 204]);
  });
}

function controlCases(env: EmulatorFixture): void {
  const { addHost, call, created } = useMeetingTools(env);

  it('lists every live meeting and webinar of the account, with string ids', async () => {
    const host = await addHost({ settings: { webinar: true } });
    const meeting = await created('meetings', host.id);
    const webinar = await created('webinars', host.id);
    const gone = await created('meetings', host.id);
    await call('DELETE', `/meetings/${gone.id}`);

    const shown = await control(env.app, 'GET', `/accounts/${env.credentials.accountId}/meetings`);
    expect(shown).toMatchObject({
      dailyLimit: 100,
      meetings: [
        { kind: 'meeting', id: String(meeting.id), host_id: host.id, topic: 'Keynote' },
        { kind: 'webinar', id: String(webinar.id), start_time: KEYNOTE.start_time, duration: 45 },
      ],
      writesToday: { [host.id]: 3 },
    });
  });

  it('counts the day by the emulator clock, in UTC', async () => {
    await control(env.app, 'PUT', '/clock', { nowMs: Date.UTC(2030, 5, 15, 23, 59) });
    const host = await addHost();
    await created('meetings', host.id);
    const accountPath = `/accounts/${env.credentials.accountId}/meetings`;

    expect(await control(env.app, 'GET', accountPath)).toMatchObject({
      day: '2030-06-15',
      writesToday: { [host.id]: 1 },
    });
    await control(env.app, 'POST', '/clock/advance', { ms: 60_000 });
    expect(await control(env.app, 'GET', accountPath)).toMatchObject({
      day: '2030-06-16',
      writesToday: {},
    });
  });

  it('answers 404 for an unknown account', async () => {
    const response = await env.app.inject({
      method: 'GET',
      url: '/_control/accounts/nope/meetings',
    });

    expect(response.statusCode).toBe(404);
  });
}
