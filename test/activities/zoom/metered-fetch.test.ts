import { describe, expect, it } from 'vitest';
import { meteredFetch } from '../../../activities/zoom/metered-fetch.js';

const API_URL = 'http://127.0.0.1:9099/v2';

function recorder() {
  const calls: string[] = [];
  return {
    calls,
    metrics: {
      zoomCall: (endpoint: string, status: string) => calls.push(`${endpoint} ${status}`),
    },
  };
}

function answering(status: number): typeof fetch {
  return () => Promise.resolve(new Response(status === 204 ? null : '{}', { status }));
}

function failingWith(error: Error): typeof fetch {
  return () => Promise.reject(error);
}

describe('meteredFetch', () => {
  describe('when Zoom answers', () => {
    it('counts the call by route template below the API base and by status', async () => {
      const { calls, metrics } = recorder();
      const zoomFetch = meteredFetch(answering(404), metrics, API_URL);

      const response = await zoomFetch(`${API_URL}/users/ada%40example.com`, { method: 'GET' });

      expect(response.status).toBe(404);
      expect(calls).toStrictEqual(['GET /users/{userId} 404']);
    });

    it('counts a token request by its path and method', async () => {
      const { calls, metrics } = recorder();
      const zoomFetch = meteredFetch(answering(200), metrics, API_URL);

      await zoomFetch('http://127.0.0.1:9099/oauth/token', { method: 'POST' });

      expect(calls).toStrictEqual(['POST /oauth/token 200']);
    });

    it('takes GET when no method is given', async () => {
      const { calls, metrics } = recorder();

      await meteredFetch(answering(204), metrics, API_URL)(new URL(`${API_URL}/meetings/123`));

      expect(calls).toStrictEqual(['GET /meetings/{meetingId} 204']);
    });
  });

  describe('when Zoom does not answer', () => {
    it.each([
      ['TimeoutError', 'timeout'],
      ['AbortError', 'timeout'],
      ['TypeError', 'network'],
    ])('counts a %s as %s and passes the error on', async (name, status) => {
      const { calls, metrics } = recorder();
      const error = Object.assign(new Error('no answer'), { name });
      const zoomFetch = meteredFetch(failingWith(error), metrics, API_URL);

      await expect(zoomFetch(`${API_URL}/users`, { method: 'GET' })).rejects.toBe(error);
      expect(calls).toStrictEqual([`GET /users ${status}`]);
    });
  });
});
