import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterEach, beforeEach } from 'vitest';
import { buildApp } from '../../api/app.js';
import type { IntegrationGateway } from '../../api/integration-gateway.js';
import type { WebhookDeliveryGateway } from '../../api/webhook-gateway.js';
import type { FetchStartLink } from '../../api/zoom-start-links.js';
import { createSecretBox, generateKey } from '../../common/crypto.js';
import { createSqliteStore } from '../../store/sqlite-store.js';
import type { GreenroomStore } from '../../store/types.js';
import type { ActionAnswer, IntegrationView } from '../../workflows/zoom-integration-workflow.js';

export const NOW_MS = Date.parse('2030-06-01T12:00:00Z');
export const HOUR_MS = 3_600_000;
export const SECRET = 'Organiser-Client-Secret-7Hq2';
export const ACCESS_TOKEN = 'minted-access-token-value-Z9k1';

/** A view as the workflow would answer it for an active integration with a fresh token. */
export function activeView(overrides: Partial<IntegrationView> = {}): IntegrationView {
  return {
    eventId: 'evt-1',
    status: 'active',
    token: {
      fingerprint: 'fp',
      mintedAtMs: NOW_MS - HOUR_MS / 2,
      expiresAtMs: NOW_MS + HOUR_MS / 2,
    },
    lastError: null,
    mintCount: 1,
    transientAttempt: 0,
    recheckAttempt: 0,
    nextAttemptAtMs: NOW_MS + HOUR_MS / 4,
    totalCycles: 1,
    runsCompleted: 0,
    connected: true,
    nextTokenWorkAtMs: null,
    ...overrides,
  };
}

/** A gateway that answers what each test says and fails loudly for anything it did not expect. */
export function fakeGateway(overrides: Partial<IntegrationGateway> = {}): IntegrationGateway {
  const unexpected = () => Promise.reject(new Error('unexpected gateway call'));

  return {
    saveCredentials: unexpected,
    act: unexpected,
    read: unexpected,
    addHost: unexpected,
    removeHost: unexpected,
    importHosts: unexpected,
    syncHosts: unexpected,
    saveZoomSession: unexpected,
    saveZoomSessions: unexpected,
    requestMeetingCleanup: unexpected,
    ...overrides,
  };
}

/** A webhook gateway that records what the API asked of it, in order. */
export function fakeWebhookGateway(
  overrides: Partial<WebhookDeliveryGateway> = {},
): WebhookDeliveryGateway & { calls: string[] } {
  const calls: string[] = [];
  const record = (action: string) => (id: string) => {
    calls.push(`${action} ${id}`);
    return Promise.resolve();
  };

  return {
    calls,
    start: record('start'),
    resume: record('resume'),
    stop: record('stop'),
    ...overrides,
  };
}

/** Plays the workflow's part on save: mints with the saved credentials and commits the token. */
export function mintingGateway(store: GreenroomStore): IntegrationGateway {
  return fakeGateway({
    async saveCredentials(eventId, credentialsId): Promise<ActionAnswer> {
      const token = activeView().token;
      await store.commitToken({
        eventId,
        credentialsId,
        accessToken: ACCESS_TOKEN,
        mintedAtMs: token?.mintedAtMs ?? 0,
        expiresAtMs: token?.expiresAtMs ?? 0,
        scopes: [],
      });
      return { ok: true, view: activeView({ eventId }) };
    },
  });
}

export interface ApiFixture {
  store: GreenroomStore;
  /** The operator key the last app built sends; tests of access control send their own. */
  operatorKey: string;
  /** The webhook gateway the next app built uses; a fresh recording fake for each test. */
  webhooks: WebhookDeliveryGateway;
  /** Builds the app over the fixture's store; closed after the test. */
  app(
    gateway: IntegrationGateway,
    fetchStartLink?: FetchStartLink,
    requestsPerMinute?: number,
  ): Promise<FastifyInstance>;
}

/**
 * Sends the key with every injected request that does not bring its own authorization, so the
 * route tests exercise routes, and the access tests choose what to present.
 */
function withKey(app: FastifyInstance, token: string): FastifyInstance {
  const inject = app.inject.bind(app);
  const injectWithKey = (options: InjectOptions | string) => {
    const request = typeof options === 'string' ? { url: options } : options;
    const headers = { authorization: `Bearer ${token}`, ...request.headers };
    return inject({ ...request, headers });
  };
  return Object.assign(app, { inject: injectWithKey });
}

/** An in-memory store per test and an app built over it, both closed afterwards. */
export function useApi(): ApiFixture {
  const apps: FastifyInstance[] = [];
  const fixture: ApiFixture = {
    store: undefined as unknown as GreenroomStore,
    operatorKey: '',
    webhooks: fakeWebhookGateway(),
    app: build,
  };

  async function build(
    gateway: IntegrationGateway,
    fetchStartLink: FetchStartLink = () => Promise.reject(new Error('unexpected start link')),
    requestsPerMinute?: number,
  ): Promise<FastifyInstance> {
    const app = await buildApp({
      store: fixture.store,
      gateway,
      webhooks: fixture.webhooks,
      fetchStartLink,
      now: () => NOW_MS,
      requestsPerMinute,
      // The gateway stands in for Temporal here, so Temporal counts as answering.
      checkTemporal: () => Promise.resolve(),
    });
    apps.push(app);
    const { token } = await fixture.store.createApiKey({
      kind: 'operator',
      label: 'test',
      eventIds: [],
    });
    fixture.operatorKey = token;

    return withKey(app, token);
  }

  beforeEach(() => {
    fixture.webhooks = fakeWebhookGateway();
    fixture.store = createSqliteStore({
      filename: ':memory:',
      secretBox: createSecretBox(generateKey()),
    });
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    await fixture.store.close();
  });

  return fixture;
}

export function credentialsPayload(overrides: Record<string, unknown> = {}) {
  return { accountId: 'acct_1', clientId: 'client_1', clientSecret: SECRET, ...overrides };
}
