import { parseRetryAfter, ZoomTransientError } from './token-client.js';

/** Zoom answered 401 with code 124: the token expired or was revoked; mint once and retry once. */
export class ZoomTokenRejected extends Error {
  override name = 'ZoomTokenRejected';
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

/** Calls Zoom's REST API with a bearer token, classifying every failure by what can fix it. */
export function createZoomApiClient(options: ZoomApiOptions) {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;

  return async function getJson(path: string, accessToken: string): Promise<unknown> {
    let response: Response;
    try {
      response = await doFetch(`${options.apiUrl}${path}`, {
        headers: { authorization: `Bearer ${accessToken}` },
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch {
      throw new ZoomTransientError('network', 'zoom could not be reached');
    }
    const text = await response.text().catch(() => '');
    return interpretApiAnswer(response.status, text, response.headers, now());
  };
}

export type ZoomGet = ReturnType<typeof createZoomApiClient>;

/** Turns a Zoom API answer into its JSON or a classified error; exported for unit tests. */
export function interpretApiAnswer(
  status: number,
  text: string,
  headers: Headers,
  nowMs: number,
): unknown {
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
