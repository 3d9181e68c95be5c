import { parseRetryAfter, ZoomTransientError } from './token-client.js';

/** Zoom answered 401 with code 124: the token expired or was revoked; mint once and retry once. */
export class ZoomTokenRejected extends Error {
  override name = 'ZoomTokenRejected';
}

/** Zoom refused a create or update: the host's daily budget is spent until `resetsAtMs`. */
export class ZoomDailyLimitReached extends Error {
  override name = 'ZoomDailyLimitReached';
  constructor(readonly resetsAtMs: number | null) {
    super('zoom refused the call: the daily limit is reached');
  }
}

/** Zoom refused the call itself (404 user missing, 400 pending user, …); retrying cannot help. */
export class ZoomApiError extends Error {
  override name = 'ZoomApiError';
  constructor(
    readonly status: number,
    readonly zoomCode: number | null,
    message: string,
  ) {
    super(message);
  }
}

export interface ZoomApiOptions {
  apiUrl: string;
  timeoutMs: number;
  fetch?: typeof fetch;
  now?: () => number;
}

export type ZoomMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** Calls Zoom's REST API with a bearer token, classifying every failure by what can fix it. */
export function createZoomRequester(options: ZoomApiOptions) {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;

  /** Answers Zoom's JSON, or null for a 204 without a body (updates and deletes). */
  return async function request(
    method: ZoomMethod,
    path: string,
    accessToken: string,
    body?: unknown,
  ): Promise<unknown> {
    let response: Response;
    try {
      response = await doFetch(`${options.apiUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${accessToken}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch {
      throw new ZoomTransientError('network', 'zoom could not be reached');
    }
    const text = await response.text().catch(() => '');
    if (response.status === 204) return null;
    return interpretApiAnswer(response.status, text, response.headers, now());
  };
}

export type ZoomRequest = ReturnType<typeof createZoomRequester>;

/** The read-only client the host activities use: GET only. */
export function createZoomApiClient(options: ZoomApiOptions) {
  const request = createZoomRequester(options);
  return (path: string, accessToken: string) => request('GET', path, accessToken);
}

export type ZoomGet = ReturnType<typeof createZoomApiClient>;

/** Turns a Zoom API answer into its JSON or a classified error; exported for unit tests. */
export function interpretApiAnswer(
  status: number,
  text: string,
  headers: Headers,
  nowMs: number,
): unknown {
  if (status === 429 && headers.get('x-ratelimit-type')?.toLowerCase() === 'daily-limit') {
    // Waiting out a daily limit takes hours: the organiser hears it rather than a retry loop.
    const retryAfterMs = parseRetryAfter(headers.get('retry-after'), nowMs);
    throw new ZoomDailyLimitReached(retryAfterMs === undefined ? null : nowMs + retryAfterMs);
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(headers.get('retry-after'), nowMs);
    throw new ZoomTransientError('rate_limited', 'zoom rate-limited the call', retryAfterMs);
  }
  if (status >= 500) throw new ZoomTransientError('server_error', `zoom answered ${status}`);
  const body = parseJson(text);
  if (status >= 200 && status < 300) {
    if (body === undefined) throw new ZoomTransientError('bad_response', 'zoom answered garbage');
    return body;
  }
  const code = typeof body?.code === 'number' ? body.code : null;
  if (status === 401 && code === 124) throw new ZoomTokenRejected('zoom rejected the token');
  const message = typeof body?.message === 'string' ? body.message : `zoom answered ${status}`;

  throw new ZoomApiError(status, code, message);
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
