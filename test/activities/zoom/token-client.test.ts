import { describe, expect, it } from 'vitest';
import { REQUIRED_SCOPES } from '../../../activities/zoom/scopes.js';
import {
  createZoomTokenClient,
  ZoomRefusal,
  ZoomTransientError,
  type ZoomCredentials,
} from '../../../activities/zoom/token-client.js';

const OAUTH_URL = 'http://127.0.0.1:9/oauth/token';
const NOW_MS = Date.parse('2030-01-01T00:00:00Z');
const CREDENTIALS: ZoomCredentials = {
  accountId: 'acct_42',
  clientId: 'client_42',
  clientSecret: 'secret_42',
};
const GRANULAR = REQUIRED_SCOPES.map((options) => options[0] ?? '');
const CLASSIC = [
  'user:read:admin',
  'meeting:read:admin',
  'meeting:write:admin',
  'webinar:read:admin',
  'webinar:write:admin',
];

interface Sent {
  url: string;
  init: RequestInit;
}

function clientAnswering(answer: () => Promise<Response>, sent: Sent[] = []) {
  const fakeFetch = (async (url: string, init?: RequestInit) => {
    sent.push({ url, init: init ?? {} });
    return answer();
  }) as typeof fetch;

  return createZoomTokenClient({
    oauthUrl: OAUTH_URL,
    timeoutMs: 1_000,
    fetch: fakeFetch,
    now: () => NOW_MS,
  });
}

function answering(status: number, body: string, headers: Record<string, string> = {}) {
  return clientAnswering(() => Promise.resolve(new Response(body, { status, headers })));
}

function tokenBody(fields: Record<string, unknown> = {}): string {
  return JSON.stringify({
    access_token: 'tok_abc',
    token_type: 'bearer',
    expires_in: 3600,
    scope: GRANULAR.join(' '),
    api_url: 'https://api.zoom.us',
    ...fields,
  });
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }

  throw new Error('expected the request to fail');
}

async function transientReason(promise: Promise<unknown>): Promise<string> {
  const error = await caught(promise);
  if (!(error instanceof ZoomTransientError)) throw error;

  return error.reason;
}

describe('createZoomTokenClient', () => {
  describe('when it sends a token request', () => requestShapeCases());
  describe('when Zoom cannot be reached', () => networkCases());
  describe('when Zoom answers an error status', () => statusCases());
  describe('when Zoom answers 200 with an unusable body', () => badBodyCases());
  describe('when Zoom answers 200 with a token', () => scopeCases());
});

function requestShapeCases(): void {
  it('posts the grant in a form body with a Basic header, not in the query string', async () => {
    const sent: Sent[] = [];
    const client = clientAnswering(() => Promise.resolve(new Response(tokenBody())), sent);
    await client(CREDENTIALS);

    const [request] = sent;
    const headers = new Headers(request?.init.headers);
    const basic = Buffer.from('client_42:secret_42').toString('base64');
    expect(request?.url).toBe(OAUTH_URL);
    expect(request?.init.method).toBe('POST');
    expect(headers.get('authorization')).toBe(`Basic ${basic}`);
    expect(headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(
      Object.fromEntries(new URLSearchParams(request?.init.body as URLSearchParams)),
    ).toStrictEqual({
      grant_type: 'account_credentials',
      account_id: 'acct_42',
    });
  });

  it('passes a timeout signal to fetch', async () => {
    const sent: Sent[] = [];
    await clientAnswering(() => Promise.resolve(new Response(tokenBody())), sent)(CREDENTIALS);

    expect(sent[0]?.init.signal).toBeInstanceOf(AbortSignal);
  });

  it('answers the token, its lifetime, scopes and api url', async () => {
    expect(await answering(200, tokenBody())(CREDENTIALS)).toStrictEqual({
      accessToken: 'tok_abc',
      expiresInSeconds: 3600,
      scopes: GRANULAR,
      apiUrl: 'https://api.zoom.us',
    });
  });
}

function networkCases(): void {
  it('fails with reason network when fetch rejects', async () => {
    const client = clientAnswering(() => Promise.reject(new TypeError('fetch failed')));

    expect(await transientReason(client(CREDENTIALS))).toBe('network');
  });

  it('fails with reason timeout when fetch rejects with a TimeoutError', async () => {
    const timeout = new DOMException('The operation timed out.', 'TimeoutError');
    const client = clientAnswering(() => Promise.reject(timeout));

    expect(await transientReason(client(CREDENTIALS))).toBe('timeout');
  });

  it('fails with reason timeout when the body cannot be read in time', async () => {
    const body = new ReadableStream({
      pull(controller) {
        controller.error(new DOMException('The operation timed out.', 'TimeoutError'));
      },
    });
    const client = clientAnswering(() => Promise.resolve(new Response(body)));

    expect(await transientReason(client(CREDENTIALS))).toBe('timeout');
  });
}

function statusCases(): void {
  it.each([500, 502, 503, 504])('fails with reason server_error on %i', async (status) => {
    expect(await transientReason(answering(status, '<html>down</html>')(CREDENTIALS))).toBe(
      'server_error',
    );
  });

  it('reads Retry-After given in seconds on 429', async () => {
    const error = await caught(answering(429, '{}', { 'retry-after': '30' })(CREDENTIALS));

    expect(error).toBeInstanceOf(ZoomTransientError);
    expect(error).toMatchObject({ reason: 'rate_limited', retryAfterMs: 30_000 });
  });

  it('reads Retry-After given as an ISO date on 429', async () => {
    const at = new Date(NOW_MS + 90_000).toISOString();
    const error = await caught(answering(429, '{}', { 'retry-after': at })(CREDENTIALS));

    expect(error).toMatchObject({ reason: 'rate_limited', retryAfterMs: 90_000 });
  });

  it('leaves retryAfterMs unset on 429 without a readable Retry-After', async () => {
    const error = await caught(answering(429, '', { 'retry-after': 'soon' })(CREDENTIALS));

    expect(error).toMatchObject({ reason: 'rate_limited', retryAfterMs: undefined });
  });

  it('refuses with invalid_client on 401 invalid_client', async () => {
    const body = JSON.stringify({
      reason: 'Invalid client_id or client_secret',
      error: 'invalid_client',
    });
    const error = await caught(answering(401, body)(CREDENTIALS));

    expect(error).toBeInstanceOf(ZoomRefusal);
    expect(error).toMatchObject({ refusalCause: 'invalid_client' });
  });
}

function badBodyCases(): void {
  it.each([
    ['garbage', 'not json at all'],
    ['HTML', '<!doctype html><html><body>Zoom</body></html>'],
    ['truncated JSON', tokenBody().slice(0, 40)],
    ['an empty body', ''],
    ['JSON null', 'null'],
    ['a JSON array', '[1,2]'],
    ['a numeric token', tokenBody({ access_token: 12345 })],
    ['an empty token', tokenBody({ access_token: '' })],
    ['a string lifetime', tokenBody({ expires_in: '3600' })],
    ['a zero lifetime', tokenBody({ expires_in: 0 })],
    ['an infinite lifetime', tokenBody().replace('3600', '1e400')],
    ['a huge body', tokenBody().replace('{', `{${' '.repeat(70 * 1024)}`)],
  ])('fails with reason bad_response on %s', async (_label, body) => {
    expect(await transientReason(answering(200, body)(CREDENTIALS))).toBe('bad_response');
  });
}

function scopeCases(): void {
  it('refuses with scopes_missing listing every requirement when no scope is given', async () => {
    const error = await caught(answering(200, tokenBody({ scope: undefined }))(CREDENTIALS));

    expect(error).toBeInstanceOf(ZoomRefusal);
    expect(error).toMatchObject({ refusalCause: 'scopes_missing', missing: GRANULAR });
  });

  it('lists only the granular names of the requirements not met', async () => {
    const granted = GRANULAR.filter((scope) => !scope.startsWith('webinar:')).join(' ');
    const error = await caught(answering(200, tokenBody({ scope: granted }))(CREDENTIALS));

    expect(error).toMatchObject({
      refusalCause: 'scopes_missing',
      missing: GRANULAR.filter((scope) => scope.startsWith('webinar:')),
    });
  });

  it('accepts the classic scopes of apps made before granular scopes', async () => {
    const minted = await answering(200, tokenBody({ scope: CLASSIC.join(' ') }))(CREDENTIALS);

    expect(minted.scopes).toStrictEqual(CLASSIC);
  });
}
