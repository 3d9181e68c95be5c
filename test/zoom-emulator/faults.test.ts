import { describe, expect, it } from 'vitest';
import { interpretTokenAnswer, ZoomTransientError } from '../../activities/zoom/token-client.js';
import { nextUtcMidnightIso } from '../../zoom-emulator/faults.js';
import {
  apiCall,
  attemptFor,
  control,
  getMe,
  mint,
  requestToken,
  useEmulator,
  type EmulatorFixture,
} from './helpers.js';
import { MEETING_SCOPES } from './meeting-helpers.js';

const PER_SECOND = {
  code: 429,
  message: 'You have reached the maximum per-second rate limit for this API. Try again later.',
};

/** Shortcuts for one fixture: add a fault, send the token request Greenroom sends. */
function faultTools(env: EmulatorFixture) {
  return {
    addFault: (body: object) => control(env.app, 'POST', '/faults', body),
    tokenCall: () => requestToken(env.app, attemptFor(env.credentials)),
  };
}

describe('zoom emulator faults', () => {
  const env = useEmulator();

  describe('status', () => statusCases(env));
  describe('targets', () => targetCases(env));
  describe('aimed at a method and a path', () => methodPathCases(env));
  describe('rate_limit', () => rateLimitCases(env));
  describe('latency, garbage and drop', () => transportCases(env));
  describe('control', () => controlCases(env));
});

function statusCases(env: EmulatorFixture): void {
  const { addFault, tokenCall } = faultTools(env);

  it('answers 503 by default, then lets calls through', async () => {
    await addFault({ kind: 'status' });

    expect((await tokenCall()).statusCode).toBe(503);
    expect((await tokenCall()).statusCode).toBe(200);
  });

  it('affects as many calls as count says', async () => {
    await addFault({ kind: 'status', status: 500, count: 2 });

    const statuses = [await tokenCall(), await tokenCall(), await tokenCall()];
    expect(statuses.map((response) => response.statusCode)).toStrictEqual([500, 500, 200]);
  });

  it('consumes faults first in, first out', async () => {
    await addFault({ kind: 'status', status: 502 });
    await addFault({ kind: 'status', status: 504 });

    expect((await tokenCall()).statusCode).toBe(502);
    expect((await tokenCall()).statusCode).toBe(504);
  });
}

function targetCases(env: EmulatorFixture): void {
  const { addFault, tokenCall } = faultTools(env);

  it('leaves token calls alone for an API fault', async () => {
    const token = await mint(env.app, env.credentials);
    await addFault({ kind: 'status', target: 'api' });

    expect((await tokenCall()).statusCode).toBe(200);
    expect((await getMe(env.app, token)).statusCode).toBe(503);
  });

  it('hits whichever call comes first with target any', async () => {
    const token = await mint(env.app, env.credentials);
    await addFault({ kind: 'status', target: 'any', count: 2 });

    expect((await getMe(env.app, token)).statusCode).toBe(503);
    expect((await tokenCall()).statusCode).toBe(503);
  });

  it('never touches the control API', async () => {
    await addFault({ kind: 'status', target: 'any' });

    expect(await control<unknown[]>(env.app, 'GET', '/faults')).toHaveLength(1);
  });
}

function methodPathCases(env: EmulatorFixture): void {
  const { addFault, tokenCall } = faultTools(env);
  /** A token that may read and delete meetings, so unspoiled calls answer 3001, not 4711. */
  const meetingToken = async () => {
    const scopes = [...MEETING_SCOPES, 'user:read:user:admin'];
    await control(env.app, 'PUT', `/apps/${env.credentials.clientId}/scopes`, { scopes });
    return mint(env.app, env.credentials);
  };

  it('spoils only calls with both the method and the path prefix', async () => {
    const token = await meetingToken();
    await addFault({ target: 'api', kind: 'status', method: 'DELETE', path: '/v2/meetings/' });
    const statusOf = async (method: 'GET' | 'DELETE', path: string) =>
      (await apiCall(env.app, token, method, path)).statusCode;

    expect(await statusOf('GET', '/meetings/12345678901')).toBe(404);
    expect(await statusOf('DELETE', '/webinars/12345678901')).toBe(404);
    expect(await statusOf('GET', '/users/me')).toBe(200);
    expect(await statusOf('DELETE', '/meetings/12345678901')).toBe(503);
    expect(await statusOf('DELETE', '/meetings/12345678901')).toBe(404);
  });

  it('matches a path prefix whatever the method, ignoring the query', async () => {
    const token = await meetingToken();
    await addFault({ target: 'api', kind: 'status', status: 500, path: '/v2/users/', count: 2 });

    expect((await apiCall(env.app, token, 'GET', '/meetings/1')).statusCode).toBe(404);
    expect((await apiCall(env.app, token, 'GET', '/users/x/meetings?page_size=5')).statusCode).toBe(
      500,
    );
    expect((await apiCall(env.app, token, 'POST', '/users/x/meetings', {})).statusCode).toBe(500);
  });

  it('lets an older fault aimed elsewhere wait while a later one spoils the call', async () => {
    const token = await meetingToken();
    await addFault({ target: 'api', kind: 'status', status: 502, path: '/v2/meetings/' });
    await addFault({ target: 'api', kind: 'status', status: 504 });

    expect((await getMe(env.app, token)).statusCode).toBe(504);
    expect((await apiCall(env.app, token, 'GET', '/meetings/1')).statusCode).toBe(502);
  });

  it('aims a token fault by method too, and shows the filters in the listing', async () => {
    await addFault({ kind: 'status', method: 'GET' });
    await addFault({ kind: 'status', status: 500, method: 'POST', path: '/oauth/token' });

    expect((await tokenCall()).statusCode).toBe(500);
    expect(await control(env.app, 'GET', '/faults')).toMatchObject([
      { target: 'token', method: 'GET', remaining: 1 },
    ]);
  });

  it('refuses a token fault aimed at an API path, which could never match', async () => {
    const body = { kind: 'status', method: 'DELETE', path: '/v2/meetings/' };
    const response = await env.app.inject({
      method: 'POST',
      url: '/_control/faults',
      payload: body,
    });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      error: { code: 'validation_failed', details: [{ field: 'path' }] },
    });
  });

  it('refuses an unknown method and a path without a leading slash', async () => {
    const send = (payload: object) =>
      env.app.inject({ method: 'POST', url: '/_control/faults', payload });

    expect((await send({ kind: 'status', target: 'api', method: 'FETCH' })).statusCode).toBe(400);
    expect((await send({ kind: 'status', target: 'api', path: 'v2/users' })).statusCode).toBe(400);
  });
}

function rateLimitCases(env: EmulatorFixture): void {
  const { addFault, tokenCall } = faultTools(env);

  it('answers 429 with Retry-After in seconds and the rate-limit headers', async () => {
    await addFault({ kind: 'rate_limit', retryAfter: { seconds: 7 } });

    const response = await tokenCall();
    expect(response.statusCode).toBe(429);
    expect(response.json()).toStrictEqual(PER_SECOND);
    expect(response.headers).toMatchObject({
      'retry-after': '7',
      'x-ratelimit-type': 'QPS',
      'x-ratelimit-category': expect.any(String) as unknown,
    });
    expect(retryAfterMs(response.statusCode, response.body, response.headers)).toBe(7000);
  });

  it('answers a daily limit with Retry-After as the next UTC midnight', async () => {
    await control(env.app, 'PUT', '/clock', { nowMs: Date.UTC(2030, 5, 15, 18, 30) });
    await addFault({ kind: 'rate_limit', retryAfter: { date: true } });

    const response = await tokenCall();
    expect(response.statusCode).toBe(429);
    expect(response.headers).toMatchObject({
      'retry-after': '2030-06-16T00:00:00Z',
      'x-ratelimit-type': 'Daily-limit',
    });
  });

  it('can answer without any rate-limit headers', async () => {
    await addFault({ kind: 'rate_limit', retryAfter: null });

    const response = await tokenCall();
    expect(response.statusCode).toBe(429);
    expect(response.json()).toStrictEqual(PER_SECOND);
    expect(Object.keys(response.headers)).not.toContain('retry-after');
    expect(Object.keys(response.headers)).not.toContain('x-ratelimit-type');
  });
}

function transportCases(env: EmulatorFixture): void {
  const { addFault, tokenCall } = faultTools(env);

  it('delays the call for latency, then answers normally', async () => {
    await addFault({ kind: 'latency', latencyMs: 80 });

    const startedAt = performance.now();
    expect((await tokenCall()).statusCode).toBe(200);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(75);
  });

  it('answers garbage as a 200 HTML page the token client rejects', async () => {
    await addFault({ kind: 'garbage' });

    const response = await tokenCall();
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    const answer = () => interpretTokenAnswer(200, response.body, new Headers(), Date.now());
    expect(answer).toThrow(ZoomTransientError);
  });

  it('drops the connection without answering, on a real socket', async () => {
    const address = await env.app.listen({ host: '127.0.0.1', port: 0 });
    await addFault({ kind: 'drop' });
    const { authorization = '', form } = attemptFor(env.credentials);
    const send = () =>
      fetch(`${address}/oauth/token`, {
        method: 'POST',
        headers: { authorization },
        body: new URLSearchParams(form),
      });

    await expect(send()).rejects.toThrow();
    expect((await send()).status).toBe(200);
  });
}

function controlCases(env: EmulatorFixture): void {
  const { addFault, tokenCall } = faultTools(env);

  it('lists pending faults with what is left of them, and clears them', async () => {
    await addFault({ kind: 'status', count: 3 });
    await tokenCall();

    const pending = await control(env.app, 'GET', '/faults');
    expect(pending).toMatchObject([{ kind: 'status', remaining: 2 }]);
    await control(env.app, 'DELETE', '/faults');
    expect(await control(env.app, 'GET', '/faults')).toStrictEqual([]);
  });

  it('counts injected faults', async () => {
    await addFault({ kind: 'status', count: 2 });
    await tokenCall();
    await tokenCall();

    expect(await control(env.app, 'GET', '/stats')).toMatchObject({ faultsInjected: 2 });
  });

  it('refuses a fault without a kind, naming the field', async () => {
    const response = await env.app.inject({ method: 'POST', url: '/_control/faults', payload: {} });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      error: { code: 'validation_failed', details: [{ field: 'kind' }] },
    });
  });
}

describe('nextUtcMidnightIso', () => {
  it('rolls over month ends', () => {
    expect(nextUtcMidnightIso(Date.UTC(2030, 0, 31, 23, 59))).toBe('2030-02-01T00:00:00Z');
  });
});

/** The wait the token client derives from a 429 answer. */
function retryAfterMs(status: number, body: string, headers: Record<string, unknown>) {
  const entries = Object.entries(headers).map(([name, value]): [string, string] => [
    name,
    String(value),
  ]);
  try {
    interpretTokenAnswer(status, body, new Headers(entries), Date.now());
  } catch (error) {
    if (error instanceof ZoomTransientError) return error.retryAfterMs;
  }
  return undefined;
}
