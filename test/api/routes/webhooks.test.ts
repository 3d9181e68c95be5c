import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../api/errors.js';
import { fakeGateway, fakeWebhookGateway, useApi } from '../harness.js';

interface SubscriptionAnswer {
  id: string;
  url: string;
  eventTypes: string[];
  state: string;
  failureReason: string | null;
  cursor: number;
  previousSecretExpiresAt: string | null;
  secret?: string;
  pending?: number;
}

describe('webhook routes', () => {
  const api = useApi();

  async function subscribe(payload: Record<string, unknown> = { url: 'https://hooks.test/in' }) {
    const app = await api.app(fakeGateway());
    const response = await app.inject({ method: 'POST', url: '/webhooks', payload });
    return { app, response, body: response.json<SubscriptionAnswer>() };
  }

  describe('POST /webhooks', () => {
    it('answers 201 with the secret once, uncached, and starts the delivery', async () => {
      const { response, body } = await subscribe({
        url: 'http://127.0.0.1:9/hook',
        eventTypes: ['integration.disconnected', 'integration.disconnected'],
      });

      expect(response.statusCode).toBe(201);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(body).toMatchObject({ state: 'active', eventTypes: ['integration.disconnected'] });
      expect(api.webhooks).toMatchObject({ calls: [`start ${body.id}`] });
    });

    it.each([
      ['a non-http scheme', { url: 'ftp://hooks.test/in' }, 'http or https'],
      ['a relative url', { url: '/in' }, 'http or https'],
      ['an unknown type', { url: 'https://h.test', eventTypes: ['host.eaten'] }, 'host.eaten'],
      ['an unknown field', { url: 'https://h.test', secret: 'x' }, 'secret'],
      ['no host', { url: 'http:///path' }, 'http(s)://host'],
      ['a user and password', { url: 'http://u:pw@h.test/in' }, 'no user or password'],
      ['a line break', { url: 'http://h.test/in\r\nX-Injected: 1' }, 'control characters'],
      ['a space', { url: 'http://h.test/a b' }, 'spaces'],
    ])('answers 400 naming the problem for %s', async (_label, payload, named) => {
      const { response } = await subscribe(payload);

      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: { code: 'validation_failed' } });
      expect(response.body).toContain(named);
    });

    it('keeps no subscription when the delivery cannot start', async () => {
      api.webhooks = fakeWebhookGateway({
        start: () => Promise.reject(new ApiError('workflow_unavailable')),
      });
      const { app, response } = await subscribe();

      expect(response.statusCode).toBe(503);
      const listed = await app.inject({ url: '/webhooks' });
      expect(listed.json()).toStrictEqual({ items: [] });
    });
  });

  describe('GET /webhooks', () => {
    it('lists state, cursor and pending count, never a secret', async () => {
      const { app, body } = await subscribe();
      await api.store.recordNotifications([
        { id: 'ntf_1', type: 'integration.disconnected', eventId: 'e', atMs: 1, payload: {} },
      ]);
      const listed = await app.inject({ url: '/webhooks' });

      expect(listed.json()).toMatchObject({
        items: [{ id: body.id, state: 'active', cursor: 0, pending: 1 }],
      });
      expect(listed.body).not.toContain(body.secret);
      expect(listed.body).not.toContain('secret"');
    });
  });

  describe('POST /webhooks/{id}/secret', () => {
    it('shows a new secret once and says until when the old one still signs', async () => {
      const { app, body } = await subscribe();
      const response = await app.inject({ method: 'POST', url: `/webhooks/${body.id}/secret` });

      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      const rotated = response.json<SubscriptionAnswer>();
      expect(rotated.secret).not.toBe(body.secret);
      expect(rotated.previousSecretExpiresAt).not.toBeNull();
      expect(await api.store.readWebhookSecrets(body.id)).toStrictEqual([
        rotated.secret,
        body.secret,
      ]);
    });
  });

  describe('POST /webhooks/{id}/resume', () => {
    it('makes a failing subscription active and tells its delivery', async () => {
      const { app, body } = await subscribe();
      await api.store.setWebhookState(body.id, 'failing', 'the receiver answered 503');
      const response = await app.inject({ method: 'POST', url: `/webhooks/${body.id}/resume` });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ state: 'active', failureReason: null });
      expect(api.webhooks).toMatchObject({ calls: [`start ${body.id}`, `resume ${body.id}`] });
    });

    it('answers 409 for a subscription that is delivering', async () => {
      const { app, body } = await subscribe();
      const response = await app.inject({ method: 'POST', url: `/webhooks/${body.id}/resume` });

      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ error: { code: 'webhook_not_failing' } });
    });
  });

  describe('DELETE /webhooks/{id}', () => {
    it('deletes the subscription and stops its delivery, then answers 404', async () => {
      const { app, body } = await subscribe();
      const deleted = await app.inject({ method: 'DELETE', url: `/webhooks/${body.id}` });
      const again = await app.inject({ method: 'DELETE', url: `/webhooks/${body.id}` });

      expect(deleted.statusCode).toBe(204);
      expect(api.webhooks).toMatchObject({ calls: [`start ${body.id}`, `stop ${body.id}`] });
      expect(again.statusCode).toBe(404);
      expect(again.json()).toMatchObject({ error: { code: 'webhook_not_found' } });
    });

    it('answers 400 for an id that is not a webhook id', async () => {
      const app = await api.app(fakeGateway());
      const response = await app.inject({ method: 'DELETE', url: '/webhooks/grk_1' });

      expect(response.statusCode).toBe(400);
      expect(response.body).toContain('whk_');
    });
  });

  describe('with an organiser key', () => {
    it('answers 403 on every webhook route', async () => {
      const app = await api.app(fakeGateway());
      const { token } = await api.store.createApiKey({
        kind: 'organiser',
        label: 'org',
        eventIds: ['evt-1'],
      });
      const headers = { authorization: `Bearer ${token}` };
      const response = await app.inject({ method: 'GET', url: '/webhooks', headers });

      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ error: { code: 'forbidden' } });
    });
  });
});
