import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSamples, valueOf, type Sample } from '../support/prometheus.js';
import { collectLogs, findSecrets, secretForms } from '../support/secret-scan.js';
import { startStack, type Stack } from '../support/stack.js';
import type { ZoomApp } from '../support/zoom-control.js';

let stack: Stack;
let workerBefore: Sample[];
let apiBefore: Sample[];
const apps: ZoomApp[] = [];

beforeAll(async () => {
  stack = await startStack({
    dir: mkdtempSync(join(tmpdir(), 'greenroom-e2e-observability-')),
    extraEnv: {
      // The free plan's slow budget makes back-to-back calls of one category wait for pacing.
      ZOOM_ACCOUNT_PLAN: 'free',
      // Debug brings the SDK's own workflow and activity lines, whose ids are checked below.
      LOG_LEVEL: 'debug',
    },
  });
  workerBefore = await scrapeWorker();
  apiBefore = await scrapeApi();
});

afterAll(async () => {
  await stack?.stop();
});

async function scrapeWorker(): Promise<Sample[]> {
  const response = await fetch(stack.workerMetricsUrl);
  expect(response.status).toBe(200);
  return parseSamples(await response.text());
}

async function scrapeApi(headers = stack.apiHeaders): Promise<Sample[]> {
  const response = await fetch(`${stack.apiUrl}/metrics`, { headers });
  expect(response.status).toBe(200);
  return parseSamples(await response.text());
}

/** How far a series moved between two scrapes; an absent series counts as zero. */
function moved(
  before: Sample[],
  after: Sample[],
  name: string,
  labels: Record<string, string>,
): number {
  return (valueOf(after, name, labels) ?? 0) - (valueOf(before, name, labels) ?? 0);
}

async function connect(eventId: string, users: string[]): Promise<ZoomApp> {
  const app = await stack.zoom.createConnectableApp();
  apps.push(app);
  for (const email of users) {
    await stack.zoom.createUser(app.accountId, { email, firstName: 'Ada', lastName: 'Host' });
  }
  const saved = await stack.api('PUT', `/events/${eventId}/zoom/credentials`, {
    accountId: app.accountId,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
  });
  expect(saved.status).toBe(200);

  return app;
}

/** Visibility trails the workflows by a moment: reads the API's gauges until they agree. */
async function apiGaugesShowing(check: (samples: Sample[]) => boolean): Promise<Sample[]> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const samples = await scrapeApi();
    if (check(samples)) return samples;
    await delay(250);
  }
  return scrapeApi();
}

describe('metrics and logs on a real stack', () => {
  it('counts mints, Zoom calls and pacing waits on the worker’s endpoint', async () => {
    const healthy = await connect('obs-healthy', ['ada@example.com', 'alan@example.com']);
    expect((await stack.api('POST', '/events/obs-healthy/zoom/token/regenerate')).status).toBe(200);
    const added = await stack.api('POST', '/events/obs-healthy/zoom/hosts', {
      firstName: 'Ada',
      lastName: 'Host',
      email: 'ada@example.com',
      expectedAttendees: 10,
    });
    expect(added.status).toBe(201);
    expect((await stack.api('POST', '/events/obs-healthy/zoom/hosts/import')).status).toBe(200);
    // The sync reads each host in turn: the second read waits for the free plan's next slot.
    expect((await stack.api('POST', '/events/obs-healthy/zoom/hosts/sync')).status).toBe(200);
    const refused = await connect('obs-refused', []);
    await stack.zoom.deactivate(refused.clientId);
    await stack.api('POST', '/events/obs-refused/zoom/token/regenerate');

    const after = await scrapeWorker();
    const mints = 'greenroom_token_mints_total';
    const calls = 'greenroom_zoom_calls_total';
    expect(moved(workerBefore, after, mints, { outcome: 'minted', cause: 'none' })).toBe(3);
    expect(moved(workerBefore, after, mints, { outcome: 'refused', cause: 'app_disabled' })).toBe(
      1,
    );
    expect(
      moved(workerBefore, after, calls, { endpoint: 'POST /oauth/token', status: '200' }),
    ).toBe(3);
    for (const endpoint of ['GET /users/{userId}', 'GET /users/{userId}/settings', 'GET /users']) {
      expect(moved(workerBefore, after, calls, { endpoint, status: '200' })).toBeGreaterThan(0);
    }
    const waits = 'greenroom_zoom_rate_limit_wait_seconds';
    expect(moved(workerBefore, after, `${waits}_count`, { category: 'light' })).toBeGreaterThan(0);
    expect(moved(workerBefore, after, `${waits}_sum`, { category: 'light' })).toBeGreaterThan(0);
    expect(after.some((sample) => sample.name.startsWith('temporal_'))).toBe(true);
    const labels = JSON.stringify(after.map((sample) => sample.labels));
    for (const identifying of ['example.com', healthy.accountId, 'obs-healthy']) {
      expect(labels).not.toContain(identifying);
    }
  });

  it('counts API requests by route and reads integrations and expiry at scrape time', async () => {
    const after = await apiGaugesShowing(
      (samples) =>
        (valueOf(samples, 'greenroom_integrations', { status: 'active' }) ?? 0) >= 1 &&
        (valueOf(samples, 'greenroom_integrations', { status: 'needs_organiser' }) ?? 0) >= 1,
    );

    const requests = 'greenroom_api_requests_total';
    const regenerate = { method: 'POST', route: '/events/:eventId/zoom/token/regenerate' };
    expect(moved(apiBefore, after, requests, { ...regenerate, status: '200' })).toBe(1);
    expect(moved(apiBefore, after, requests, { ...regenerate, status: '422' })).toBe(1);
    expect(
      moved(apiBefore, after, 'greenroom_api_request_duration_seconds_count', regenerate),
    ).toBe(2);
    expect(valueOf(after, 'greenroom_integrations', { status: 'active' })).toBe(1);
    expect(valueOf(after, 'greenroom_integrations', { status: 'needs_organiser' })).toBe(1);
    expect(valueOf(after, 'greenroom_integrations_token_expired')).toBe(0);
    const soonest = valueOf(after, 'greenroom_token_soonest_expiry_seconds') ?? 0;
    expect(soonest).toBeGreaterThan(0);
    expect(soonest).toBeLessThanOrEqual(3600);
    expect(JSON.stringify(after.map((sample) => sample.labels))).not.toContain('obs-healthy');
  });

  it('refuses the API’s metrics without an operator key', async () => {
    const response = await fetch(`${stack.apiUrl}/metrics`);

    expect(response.status).toBe(401);
  });

  it('puts run ids on every workflow line and request ids on every API line', async () => {
    await stack.stop('api');
    await stack.stop('worker');
    const worker = jsonLines(join(stack.logDir, 'worker.log'));
    const inRuns = worker.filter(writtenInARun);
    expect(inRuns.some((line) => line.msg === 'Workflow started')).toBe(true);
    expect(inRuns.some((line) => line.msg === 'token minted')).toBe(true);
    for (const line of inRuns) {
      const ids = { workflowId: typeof line.workflowId, runId: typeof line.runId, msg: line.msg };
      expect(ids).toStrictEqual({ workflowId: 'string', runId: 'string', msg: line.msg });
      expect(line).not.toHaveProperty('taskToken');
    }

    const api = jsonLines(join(stack.logDir, 'api.log'));
    const outsideRequests = api.filter((line) => line.requestId === undefined);
    expect(api.length).toBeGreaterThan(outsideRequests.length);
    for (const line of outsideRequests) expect(String(line.msg)).toMatch(PROCESS_LINES);

    const secrets = secretForms([
      ...apps.map((app) => ({ value: app.clientSecret, clientId: app.clientId })),
      { value: stack.apiHeaders.authorization?.replace('Bearer ', '') ?? '' },
    ]);
    expect(findSecrets(collectLogs(stack.logDir), secrets)).toEqual([]);
  });
});

/**
 * A line written in a workflow or activity: by Greenroom's code (the SDK marks its component) or
 * by the SDK about one run (it names the workflow or activity type).
 */
function writtenInARun(line: Record<string, unknown>): boolean {
  if (line.sdkComponent === 'workflow' || line.sdkComponent === 'activity') return true;
  return line.workflowType !== undefined || line.activityType !== undefined;
}

/** What the API logs about itself rather than about a request: start, store, first key, stop. */
const PROCESS_LINES =
  /^(Server listening at |store opened$|operator key made on first start$|api (draining|stopped)$)/;

function jsonLines(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
