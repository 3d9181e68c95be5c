import { describe, expect, it } from 'vitest';
import type { IntegrationGateway, IntegrationReading } from '../../../api/integration-gateway.js';
import { refusalError } from '../../../workflows/zoom-integration/outcomes.js';
import {
  ACCESS_TOKEN,
  activeView,
  credentialsPayload,
  fakeGateway,
  HOUR_MS,
  mintingGateway,
  NOW_MS,
  SECRET,
  useApi,
} from '../harness.js';

const EVENT_URL = '/events/evt-1/zoom';
const iso = (ms: number) => new Date(ms).toISOString();

function reading(value: IntegrationReading): IntegrationGateway {
  return fakeGateway({ read: () => Promise.resolve(value) });
}

describe('zoom integration routes', () => {
  const api = useApi();

  async function connect(): Promise<void> {
    const app = await api.app(mintingGateway(api.store));
    await app.inject({
      method: 'PUT',
      url: `${EVENT_URL}/credentials`,
      payload: credentialsPayload(),
    });
  }

  describe('when credentials are saved and Zoom mints', () => {
    it('answers the active integration with identifiers and a token preview', async () => {
      const app = await api.app(mintingGateway(api.store));
      const payload = credentialsPayload();
      const response = await app.inject({
        method: 'PUT',
        url: `${EVENT_URL}/credentials`,
        payload,
      });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        eventId: 'evt-1',
        status: 'active',
        accountId: 'acct_1',
        clientId: 'client_1',
        token: { preview: `…${ACCESS_TOKEN.slice(-4)}`, expired: false },
        source: 'workflow',
      });
    });

    it('never answers the client secret or the access token', async () => {
      const app = await api.app(mintingGateway(api.store));
      const payload = credentialsPayload();
      const response = await app.inject({
        method: 'PUT',
        url: `${EVENT_URL}/credentials`,
        payload,
      });
      const read = await (
        await api.app(reading({ source: 'workflow', view: activeView() }))
      ).inject({ method: 'GET', url: EVENT_URL });

      for (const body of [response.body, read.body]) {
        expect(body).not.toContain(SECRET);
        expect(body).not.toContain(ACCESS_TOKEN);
        expect(body).not.toContain('clientSecret');
      }
    });

    it('hands the gateway the id of the stored candidate credentials', async () => {
      const seen: string[] = [];
      const gateway = fakeGateway({
        saveCredentials: (_eventId, credentialsId) => {
          seen.push(credentialsId);
          const error = refusalError({ cause: 'invalid_client', missingScopes: [] }, NOW_MS);
          return Promise.resolve({ ok: false, error });
        },
      });
      await (
        await api.app(gateway)
      ).inject({
        method: 'PUT',
        url: `${EVENT_URL}/credentials`,
        payload: credentialsPayload(),
      });

      expect(await api.store.readCredentials(seen[0] ?? '')).toMatchObject({
        clientSecret: SECRET,
      });
    });
  });

  describe('when the workflow answers the status query', () => {
    it('renders the view with the stored identifiers and times', async () => {
      await connect();
      const view = activeView();
      const app = await api.app(reading({ source: 'workflow', view }));
      const response = await app.inject({ method: 'GET', url: EVENT_URL });

      expect(response.json()).toStrictEqual({
        eventId: 'evt-1',
        status: 'active',
        accountId: 'acct_1',
        clientId: 'client_1',
        token: {
          preview: `…${ACCESS_TOKEN.slice(-4)}`,
          mintedAt: iso(NOW_MS - HOUR_MS / 2),
          expiresAt: iso(NOW_MS + HOUR_MS / 2),
          expired: false,
        },
        nextAttemptAt: iso(NOW_MS + HOUR_MS / 4),
        lastError: null,
        tokensMinted: 1,
        source: 'workflow',
      });
    });

    it('marks a token past its expiry as expired', async () => {
      const token = { fingerprint: 'fp', mintedAtMs: NOW_MS - 2 * HOUR_MS, expiresAtMs: NOW_MS };
      const app = await api.app(reading({ source: 'workflow', view: activeView({ token }) }));
      const response = await app.inject({ method: 'GET', url: EVENT_URL });

      expect(response.json()).toMatchObject({ token: { preview: null, expired: true } });
    });

    it('renders the last refusal with its time', async () => {
      const lastError = refusalError({ cause: 'app_disabled', missingScopes: [] }, NOW_MS);
      const view = activeView({ status: 'needs_organiser', lastError });
      const app = await api.app(reading({ source: 'workflow', view }));
      const response = await app.inject({ method: 'GET', url: EVENT_URL });

      expect(response.json()).toMatchObject({
        status: 'needs_organiser',
        lastError: { code: 'zoom_credentials_refused', cause: 'app_disabled', at: iso(NOW_MS) },
      });
    });
  });

  describe('when only the search attributes can answer', () => {
    it('renders the indexed status and expiry', async () => {
      await connect();
      const indexed = {
        status: 'degraded' as const,
        cause: null,
        tokenExpiresAtMs: NOW_MS + HOUR_MS / 2,
      };
      const app = await api.app(reading({ source: 'search_attributes', indexed }));
      const response = await app.inject({ method: 'GET', url: EVENT_URL });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        status: 'degraded',
        accountId: 'acct_1',
        token: { expiresAt: iso(NOW_MS + HOUR_MS / 2), expired: false },
        lastError: null,
        tokensMinted: 0,
        source: 'search_attributes',
      });
    });
  });

  describe('when there is no integration', () => {
    it('answers 200 not_connected', async () => {
      const app = await api.app(reading({ source: 'none' }));
      const response = await app.inject({ method: 'GET', url: EVENT_URL });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toStrictEqual({
        eventId: 'evt-1',
        status: 'not_connected',
        accountId: null,
        clientId: null,
        token: null,
        nextAttemptAt: null,
        lastError: null,
        tokensMinted: 0,
        source: 'none',
      });
    });

    it('answers not_connected after a disconnect ended the workflow', async () => {
      const view = activeView({ connected: false, status: 'disabled', token: null });
      const gateway = fakeGateway({ act: () => Promise.resolve({ ok: true, view }) });
      const response = await (await api.app(gateway)).inject({ method: 'DELETE', url: EVENT_URL });

      expect(response.json()).toMatchObject({ status: 'not_connected', source: 'none' });
    });
  });

  describe('when an action succeeds', () => {
    it.each([
      ['POST', '/token/regenerate', 'regenerate'],
      ['POST', '/disable', 'disable'],
      ['POST', '/enable', 'enable'],
    ] as const)('%s %s asks the gateway to %s', async (method, suffix, expected) => {
      const actions: string[] = [];
      const gateway = fakeGateway({
        act: (_eventId, name) => {
          actions.push(name);
          return Promise.resolve({ ok: true, view: activeView() });
        },
      });
      const response = await (await api.app(gateway)).inject({ method, url: EVENT_URL + suffix });

      expect(response.statusCode).toBe(200);
      expect(actions).toStrictEqual([expected]);
    });

    it('accepts an empty JSON object as the body', async () => {
      const gateway = fakeGateway({ act: () => Promise.resolve({ ok: true, view: activeView() }) });
      const app = await api.app(gateway);
      const response = await app.inject({
        method: 'POST',
        url: `${EVENT_URL}/enable`,
        payload: {},
      });

      expect(response.statusCode).toBe(200);
    });
  });
});
