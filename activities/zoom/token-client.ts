import type { RefusalCause } from '../../common/status.js';
import { missingScopes } from './scopes.js';

export interface ZoomCredentials {
  accountId: string;
  clientId: string;
  clientSecret: string;
}

export interface MintedToken {
  accessToken: string;
  expiresInSeconds: number;
  scopes: string[];
  apiUrl: string | undefined;
}

/** Zoom refused the credentials or scopes; only the organiser can change that. */
export class ZoomRefusal extends Error {
  override name = 'ZoomRefusal';
  constructor(
    readonly refusalCause: RefusalCause,
    readonly zoomReason: string,
    readonly missing: string[] = [],
  ) {
    super(`zoom refused the token request: ${refusalCause}`);
  }
}

/** Zoom could not answer usefully now (network, timeout, 5xx, 429, garbage); retry later. */
export class ZoomTransientError extends Error {
  override name = 'ZoomTransientError';
  constructor(
    readonly reason: 'network' | 'timeout' | 'server_error' | 'rate_limited' | 'bad_response',
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export interface TokenClientOptions {
  oauthUrl: string;
  timeoutMs: number;
  fetch?: typeof fetch;
  now?: () => number;
}

/** Requests a Server-to-Server OAuth token, classifying every answer as a token or an error. */
export function createZoomTokenClient(options: TokenClientOptions) {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;

  return async function requestToken(credentials: ZoomCredentials): Promise<MintedToken> {
    const response = await send(doFetch, options, credentials);
    const text = await readBody(response);
    return interpretTokenAnswer(response.status, text, response.headers, now());
  };
}

async function send(
  doFetch: typeof fetch,
  options: TokenClientOptions,
  credentials: ZoomCredentials,
): Promise<Response> {
  const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString(
    'base64',
  );
  // The parameters go in the form body: Zoom has been seen to fail them in the query string.
  const body = new URLSearchParams({
    grant_type: 'account_credentials',
    account_id: credentials.accountId,
  });
  try {
    return await doFetch(options.oauthUrl, {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    throw networkFailure(error);
  }
}

function networkFailure(error: unknown): ZoomTransientError {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new ZoomTransientError('timeout', 'zoom did not answer in time');
  }
  return new ZoomTransientError('network', 'zoom could not be reached');
}

/** Bodies past this size are not a token answer; reading them whole would only waste memory. */
const MAX_TOKEN_BODY_BYTES = 64 * 1024;

async function readBody(response: Response): Promise<string> {
  try {
    return await readAtMost(response, MAX_TOKEN_BODY_BYTES);
  } catch (error) {
    throw networkFailure(error);
  }
}

/** Reads the body up to `limit` bytes and drops the rest unread, however large Zoom sends it. */
async function readAtMost(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size <= limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  if (size > limit) await reader.cancel();

  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

/** Turns Zoom's status and body into a token or a classified error; exported for unit tests. */
export function interpretTokenAnswer(
  status: number,
  text: string,
  headers: Headers,
  nowMs: number,
): MintedToken {
  if (status === 429) throw rateLimited(headers, nowMs);
  if (status >= 500) throw new ZoomTransientError('server_error', `zoom answered ${status}`);
  const body = parseJsonObject(text);
  if (status === 200) return readToken(body);
  if (status === 400 || status === 401 || status === 403) throw refusalFrom(body, status);
  throw new ZoomTransientError('bad_response', `zoom answered an unexpected ${status}`);
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function readToken(body: Record<string, unknown> | undefined): MintedToken {
  const token = body?.access_token;
  const expiresIn = body?.expires_in;
  if (typeof token !== 'string' || token.length === 0 || typeof expiresIn !== 'number') {
    throw new ZoomTransientError('bad_response', 'zoom answered 200 without a usable token');
  }
  if (!Number.isFinite(expiresIn) || expiresIn <= 0) {
    throw new ZoomTransientError('bad_response', 'zoom answered a token with no lifetime');
  }
  // A token with no scope string is treated as granting nothing: the scope check then refuses it.
  const scopes = typeof body?.scope === 'string' ? body.scope.split(' ').filter(Boolean) : [];
  const missing = missingScopes(scopes);
  if (missing.length > 0) throw new ZoomRefusal('scopes_missing', 'token lacks scopes', missing);
  const apiUrl = typeof body?.api_url === 'string' ? body.api_url : undefined;
  return { accessToken: token, expiresInSeconds: expiresIn, scopes, apiUrl };
}

function refusalFrom(
  body: Record<string, unknown> | undefined,
  status: number,
): ZoomRefusal | ZoomTransientError {
  const reason = [body?.reason, body?.message].find((text) => typeof text === 'string') ?? '';
  const error = typeof body?.error === 'string' ? body.error : '';
  const cause = refusalCause(error, reason, body?.code);
  if (!cause) return new ZoomTransientError('bad_response', `zoom answered ${status} unreadably`);
  return new ZoomRefusal(cause, reason);
}

function refusalCause(error: string, reason: string, code: unknown): RefusalCause | undefined {
  const lowered = reason.toLowerCase();
  // Zoom reports a disabled app as code 4717 with status 400 or 401; both shapes land here.
  if (code === 4717 || lowered.includes('disabled')) return 'app_disabled';
  if (error === 'invalid_client') return 'invalid_client';
  if (error === 'unsupported_grant_type') return 'unsupported_grant_type';
  if (lowered.includes('account does not exist')) return 'account_not_found';
  if (lowered.includes('oauth app type')) return 'app_type_not_enabled';
  if (error === 'invalid_request') return 'account_not_found';
  return undefined;
}

function rateLimited(headers: Headers, nowMs: number): ZoomTransientError {
  const retryAfterMs = parseRetryAfter(headers.get('retry-after'), nowMs);
  return new ZoomTransientError('rate_limited', 'zoom rate-limited the call', retryAfterMs);
}

/** Zoom sends Retry-After as an ISO date-time on daily limits; plain seconds are handled too. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
