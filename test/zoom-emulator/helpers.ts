import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach } from 'vitest';
import { buildZoomEmulator, type ZoomEmulatorOptions } from '../../zoom-emulator/app.js';

/** Credentials and ids of an app made through the control API. */
export interface TestApp {
  accountId: string;
  clientId: string;
  clientSecret: string;
}

export function basicAuth(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
}

/** A control API call that must succeed; its JSON body is returned. */
export async function control<T = Record<string, unknown>>(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  payload?: object,
): Promise<T> {
  const response = await app.inject({ method, url: `/_control${url}`, payload });
  if (response.statusCode >= 300) {
    throw new Error(`${method} ${url} answered ${response.statusCode}: ${response.body}`);
  }

  return (response.body ? response.json() : undefined) as T;
}

/** Makes an account and one app on it; overrides go to the account and app bodies. */
export async function createApp(
  app: FastifyInstance,
  account: object = {},
  appBody: object = {},
): Promise<TestApp> {
  const { id: accountId } = await control<{ id: string }>(app, 'POST', '/accounts', account);
  const created = await control<TestApp>(app, 'POST', `/accounts/${accountId}/apps`, appBody);

  return { accountId, clientId: created.clientId, clientSecret: created.clientSecret };
}

export interface TokenAttempt {
  authorization?: string;
  form?: Record<string, string>;
}

/** The request Greenroom's token client sends, for the given app. */
export function attemptFor(credentials: TestApp): TokenAttempt {
  return {
    authorization: basicAuth(credentials.clientId, credentials.clientSecret),
    form: { grant_type: 'account_credentials', account_id: credentials.accountId },
  };
}

export function requestToken(
  app: FastifyInstance,
  attempt: TokenAttempt,
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (attempt.authorization !== undefined) headers.authorization = attempt.authorization;

  return app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers,
    payload: new URLSearchParams(attempt.form ?? {}).toString(),
  });
}

/** Mints a token for the app and returns the access token, failing loudly on refusal. */
export async function mint(app: FastifyInstance, credentials: TestApp): Promise<string> {
  const response = await requestToken(app, attemptFor(credentials));
  if (response.statusCode !== 200) throw new Error(`token refused: ${response.body}`);

  return response.json<{ access_token: string }>().access_token;
}

export function getMe(app: FastifyInstance, token: string): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'GET',
    url: '/v2/users/me',
    headers: { authorization: `Bearer ${token}` },
  });
}

/** A GET on the emulated Zoom API with the token as bearer; path starts after `/v2`. */
export function apiGet(
  app: FastifyInstance,
  token: string,
  path: string,
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'GET',
    url: `/v2${path}`,
    headers: { authorization: `Bearer ${token}` },
  });
}

export type ApiMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** Any call on the emulated Zoom API with the token as bearer; path starts after `/v2`. */
export function apiCall(
  app: FastifyInstance,
  token: string,
  method: ApiMethod,
  path: string,
  payload?: object,
): Promise<LightMyRequestResponse> {
  return app.inject({
    method,
    url: `/v2${path}`,
    headers: { authorization: `Bearer ${token}` },
    payload,
  });
}

/** Makes one user on the account through the control API: licensed and active unless told. */
export function addUser(
  app: FastifyInstance,
  accountId: string,
  body: { email: string; type?: number; status?: string; settings?: object },
): Promise<{ id: string; email: string }> {
  return control(app, 'POST', `/accounts/${accountId}/users`, {
    firstName: 'Ada',
    lastName: 'Lovelace',
    ...body,
  });
}

/** Makes count users on the account through the bulk control route. */
export function bulkUsers(
  app: FastifyInstance,
  accountId: string,
  body: { count: number; emailPrefix?: string; type?: number; status?: string },
): Promise<{ created: number; totalUsers: number }> {
  return control(app, 'POST', `/accounts/${accountId}/users/bulk`, body);
}

/** A fresh emulator with one ready S2S app per test; read its fields inside tests only. */
export interface EmulatorFixture {
  readonly app: FastifyInstance;
  readonly credentials: TestApp;
}

export function useEmulator(options: ZoomEmulatorOptions = {}): EmulatorFixture {
  let current: EmulatorFixture | undefined;
  beforeEach(async () => {
    const app = await buildZoomEmulator(options);
    current = { app, credentials: await createApp(app) };
  });
  afterEach(async () => {
    await current?.app.close();
    current = undefined;
  });

  const get = (): EmulatorFixture => {
    if (!current) throw new Error('the emulator fixture is only available inside tests');
    return current;
  };
  return {
    get app() {
      return get().app;
    },
    get credentials() {
      return get().credentials;
    },
  };
}
