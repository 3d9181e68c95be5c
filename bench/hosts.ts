// Measures host management on the embedded stack: add-host latency through the API against the
// bare Zoom calls it makes, and the import of a large Zoom account against Zoom's own floors.
// Usage: npm run bench:hosts -- [--adds 100] [--users 10000]
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ZOOM_RATE_LIMITS } from '../common/zoom-rate-limits.js';
import { startStack, type Stack } from '../test/support/stack.js';
import type { ZoomApp } from '../test/support/zoom-control.js';

const { values } = parseArgs({
  options: {
    adds: { type: 'string', default: '100' },
    users: { type: 'string', default: '10000' },
    'zoom-latency-ms': { type: 'string', default: '50' },
  },
});
const ADDS = Number(values.adds);
const USERS = Number(values.users);
const PAGE_SIZE = 300;
/** A context figure, not the target: Zoom's API seen from afar answers in tens of milliseconds. */
const ZOOM_LATENCY_MS = Number(values['zoom-latency-ms']);

async function main(): Promise<void> {
  const stack = await startStack({ dir: mkdtempSync(join(tmpdir(), 'greenroom-bench-hosts-')) });
  try {
    const report = {
      addHost: await measureAdds(stack, 'bench-adds', 0),
      addHostWithZoomLatency: await measureAdds(stack, 'bench-adds-far', ZOOM_LATENCY_MS),
      import: await measureImport(stack),
    };
    mkdirSync('artifacts/bench', { recursive: true });
    writeFileSync('artifacts/bench/hosts.json', `${JSON.stringify(report, null, 2)}\n`);
    console.log(JSON.stringify(report, null, 2));
  } finally {
    await stack.stop();
  }
}

async function connect(stack: Stack, eventId: string): Promise<ZoomApp> {
  const app = await stack.zoom.createConnectableApp();
  await request(stack, 'PUT', `/events/${eventId}/zoom/credentials`, {
    accountId: app.accountId,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
  });
  return app;
}

async function request(stack: Stack, method: string, path: string, body?: unknown) {
  const answer = await stack.api(method, path, body);
  if (answer.status >= 300) {
    throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  return answer.body;
}

/** Adds hosts one by one through the API, then makes the same Zoom calls bare. */
async function measureAdds(stack: Stack, eventId: string, zoomLatencyMs: number) {
  // Both sides run without the emulator's rate limit, so only the work itself is compared.
  await stack.zoom.settings({ rateLimits: false });
  const app = await connect(stack, eventId);
  const emails = Array.from({ length: ADDS }, (_, i) => `host${i}@${eventId}.example.com`);
  for (const email of emails) {
    await stack.zoom.createUser(app.accountId, { email, firstName: 'Bench', lastName: 'Host' });
  }
  // Optionally every Zoom API call answers after a delay, as a distant Zoom would.
  const calls = emails.length * 4;
  if (zoomLatencyMs > 0) {
    await stack.zoom.injectFault({
      target: 'api',
      kind: 'latency',
      latencyMs: zoomLatencyMs,
      count: calls,
    });
  }
  const durable = await addAll(stack, eventId, emails);
  const bare = await bareCalls(stack, app, emails);
  await stack.zoom.clearFaults();
  const noOp = await noOpUpdates(stack, eventId, ADDS);
  await stack.zoom.settings({ rateLimits: true });

  return { zoomLatencyMs, ...summarise(durable, bare), noOpUpdateP50Ms: percentile(noOp, 0.5) };
}

async function addAll(stack: Stack, eventId: string, emails: string[]): Promise<number[]> {
  const timings = [];
  for (const email of emails) {
    const started = performance.now();
    await request(stack, 'POST', `/events/${eventId}/zoom/hosts`, {
      firstName: 'Bench',
      lastName: 'Host',
      email,
      expectedAttendees: 10,
    });
    timings.push(performance.now() - started);
  }
  return timings;
}

/** The two calls an add makes (user by email, then settings), straight to the emulator. */
async function bareCalls(stack: Stack, app: ZoomApp, emails: string[]): Promise<number[]> {
  const token = await mint(stack, app);
  const get = async (path: string) => {
    const response = await fetch(`${stack.zoom.baseUrl}/v2${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return (await response.json()) as { id: string };
  };
  const timings = [];
  for (const email of emails) {
    const started = performance.now();
    const user = await get(`/users/${encodeURIComponent(email)}`);
    await get(`/users/${user.id}/settings`);
    timings.push(performance.now() - started);
  }
  return timings;
}

async function mint(stack: Stack, app: ZoomApp): Promise<string> {
  const basic = Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64');
  const response = await fetch(`${stack.zoom.baseUrl}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'account_credentials', account_id: app.accountId }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

/** What any Update costs through the API with no Zoom call: enabling an active integration. */
async function noOpUpdates(stack: Stack, eventId: string, count: number): Promise<number[]> {
  const timings = [];
  for (let call = 0; call < count; call += 1) {
    const started = performance.now();
    await request(stack, 'POST', `/events/${eventId}/zoom/enable`);
    timings.push(performance.now() - started);
  }
  return timings;
}

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
}

function summarise(durable: number[], bare: number[]) {
  const p = percentile;
  return {
    adds: durable.length,
    apiP50Ms: p(durable, 0.5),
    apiP99Ms: p(durable, 0.99),
    bareP50Ms: p(bare, 0.5),
    bareP99Ms: p(bare, 0.99),
    ratioP50: round(p(durable, 0.5) / p(bare, 0.5)),
    ratioP99: round(p(durable, 0.99) / p(bare, 0.99)),
  };
}

/** Imports a large account with Zoom's rate limits on, counting list requests at the emulator. */
async function measureImport(stack: Stack) {
  const app = await connect(stack, 'bench-import');
  await stack.zoom.bulkUsers(app.accountId, { count: USERS });
  const before = await stack.zoom.stats();
  const started = performance.now();
  const report = await request(stack, 'POST', '/events/bench-import/zoom/hosts/import');
  const seconds = (performance.now() - started) / 1000;
  const after = await stack.zoom.stats();
  const requests =
    (after.apiCallsByEndpoint['GET /v2/users'] ?? 0) -
    (before.apiCallsByEndpoint['GET /v2/users'] ?? 0);
  const requestFloor = Math.ceil(USERS / PAGE_SIZE);
  // Zoom's Medium limit for a Pro account: the fastest those requests could ever be served.
  const timeFloorSeconds = requestFloor / ZOOM_RATE_LIMITS.pro.medium;

  return {
    users: USERS,
    added: report.added,
    requests,
    requestFloor,
    seconds: round(seconds),
    timeFloorSeconds: round(timeFloorSeconds),
    timeRatio: round(seconds / timeFloorSeconds),
    rateLimited: after.apiRateLimited - before.apiRateLimited,
  };
}

const round = (value: number) => Math.round(value * 100) / 100;

await main();
