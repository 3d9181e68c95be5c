import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../zoom-emulator/rate-limits.js';
import { apiGet, control, createApp, mint, useEmulator, type EmulatorFixture } from './helpers.js';

const PER_SECOND = {
  code: 429,
  message: 'You have reached the maximum per-second rate limit for this API. Try again later.',
};

// A frozen wall clock keeps every call of a test inside one emulator second.
const FROZEN_MS = Date.UTC(2030, 0, 1, 12);

/** Sends the same call n times in a row and returns the statuses. */
async function repeat(n: number, call: () => Promise<LightMyRequestResponse>) {
  const statuses: number[] = [];
  for (let index = 0; index < n; index += 1) statuses.push((await call()).statusCode);

  return statuses;
}

function tools(env: EmulatorFixture) {
  return {
    listWith: (token: string) => () => apiGet(env.app, token, '/users'),
    setPlan: (plan: string, accountId = env.credentials.accountId) =>
      control(env.app, 'PATCH', `/accounts/${accountId}`, { plan }),
  };
}

describe('zoom emulator rate limits', () => {
  const env = useEmulator({ wallNow: () => FROZEN_MS });

  describe('per plan and category', () => planCases(env));
  describe('by category', () => categoryCases(env));
  describe('per account', () => accountCases(env));
  describe('switch and counters', () => switchCases(env));
});

function planCases(env: EmulatorFixture): void {
  const { listWith } = tools(env);

  it('refuses the 21st medium call of a pro account within one second', async () => {
    const list = listWith(await mint(env.app, env.credentials));
    expect(await repeat(20, list)).toStrictEqual(Array<number>(20).fill(200));

    const refused = await list();
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toStrictEqual(PER_SECOND);
    expect(refused.headers).toMatchObject({
      'x-ratelimit-category': 'Medium',
      'x-ratelimit-type': 'QPS',
      'x-ratelimit-limit': '20',
      'x-ratelimit-remaining': '0',
      'retry-after': '1',
    });
  });

  it('counts down the remaining calls on accepted answers', async () => {
    const list = listWith(await mint(env.app, env.credentials));

    expect((await list()).headers).toMatchObject({ 'x-ratelimit-remaining': '19' });
    expect((await list()).headers).toMatchObject({ 'x-ratelimit-remaining': '18' });
  });

  it('lets calls through again once the emulator second has passed', async () => {
    const list = listWith(await mint(env.app, env.credentials));
    await repeat(21, list);

    await control(env.app, 'POST', '/clock/advance', { ms: 1000 });
    expect((await list()).statusCode).toBe(200);
  });
}

function categoryCases(env: EmulatorFixture): void {
  const { listWith, setPlan } = tools(env);

  it('shares the medium budget between list users and get settings', async () => {
    const token = await mint(env.app, env.credentials);
    await repeat(10, listWith(token));
    const settings = () => apiGet(env.app, token, '/users/nobody/settings');

    expect(await repeat(11, settings)).toStrictEqual([...Array<number>(10).fill(404), 429]);
  });

  it('keeps light calls apart from an exhausted medium budget', async () => {
    const token = await mint(env.app, env.credentials);
    await repeat(21, listWith(token));

    const getUser = await apiGet(env.app, token, '/users/nobody');
    expect(getUser.statusCode).toBe(404);
    expect(getUser.headers).toMatchObject({ 'x-ratelimit-category': 'Light' });
  });

  it('holds a free account to 4 light calls and a business one to 60 medium', async () => {
    const token = await mint(env.app, env.credentials);
    await setPlan('free');
    expect(await repeat(5, () => apiGet(env.app, token, '/users/me'))).toStrictEqual([
      200, 200, 200, 200, 429,
    ]);

    await setPlan('business');
    expect((await repeat(61, listWith(token))).filter((status) => status === 429)).toHaveLength(1);
  });
}

function accountCases(env: EmulatorFixture): void {
  const { listWith } = tools(env);

  it('shares one budget between all apps of an account', async () => {
    const { clientId, clientSecret } = await control<{ clientId: string; clientSecret: string }>(
      env.app,
      'POST',
      `/accounts/${env.credentials.accountId}/apps`,
    );
    const second = { accountId: env.credentials.accountId, clientId, clientSecret };
    await repeat(10, listWith(await mint(env.app, env.credentials)));

    const statuses = await repeat(11, listWith(await mint(env.app, second)));
    expect(statuses.at(-1)).toBe(429);
  });

  it('gives each account a budget of its own', async () => {
    await repeat(21, listWith(await mint(env.app, env.credentials)));

    const other = await mint(env.app, await createApp(env.app));
    expect((await listWith(other)()).statusCode).toBe(200);
  });
}

function switchCases(env: EmulatorFixture): void {
  const { listWith } = tools(env);

  it('enforces nothing once switched off', async () => {
    await control(env.app, 'PUT', '/settings', { rateLimits: false });

    const statuses = await repeat(30, listWith(await mint(env.app, env.credentials)));
    expect(statuses.every((status) => status === 200)).toBe(true);
  });

  it('counts calls by endpoint and category, and the refusals', async () => {
    const token = await mint(env.app, env.credentials);
    await repeat(21, listWith(token));
    await apiGet(env.app, token, '/users/nobody');
    await apiGet(env.app, token, '/users/nobody/settings');
    await apiGet(env.app, token, '/users/me');

    expect(await control(env.app, 'GET', '/stats')).toMatchObject({
      apiCalls: 24,
      apiCallsByEndpoint: {
        'GET /v2/users': 21,
        'GET /v2/users/:userId': 1,
        'GET /v2/users/:userId/settings': 1,
        'GET /v2/users/me': 1,
      },
      apiCallsByCategory: { Medium: 22, Light: 2 },
      apiRateLimited: 2,
    });
  });
}

describe('RateLimiter', () => {
  it('slides its window rather than resetting on whole seconds', () => {
    const limiter = new RateLimiter();
    limiter.take('a', 2, 900);
    limiter.take('a', 2, 1100);

    expect(limiter.take('a', 2, 1200)).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.take('a', 2, 1900)).toMatchObject({ allowed: true, remaining: 0 });
  });
});
