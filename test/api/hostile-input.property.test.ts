import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { IntegrationGateway } from '../../api/integration-gateway.js';
import { tokenExpiredError } from '../../workflows/zoom-integration/outcomes.js';
import { NOW_MS, useApi } from './harness.js';

/** Answers every workflow call with a refusal, so nothing but the API itself is under test. */
function refusingGateway(): IntegrationGateway {
  const refusal = () => Promise.resolve({ ok: false as const, error: tokenExpiredError(NOW_MS) });
  return {
    saveCredentials: refusal,
    act: refusal,
    addHost: refusal,
    removeHost: refusal,
    importHosts: refusal,
    syncHosts: refusal,
    saveZoomSession: refusal,
    saveZoomSessions: (_eventId, sessions) =>
      Promise.resolve({
        results: sessions.map(() => ({ ok: false as const, error: tokenExpiredError(NOW_MS) })),
      }),
    requestMeetingCleanup: () => Promise.resolve(),
    read: () => Promise.resolve({ source: 'none' as const }),
  };
}

/** Every documented operation, with its path parameters still as `{name}`. */
async function operations(app: FastifyInstance): Promise<{ method: string; path: string }[]> {
  const document = (await app.inject({ url: '/docs/json' })).json<{
    paths: Record<string, Record<string, unknown>>;
  }>();
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })),
  );
}

const segment = fc.oneof(
  fc.constantFrom('evt-1', 'session_x', 'abc', '', '..', '%00', '%ZZ', 'a'.repeat(300)),
  fc.string({ maxLength: 40 }),
);
const body = fc.oneof(
  fc.anything(),
  fc.json().map((text) => JSON.parse(text) as unknown),
);

/** What a refused request must leave unchanged: every row an API call could have written. */
async function snapshot(api: ReturnType<typeof useApi>): Promise<string> {
  const { store } = api;
  const [sessions, hosts, people, keys] = await Promise.all([
    store.listSessions('evt-1', 500, null),
    store.listHosts('evt-1', 500, null),
    store.listPeople('evt-1'),
    store.listApiKeys(),
  ]);
  return JSON.stringify({ sessions, hosts, people, keys });
}

describe('hostile input thrown at every route', () => {
  const api = useApi();

  it('never answers 5xx or a stack trace, and a refused request changes nothing', async () => {
    // Thousands of requests in one frozen minute: the key's limit is tested on its own.
    const app = await api.app(refusingGateway(), undefined, 1_000_000);
    const routes = await operations(app);
    let tried = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.array(segment, { minLength: 3, maxLength: 3 }),
        body,
        fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 40 }), { maxKeys: 3 }),
        async (route, [a, b, c], payload, query) => {
          tried += 1;
          const params = [a, b, c].map((value) => encodeURIComponent(value ?? ''));
          let n = 0;
          const url = route.path.replace(/\{[^}]+\}/g, () => params[n++] ?? 'x');
          const before = await snapshot(api);
          const response = await app.inject({
            method: route.method as 'GET',
            url,
            query,
            ...(route.method === 'GET' || route.method === 'DELETE'
              ? {}
              : { payload: payload as object }),
          });
          statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
          expect(response.statusCode).toBeLessThan(500);
          expect(response.body).not.toMatch(/\n\s+at \S+ \(/);
          if (response.statusCode >= 400) {
            const answer = response.json<{ error?: { code?: unknown } }>();
            expect(typeof answer.error?.code).toBe('string');
            expect(await snapshot(api)).toBe(before);
          }
        },
      ),
      { numRuns: 2000 },
    );
    expect(tried).toBeGreaterThanOrEqual(2000);
    // The inputs reached the routes' validation and handlers, not only the router's 404.
    expect(statuses.get(400) ?? 0).toBeGreaterThan(200);
    expect([...statuses.keys()].filter((status) => status < 300).length).toBeGreaterThan(0);
    console.info('hostile-input statuses', Object.fromEntries(statuses));
  }, 120_000);
});
