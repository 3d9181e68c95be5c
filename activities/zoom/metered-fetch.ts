import { zoomEndpoint, type GreenroomMetrics } from '../../common/metrics.js';

/**
 * Wraps the fetch the Zoom clients use so that every call counts once, by route template and
 * status: the token endpoint and the REST API alike, whichever client made it. A call that got
 * no answer counts as `timeout` or `network`, and its error goes on to the client unchanged.
 */
export function meteredFetch(
  inner: typeof fetch,
  metrics: Pick<GreenroomMetrics, 'zoomCall'>,
  apiUrl: string,
): typeof fetch {
  return async (input, init) => {
    const endpoint = zoomEndpoint(init?.method ?? 'GET', zoomPath(urlOf(input), apiUrl));
    try {
      const response = await inner(input, init);
      metrics.zoomCall(endpoint, String(response.status));
      return response;
    } catch (error) {
      metrics.zoomCall(endpoint, failureStatus(error));
      throw error;
    }
  };
}

function urlOf(input: string | URL | Request): string {
  if (typeof input === 'string') return input;
  return input instanceof URL ? input.href : input.url;
}

/** The path below the API's base (`/v2` at Zoom), so templates read as Zoom documents them. */
function zoomPath(url: string, apiUrl: string): string {
  if (url.startsWith(apiUrl)) return url.slice(apiUrl.length);
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}

function failureStatus(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  return name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network';
}
