import { describe, expect, it } from 'vitest';
import {
  createZoomApiClient,
  createZoomRequester,
  interpretApiAnswer,
  ZoomDailyLimitReached,
  ZoomApiError,
  ZoomTokenRejected,
} from '../../../activities/zoom/api-client.js';
import { ZoomTransientError } from '../../../activities/zoom/token-client.js';

const NOW_MS = Date.parse('2026-12-04T12:00:00Z');
const answer =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  () =>
    interpretApiAnswer(status, JSON.stringify(body), new Headers(headers), NOW_MS);

describe('interpretApiAnswer', () => {
  describe('when Zoom answers 2xx', () => {
    it('returns the JSON body', () => {
      expect(answer(200, { id: 'u1' })()).toEqual({ id: 'u1' });
    });

    it('treats an unreadable 200 as a transient bad response', () => {
      const garbage = () => interpretApiAnswer(200, '<html>', new Headers(), NOW_MS);
      expect(garbage).toThrow(ZoomTransientError);
    });
  });

  describe('when Zoom refuses the token', () => {
    it('throws ZoomTokenRejected for 401 with code 124 only', () => {
      expect(answer(401, { code: 124, message: 'Access token is expired.' })).toThrow(
        ZoomTokenRejected,
      );
      expect(answer(401, { code: 4711, message: 'scopes' })).toThrow(ZoomApiError);
    });
  });

  describe('when Zoom rate-limits or fails', () => {
    it('reads Retry-After in seconds or as Zoom’s ISO date', () => {
      const seconds = captured(answer(429, { code: 429 }, { 'retry-after': '2' }));
      expect(seconds).toMatchObject({ reason: 'rate_limited', retryAfterMs: 2000 });
      const daily = captured(answer(429, {}, { 'retry-after': '2026-12-05T00:00:00Z' }));
      expect(daily).toMatchObject({ retryAfterMs: 12 * 3600 * 1000 });
      expect(captured(answer(429, {}))).toMatchObject({ retryAfterMs: undefined });
    });

    it('tells a daily limit apart: the organiser hears when it resets, nothing retries', () => {
      const headers = { 'x-ratelimit-type': 'Daily-limit', 'retry-after': '2026-12-05T00:00:00Z' };
      const error = captured(answer(429, { code: 429 }, headers));
      expect(error).toBeInstanceOf(ZoomDailyLimitReached);
      expect(error).toMatchObject({ resetsAtMs: Date.parse('2026-12-05T00:00:00Z') });
      const without = captured(answer(429, {}, { 'x-ratelimit-type': 'daily-limit' }));
      expect(without).toMatchObject({ resetsAtMs: null });
    });

    it('classifies 5xx as transient server errors', () => {
      expect(captured(answer(503, {}))).toMatchObject({ reason: 'server_error' });
    });
  });

  describe('when Zoom refuses the call itself', () => {
    it('keeps the status, Zoom’s code and message', () => {
      const error = captured(answer(404, { code: 1001, message: 'User does not exist: x.' }));
      expect(error).toBeInstanceOf(ZoomApiError);
      expect(error).toMatchObject({
        status: 404,
        zoomCode: 1001,
        message: 'User does not exist: x.',
      });
    });
  });
});

describe('createZoomApiClient', () => {
  it('sends the token in the Authorization header, never in the query string', async () => {
    const seen: { url: string; auth: string | null }[] = [];
    const get = createZoomApiClient({
      apiUrl: 'http://zoom.test/v2',
      timeoutMs: 1000,
      fetch: (input, init) => {
        const url =
          typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
        seen.push({ url, auth: new Headers(init?.headers).get('authorization') });
        return Promise.resolve(new Response('{"ok":true}', { status: 200 }));
      },
    });
    await get('/users/me', 'tok-123');
    expect(seen).toEqual([{ url: 'http://zoom.test/v2/users/me', auth: 'Bearer tok-123' }]);
  });

  it('sends writes as JSON and answers null for a 204 without a body', async () => {
    const seen: { method?: string; type: string | null; body: unknown }[] = [];
    const request = createZoomRequester({
      apiUrl: 'http://zoom.test/v2',
      timeoutMs: 1000,
      fetch: (_input, init) => {
        const type = new Headers(init?.headers).get('content-type');
        seen.push({ method: init?.method, type, body: init?.body });
        return Promise.resolve(new Response(null, { status: 204 }));
      },
    });
    expect(await request('PATCH', '/meetings/1', 't', { topic: 'x' })).toBeNull();
    expect(await request('DELETE', '/meetings/1', 't')).toBeNull();
    expect(seen).toEqual([
      { method: 'PATCH', type: 'application/json', body: '{"topic":"x"}' },
      { method: 'DELETE', type: null, body: undefined },
    ]);
  });

  it('turns a network failure into a transient error', async () => {
    const get = createZoomApiClient({
      apiUrl: 'http://zoom.test/v2',
      timeoutMs: 1000,
      fetch: () => Promise.reject(new TypeError('fetch failed')),
    });
    await expect(get('/users', 't')).rejects.toMatchObject({ reason: 'network' });
  });
});

function captured(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
