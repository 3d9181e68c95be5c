import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createZoomEmulator } from '../../zoom-emulator/app.js';
import { EmulatorEnvError, loadEmulatorEnv } from '../../zoom-emulator/config.js';
import { DEMO_ACCOUNT_ID, ensureDemoCredentials } from '../../zoom-emulator/demo.js';
import { EmulatorState } from '../../zoom-emulator/state.js';
import { getMe, mint } from './helpers.js';

describe('demo credentials', () => {
  const file = { path: '' };

  beforeEach(async () => {
    file.path = join(await mkdtemp(join(tmpdir(), 'zoom-demo-')), 'demo.json');
  });

  afterEach(async () => {
    await rm(dirname(file.path), { recursive: true, force: true });
  });

  describe('on a fresh state', () => freshCases(file));
  describe('when the demo account already exists', () => existingCases(file));
});

function freshCases(file: { path: string }): void {
  it('creates the demo account, an activated S2S app and two licensed users', async () => {
    const state = new EmulatorState();

    const { outcome } = await ensureDemoCredentials(state, file.path);
    expect(outcome).toBe('created');
    expect(state.accounts.get(DEMO_ACCOUNT_ID)).toMatchObject({ s2sEnabled: true });
    expect(state.appsOf(DEMO_ACCOUNT_ID)).toMatchObject([{ type: 's2s', activated: true }]);
    expect(state.usersOf(DEMO_ACCOUNT_ID)).toMatchObject([
      { type: 2, status: 'active' },
      { type: 2, status: 'active' },
    ]);
  });

  it('writes the credentials to a file only its owner can read', async () => {
    const { credentials } = await ensureDemoCredentials(new EmulatorState(), file.path);

    expect(JSON.parse(await readFile(file.path, 'utf8'))).toStrictEqual(credentials);
    expect((await stat(file.path)).mode & 0o777).toBe(0o600);
  });

  it('hands out credentials that mint a working token', async () => {
    const emulator = await createZoomEmulator();
    const { credentials } = await ensureDemoCredentials(emulator.context.state, file.path);

    const token = await mint(emulator.app, credentials);
    expect((await getMe(emulator.app, token)).statusCode).toBe(200);
    await emulator.app.close();
  });
}

function existingCases(file: { path: string }): void {
  it('changes nothing while the file matches', async () => {
    const state = new EmulatorState();
    const first = await ensureDemoCredentials(state, file.path);

    const second = await ensureDemoCredentials(state, file.path);
    expect(second).toStrictEqual({ outcome: 'unchanged', credentials: first.credentials });
    expect(state.appsOf(DEMO_ACCOUNT_ID)).toHaveLength(1);
  });

  it('rewrites a missing file from the state, keeping the same credentials', async () => {
    const state = new EmulatorState();
    const first = await ensureDemoCredentials(state, file.path);
    await rm(file.path);

    const second = await ensureDemoCredentials(state, file.path);
    expect(second).toStrictEqual({ outcome: 'written', credentials: first.credentials });
    expect(JSON.parse(await readFile(file.path, 'utf8'))).toStrictEqual(first.credentials);
  });
}

describe('emulator environment', () => {
  it('defaults to loopback, port 9099 and hour-long tokens', () => {
    expect(loadEmulatorEnv({})).toStrictEqual({
      ZOOM_EMULATOR_HOST: '127.0.0.1',
      ZOOM_EMULATOR_PORT: 9099,
      ZOOM_EMULATOR_TOKEN_TTL_SECONDS: 3600,
    });
  });

  it('treats empty paths as unset', () => {
    const env = loadEmulatorEnv({ ZOOM_EMULATOR_STATE: '', ZOOM_EMULATOR_DEMO_CREDENTIALS: '' });

    expect(env.ZOOM_EMULATOR_STATE).toBeUndefined();
    expect(env.ZOOM_EMULATOR_DEMO_CREDENTIALS).toBeUndefined();
  });

  it('lists every problem at once', () => {
    const load = () =>
      loadEmulatorEnv({ ZOOM_EMULATOR_PORT: 'http', ZOOM_EMULATOR_TOKEN_TTL_SECONDS: '0' });

    expect(load).toThrow(EmulatorEnvError);
    expect(load).toThrow(/ZOOM_EMULATOR_PORT[\s\S]*ZOOM_EMULATOR_TOKEN_TTL_SECONDS/);
  });
});
