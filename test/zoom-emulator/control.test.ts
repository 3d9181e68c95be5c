import { describe, expect, it } from 'vitest';
import { control, createApp, mint, useEmulator, type EmulatorFixture } from './helpers.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A raw control call whose status the test inspects itself. */
function caller(env: EmulatorFixture) {
  return (method: Method, url: string, payload?: object) =>
    env.app.inject({ method, url: `/_control${url}`, payload });
}

describe('zoom emulator control API', () => {
  const env = useEmulator();

  describe('accounts', () => accountCases(env));
  describe('apps', () => appCases(env));
  describe('validation', () => validationCases(env));
  describe('clock, settings and reset', () => systemCases(env));
});

function accountCases(env: EmulatorFixture): void {
  const call = caller(env);

  it('creates a pro account with S2S enabled by default', async () => {
    const response = await call('POST', '/accounts', {});

    expect(response.statusCode).toBe(201);
    expect(response.json()).toStrictEqual({
      id: expect.any(String) as unknown,
      plan: 'pro',
      s2sEnabled: true,
    });
  });

  it('refuses a second account with the same id', async () => {
    await call('POST', '/accounts', { id: 'same' });

    expect((await call('POST', '/accounts', { id: 'same' })).statusCode).toBe(409);
  });

  it('changes plan and S2S switch with PATCH', async () => {
    await call('POST', '/accounts', { id: 'acct' });

    const response = await call('PATCH', '/accounts/acct', { s2sEnabled: false });
    expect(response.json()).toStrictEqual({ id: 'acct', plan: 'pro', s2sEnabled: false });
  });

  it('shows apps without secrets, and users', async () => {
    const { accountId } = await createApp(env.app, { id: 'acct' });
    const user = { email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace', type: 1 };
    await call('POST', `/accounts/${accountId}/users`, user);

    const account = await control(env.app, 'GET', '/accounts/acct');
    expect(JSON.stringify(account)).not.toContain('clientSecret');
    expect(account).toMatchObject({
      apps: [{ type: 's2s', activated: true }],
      users: [{ email: 'ada@example.com', type: 1, status: 'active' }],
    });
  });
}

function appCases(env: EmulatorFixture): void {
  const call = caller(env);

  it('creates an app with random credentials and every granular scope', async () => {
    await call('POST', '/accounts', { id: 'acct' });

    const response = await call('POST', '/accounts/acct/apps', {});
    expect(response.statusCode).toBe(201);
    const created = response.json<{ clientId: string; clientSecret: string }>();
    expect(created.clientId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(created.clientSecret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(created).toMatchObject({ accountId: 'acct', type: 's2s', activated: true });
    expect(created).toHaveProperty('scopes', expect.arrayContaining(['user:read:user:admin']));
  });

  it('answers 404 for an unknown account or app', async () => {
    const responses = await Promise.all([
      call('POST', '/accounts/nope/apps', {}),
      call('PATCH', '/accounts/nope', {}),
      call('POST', '/apps/nope/deactivate'),
      call('GET', '/apps/nope/tokens'),
      call('DELETE', '/apps/nope'),
    ]);

    expect(responses.map((response) => response.statusCode)).toStrictEqual([
      404, 404, 404, 404, 404,
    ]);
    expect(responses[0]?.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('lists issued tokens without their values', async () => {
    const token = await mint(env.app, env.credentials);

    const response = await call('GET', `/apps/${env.credentials.clientId}/tokens`);
    expect(response.body).not.toContain(token);
    expect(response.json()).toStrictEqual([
      {
        issuedAtMs: expect.any(Number) as unknown,
        expiresAtMs: expect.any(Number) as unknown,
        revoked: false,
      },
    ]);
  });
}

function validationCases(env: EmulatorFixture): void {
  const call = caller(env);

  it('names the offending field', async () => {
    const response = await call('POST', '/accounts', { plan: 'platinum' });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      error: {
        code: 'validation_failed',
        message: expect.stringContaining('plan') as unknown,
        details: [{ field: 'plan' }],
      },
    });
  });

  it('names unknown fields too', async () => {
    const response = await call('PUT', '/settings', { tokenTtl: 5 });

    expect(response.json()).toMatchObject({ error: { details: [{ field: 'tokenTtl' }] } });
  });

  it('refuses a status other than 400 or 401 for refusals', async () => {
    expect((await call('PUT', '/settings', { invalidClientStatus: 403 })).statusCode).toBe(400);
  });

  it('answers unparsable JSON in the same shape', async () => {
    const response = await env.app.inject({
      method: 'POST',
      url: '/_control/accounts',
      headers: { 'content-type': 'application/json' },
      payload: '{',
    });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'validation_failed' } });
  });
}

function systemCases(env: EmulatorFixture): void {
  it('sets and advances the emulator time', async () => {
    const nowMs = Date.UTC(2031, 2, 3);
    await control(env.app, 'PUT', '/clock', { nowMs });
    await control(env.app, 'POST', '/clock/advance', { ms: 60_000 });

    const { nowMs: after } = await control<{ nowMs: number }>(env.app, 'GET', '/clock');
    expect(after - nowMs).toBeGreaterThanOrEqual(60_000);
    expect(after - nowMs).toBeLessThan(65_000);
  });

  it('starts settings from Zoom-like defaults and merges changes', async () => {
    await control(env.app, 'PUT', '/settings', { tokenTtlSeconds: 120 });

    expect(await control(env.app, 'GET', '/settings')).toStrictEqual({
      tokenTtlSeconds: 120,
      expiresInOffsetSeconds: 0,
      invalidClientStatus: 400,
      disabledAppStatus: 400,
      rateLimits: true,
    });
  });

  it('clears accounts, faults, counters and settings on reset', async () => {
    await mint(env.app, env.credentials);
    await control(env.app, 'POST', '/faults', { kind: 'status' });
    await control(env.app, 'PUT', '/settings', { tokenTtlSeconds: 5 });

    await control(env.app, 'POST', '/reset');
    const account = await caller(env)('GET', `/accounts/${env.credentials.accountId}`);
    expect(account.statusCode).toBe(404);
    expect(await control(env.app, 'GET', '/faults')).toStrictEqual([]);
    expect(await control(env.app, 'GET', '/stats')).toMatchObject({ tokensIssued: 0 });
    expect(await control(env.app, 'GET', '/settings')).toMatchObject({ tokenTtlSeconds: 3600 });
    expect(await control(env.app, 'GET', '/coverage')).toMatchObject({ apps: [] });
  });
}
