import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildZoomEmulator, type ZoomEmulatorOptions } from '../../zoom-emulator/app.js';
import { StateFileError } from '../../zoom-emulator/persistence.js';
import { addUser, apiCall, control, createApp, getMe, mint, type TestApp } from './helpers.js';
import { expectStatus, KEYNOTE, MEETING_SCOPES, type ZoomMeeting } from './meeting-helpers.js';

/** A temporary directory per test and emulators built on a state file inside it. */
interface StateDir {
  readonly dir: string;
  readonly statePath: string;
  build(options?: ZoomEmulatorOptions): Promise<FastifyInstance>;
}

function useStateDir(): StateDir {
  let dir = '';
  const open: FastifyInstance[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zoom-emulator-'));
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((app) => app.close()));
    await rm(dir, { recursive: true, force: true });
  });

  return {
    get dir() {
      return dir;
    },
    get statePath() {
      return join(dir, 'state.json');
    },
    async build(options = {}) {
      const app = await buildZoomEmulator({ ...options, statePath: join(dir, 'state.json') });
      open.push(app);
      return app;
    },
  };
}

describe('zoom emulator persistence', () => {
  const files = useStateDir();

  describe('when the emulator is closed and built again', () => roundTripCases(files));
  describe('while the emulator runs', () => runningCases(files));
  describe('with users', () => userCases(files));
  describe('with meetings and webinars', () => meetingCases(files));
});

function roundTripCases(files: StateDir): void {
  it('keeps accounts, apps with their secrets, users and live tokens', async () => {
    const first = await files.build();
    const credentials = await createApp(first, { id: 'acct-1', plan: 'business' });
    const user = { email: 'grace@example.com', firstName: 'Grace', lastName: 'Hopper' };
    await control(first, 'POST', '/accounts/acct-1/users', user);
    const token = await mint(first, credentials);
    await first.close();

    const second = await files.build();
    const account = await control(second, 'GET', '/accounts/acct-1');
    expect(account).toMatchObject({ plan: 'business', apps: [{ clientId: credentials.clientId }] });
    expect(account).toMatchObject({ users: [{ email: 'grace@example.com' }] });
    expect((await getMe(second, token)).statusCode).toBe(200);
    expect(await mint(second, credentials)).toEqual(expect.any(String));
  });

  it('writes the file readable by its owner only, leaving no temporary file', async () => {
    const first = await files.build();
    await createApp(first);
    await first.close();

    expect((await stat(files.statePath)).mode & 0o777).toBe(0o600);
    expect(await readdir(files.dir)).toStrictEqual(['state.json']);
  });

  it('leaves expired tokens out of the file', async () => {
    const first = await files.build();
    await mint(first, await createApp(first));
    await control(first, 'POST', '/clock/advance', { ms: 3600 * 1000 });
    await first.close();

    const saved = JSON.parse(await readFile(files.statePath, 'utf8')) as { tokens: unknown[] };
    expect(saved.tokens).toStrictEqual([]);
  });
}

function runningCases(files: StateDir): void {
  it('saves a change within about a second, without waiting for close', async () => {
    await createApp(await files.build(), { id: 'acct-live' });
    await new Promise((resolve) => setTimeout(resolve, 1300));

    const saved = JSON.parse(await readFile(files.statePath, 'utf8')) as { accounts: unknown[] };
    expect(saved.accounts).toMatchObject([{ id: 'acct-live' }]);
  });

  it('refuses to start on a file that is not its own rather than lose it', async () => {
    await writeFile(files.statePath, '{"hello":"world"}');

    await expect(buildZoomEmulator({ statePath: files.statePath })).rejects.toThrow(StateFileError);
  });

  it('keeps everything in memory only without a state path', async () => {
    const app = await buildZoomEmulator();
    await createApp(app);
    await app.close();

    expect(await readdir(files.dir)).toStrictEqual([]);
  });
}

function userCases(files: StateDir): void {
  it('keeps user settings and bulk-made users', async () => {
    const first = await files.build();
    await control(first, 'POST', '/accounts', { id: 'acct-1' });
    const settings = { webinar: true, webinarCapacity: 1000 };
    const user = { email: 'grace@example.com', firstName: 'Grace', lastName: 'Hopper', settings };
    await control(first, 'POST', '/accounts/acct-1/users', user);
    await control(first, 'POST', '/accounts/acct-1/users/bulk', { count: 50 });
    await first.close();

    const account = await control<{ users: unknown[] }>(
      await files.build(),
      'GET',
      '/accounts/acct-1',
    );
    expect(account.users).toHaveLength(51);
    expect(account.users[0]).toMatchObject({ settings: { webinar: true, webinarCapacity: 1000 } });
  });

  it('loads a file written before users had settings, giving them the defaults', async () => {
    const user = {
      id: 'u1',
      accountId: 'a1',
      email: 'a@example.com',
      firstName: 'A',
      lastName: 'B',
    };
    const accounts = [{ id: 'a1', plan: 'pro', s2sEnabled: true }];
    const users = [{ ...user, type: 1, status: 'active' }];
    await writeFile(
      files.statePath,
      JSON.stringify({ version: 1, accounts, apps: [], users, tokens: [] }),
    );

    const shown = await control<{ users: unknown[] }>(await files.build(), 'GET', '/accounts/a1');
    expect(shown.users).toMatchObject([{ id: 'u1', settings: { meetingCapacity: 100 } }]);
  });
}

function meetingCases(files: StateDir): void {
  // One frozen instant, so the daily count cannot roll over between the two builds.
  const options = { wallNow: () => Date.UTC(2030, 5, 15, 12) };
  const send = async (app: FastifyInstance, credentials: TestApp, path: string, body?: object) =>
    apiCall(app, await mint(app, credentials), body ? 'POST' : 'GET', path, body);

  it('keeps meetings, webinars and the write counts of the day', async () => {
    const first = await files.build(options);
    const credentials = await createApp(first, { id: 'acct-1' }, { scopes: MEETING_SCOPES });
    const settings = { webinar: true };
    const host = await addUser(first, 'acct-1', { email: 'grace@example.com', settings });
    const meetingAnswer = await send(first, credentials, `/users/${host.id}/meetings`, KEYNOTE);
    const meeting = expectStatus(meetingAnswer, 201).json<ZoomMeeting>();
    const webinarAnswer = await send(first, credentials, `/users/${host.id}/webinars`, KEYNOTE);
    const webinar = expectStatus(webinarAnswer, 201).json<ZoomMeeting>();
    await first.close();

    const second = await files.build(options);
    const again = (await send(second, credentials, `/meetings/${meeting.id}`)).json<ZoomMeeting>();
    expect({ ...again, start_url: meeting.start_url }).toStrictEqual(meeting);
    expect((await send(second, credentials, `/webinars/${webinar.id}`)).statusCode).toBe(200);
    expect(await control(second, 'GET', '/accounts/acct-1/meetings')).toMatchObject({
      meetings: [{ kind: 'meeting' }, { kind: 'webinar' }],
      writesToday: { [host.id]: 2 },
    });
  });

  it('loads a file written before meetings existed, with none', async () => {
    const accounts = [{ id: 'a1', plan: 'pro', s2sEnabled: true }];
    const old = { version: 1, accounts, apps: [], users: [], tokens: [] };
    await writeFile(files.statePath, JSON.stringify(old));

    const shown = await control(await files.build(), 'GET', '/accounts/a1/meetings');
    expect(shown).toMatchObject({ meetings: [], writesToday: {} });
  });
}
