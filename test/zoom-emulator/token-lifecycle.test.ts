import { describe, expect, it } from 'vitest';
import { interpretTokenAnswer, ZoomRefusal } from '../../activities/zoom/token-client.js';
import { REQUIRED_SCOPES } from '../../activities/zoom/scopes.js';
import {
  attemptFor,
  basicAuth,
  control,
  getMe,
  mint,
  requestToken,
  useEmulator,
  type EmulatorFixture,
} from './helpers.js';

const HOUR_MS = 3600 * 1000;
const EXPIRED = { code: 124, message: 'Access token is expired.' };
const INVALID = { code: 124, message: 'Invalid access token.' };
const GRANULAR = REQUIRED_SCOPES.map((options) => options[0]);

describe('zoom emulator token lifecycle', () => {
  const env = useEmulator({ publicApiUrl: 'http://127.0.0.1:4321' });

  describe('when a token is minted', () => mintingCases(env));
  describe('when the token is used on the API', () => bearerCases(env));
  describe('when time passes on the emulator clock', () => expiryCases(env));
  describe('when the organiser changes the app', () => appChangeCases(env));

  it('counts requests, issued tokens and API calls', async () => {
    await getMe(env.app, await mint(env.app, env.credentials));

    expect(await control(env.app, 'GET', '/stats')).toStrictEqual({
      tokenRequests: 1,
      tokensIssued: 1,
      tokenRefusals: 0,
      apiCalls: 1,
      apiCallsByEndpoint: { 'GET /v2/users/me': 1 },
      apiCallsByCategory: { Light: 1 },
      apiRateLimited: 0,
      faultsInjected: 0,
    });
  });
});

function mintingCases(env: EmulatorFixture): void {
  it('answers the S2S token shape with every granted scope and the api url', async () => {
    const response = await requestToken(env.app, attemptFor(env.credentials));

    expect(response.statusCode).toBe(200);
    expect(response.json()).toStrictEqual({
      access_token: expect.any(String) as unknown,
      token_type: 'bearer',
      expires_in: 3600,
      scope: GRANULAR.join(' '),
      api_url: 'http://127.0.0.1:4321',
    });
  });

  it('is accepted by the token client without complaint', async () => {
    const response = await requestToken(env.app, attemptFor(env.credentials));

    const minted = interpretTokenAnswer(200, response.body, new Headers(), Date.now());
    expect(minted.scopes).toStrictEqual(GRANULAR);
    expect(minted.apiUrl).toBe('http://127.0.0.1:4321');
  });

  it('announces 3599 when settings ask for it but keeps the token an hour', async () => {
    await control(env.app, 'PUT', '/settings', { expiresInOffsetSeconds: -1 });
    const response = await requestToken(env.app, attemptFor(env.credentials));
    const token = response.json<{ access_token: string }>().access_token;
    await control(env.app, 'POST', '/clock/advance', { ms: HOUR_MS - 500 });

    expect(response.json()).toMatchObject({ expires_in: 3599 });
    expect((await getMe(env.app, token)).statusCode).toBe(200);
  });

  it('ignores parameters sent in the query string instead of the body', async () => {
    const { accountId, clientId, clientSecret } = env.credentials;
    const response = await env.app.inject({
      method: 'POST',
      url: `/oauth/token?grant_type=account_credentials&account_id=${accountId}`,
      headers: { authorization: basicAuth(clientId, clientSecret) },
    });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });
}

function bearerCases(env: EmulatorFixture): void {
  it('accepts it in the Authorization header', async () => {
    const token = await mint(env.app, env.credentials);
    await control(env.app, 'POST', `/accounts/${env.credentials.accountId}/users`, {
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
    });

    const response = await getMe(env.app, token);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ email: 'ada@example.com', type: 2, status: 'active' });
  });

  it('refuses it as a query parameter', async () => {
    const token = await mint(env.app, env.credentials);

    const response = await env.app.inject({ url: `/v2/users/me?access_token=${token}` });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toStrictEqual(INVALID);
  });

  it('refuses a call without a token or with a made-up one', async () => {
    const missing = await env.app.inject({ url: '/v2/users/me' });
    const madeUp = await getMe(env.app, 'made-up');

    expect([missing.statusCode, madeUp.statusCode]).toStrictEqual([401, 401]);
    expect(madeUp.json()).toStrictEqual(INVALID);
  });
}

function expiryCases(env: EmulatorFixture): void {
  const advance = (ms: number) => control(env.app, 'POST', '/clock/advance', { ms });

  it('keeps the token valid until its lifetime is over', async () => {
    const token = await mint(env.app, env.credentials);
    await advance(HOUR_MS - 1000);

    expect((await getMe(env.app, token)).statusCode).toBe(200);
  });

  it('answers 401 code 124 "Access token is expired." after the lifetime', async () => {
    const token = await mint(env.app, env.credentials);
    await advance(HOUR_MS);

    const response = await getMe(env.app, token);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toStrictEqual(EXPIRED);
  });

  it('follows the configured lifetime', async () => {
    await control(env.app, 'PUT', '/settings', { tokenTtlSeconds: 60 });
    const token = await mint(env.app, env.credentials);
    await advance(60_000);

    expect((await getMe(env.app, token)).json()).toStrictEqual(EXPIRED);
  });

  it('stamps tokens with the time the clock was set to', async () => {
    const nowMs = Date.UTC(2030, 0, 1);
    await control(env.app, 'PUT', '/clock', { nowMs });
    await mint(env.app, env.credentials);

    const url = `/apps/${env.credentials.clientId}/tokens`;
    const [entry] = await control<{ issuedAtMs: number; expiresAtMs: number }[]>(
      env.app,
      'GET',
      url,
    );
    expect(entry?.issuedAtMs).toBeGreaterThanOrEqual(nowMs);
    expect(entry?.issuedAtMs).toBeLessThan(nowMs + 5000);
    expect(entry && entry.expiresAtMs - entry.issuedAtMs).toBe(HOUR_MS);
  });
}

function appChangeCases(env: EmulatorFixture): void {
  const appUrl = (suffix: string) => `/apps/${env.credentials.clientId}${suffix}`;

  it('revokes live tokens on deactivation: 401 code 124 "Invalid access token."', async () => {
    const token = await mint(env.app, env.credentials);
    await control(env.app, 'POST', appUrl('/deactivate'));

    const response = await getMe(env.app, token);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toStrictEqual(INVALID);
    const ledger = await control(env.app, 'GET', appUrl('/tokens'));
    expect(ledger).toStrictEqual([expect.objectContaining({ revoked: true })]);
  });

  it('mints again once the app is activated again', async () => {
    await control(env.app, 'POST', appUrl('/deactivate'));
    await control(env.app, 'POST', appUrl('/activate'));

    expect((await getMe(env.app, await mint(env.app, env.credentials))).statusCode).toBe(200);
  });

  it('keeps minted tokens valid after a secret regeneration', async () => {
    const token = await mint(env.app, env.credentials);
    const url = appUrl('/regenerate-secret');
    const { clientSecret } = await control<{ clientSecret: string }>(env.app, 'POST', url);

    expect((await getMe(env.app, token)).statusCode).toBe(200);
    expect((await requestToken(env.app, attemptFor(env.credentials))).statusCode).toBe(400);
    expect(await mint(env.app, { ...env.credentials, clientSecret })).toEqual(expect.any(String));
  });

  scopeChangeCases(env, appUrl);

  it('revokes live tokens when the app is deleted', async () => {
    const token = await mint(env.app, env.credentials);
    await control(env.app, 'DELETE', appUrl(''));

    expect((await getMe(env.app, token)).json()).toStrictEqual(INVALID);
  });
}

function scopeChangeCases(env: EmulatorFixture, appUrl: (suffix: string) => string): void {
  it('narrows the scope string when the owner lost admin rights', async () => {
    const scopes = ['user:read:user:admin', 'meeting:read:meeting:admin'];
    await control(env.app, 'PUT', appUrl('/scopes'), { scopes });

    const response = await requestToken(env.app, attemptFor(env.credentials));
    expect(response.json()).toMatchObject({ scope: scopes.join(' ') });
    const answer = () => interpretTokenAnswer(200, response.body, new Headers(), Date.now());
    expect(answer).toThrow(ZoomRefusal);
  });

  it('answers 4711 when the token lacks the scope the call needs', async () => {
    await control(env.app, 'PUT', appUrl('/scopes'), { scopes: ['meeting:read:meeting:admin'] });

    const response = await getMe(env.app, await mint(env.app, env.credentials));
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 4711 });
  });
}
