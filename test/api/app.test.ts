import type { InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { credentialsPayload, fakeGateway, useApi } from './harness.js';

const DOCUMENTED_ROUTES = [
  'put /events/{eventId}/zoom/credentials',
  'get /events/{eventId}/zoom',
  'delete /events/{eventId}/zoom',
  'post /events/{eventId}/zoom/token/regenerate',
  'post /events/{eventId}/zoom/disable',
  'post /events/{eventId}/zoom/enable',
  'get /events/{eventId}/people',
  'post /events/{eventId}/people',
  'get /events/{eventId}/people/{personId}',
  'get /events/{eventId}/zoom/hosts',
  'post /events/{eventId}/zoom/hosts',
  'delete /events/{eventId}/zoom/hosts/{hostId}',
  'post /events/{eventId}/zoom/hosts/import',
  'post /events/{eventId}/zoom/hosts/sync',
  'post /events/{eventId}/sessions',
  'post /events/{eventId}/sessions/batch',
  'post /keys',
  'get /keys',
  'delete /keys/{keyId}',
  'get /audit',
  'get /events/{eventId}/audit',
  'get /notifications',
  'get /events/{eventId}/notifications',
  'post /webhooks',
  'get /webhooks',
  'delete /webhooks/{id}',
  'post /webhooks/{id}/secret',
  'post /webhooks/{id}/resume',
  'get /events/{eventId}/sessions',
  'get /events/{eventId}/sessions/{sessionId}',
  'put /events/{eventId}/sessions/{sessionId}',
  'delete /events/{eventId}/sessions/{sessionId}',
  'put /events/{eventId}/sessions/{sessionId}/stream',
  'get /events/{eventId}/sessions/{sessionId}/zoom/start-url',
  'get /healthz',
  'get /readyz',
];

function operations(paths: Record<string, Record<string, unknown>>): string[] {
  return Object.entries(paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => `${method} ${path}`),
  );
}

describe('buildApp', () => {
  const api = useApi();

  describe('when any request is answered', () => {
    const gateway = fakeGateway({
      read: () => Promise.resolve({ source: 'none' }),
      act: () => Promise.reject(new Error('boom')),
    });
    const requests: [string, InjectOptions][] = [
      ['a 200', { method: 'GET', url: '/events/evt-1/zoom' }],
      ['a 400', { method: 'PUT', url: '/events/evt-1/zoom/credentials', payload: {} }],
      ['a 404', { method: 'GET', url: '/nowhere' }],
      ['a 413', { method: 'PUT', url: '/events/e/zoom/credentials', payload: 'x'.repeat(70_000) }],
      ['a 500', { method: 'POST', url: '/events/evt-1/zoom/enable' }],
      ['the health check', { method: 'GET', url: '/healthz' }],
    ];

    it.each(requests)('sets an x-request-id header on %s', async (_label, request) => {
      const response = await (await api.app(gateway)).inject(request);

      expect(response.headers['x-request-id']).toMatch(/^req_[0-9a-f-]{36}$/);
    });

    it('gives each request its own id and ignores one sent by the caller', async () => {
      const app = await api.app(gateway);
      const request = {
        method: 'GET',
        url: '/healthz',
        headers: { 'x-request-id': 'forged' },
      } as const;
      const ids = await Promise.all([app.inject(request), app.inject(request)]);

      const [first, second] = ids.map((response) => response.headers['x-request-id']);
      expect(first).not.toBe('forged');
      expect(first).not.toBe(second);
    });
  });

  describe('when the OpenAPI document is requested', () => {
    it('lists exactly the documented routes, health included', async () => {
      const response = await (
        await api.app(fakeGateway())
      ).inject({ method: 'GET', url: '/docs/json' });
      const document = response.json<{
        openapi: string;
        paths: Record<string, Record<string, unknown>>;
      }>();

      expect(response.statusCode).toBe(200);
      expect(document.openapi).toMatch(/^3\./);
      expect(operations(document.paths).sort()).toStrictEqual([...DOCUMENTED_ROUTES].sort());
    });

    it('documents the credentials body without an example secret', async () => {
      const response = await (
        await api.app(fakeGateway())
      ).inject({ method: 'GET', url: '/docs/json' });

      expect(response.body).toContain('clientSecret');
      expect(response.body).not.toContain(String(credentialsPayload().clientSecret));
    });
  });
});
