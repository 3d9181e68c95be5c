import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import { createApiMetrics, type IntegrationCounts, type MetricSources } from '../../api/metrics.js';
import { createSecretBox, generateKey } from '../../common/crypto.js';
import { createSqliteStore } from '../../store/sqlite-store.js';
import type { GreenroomStore } from '../../store/types.js';
import { fakeGateway, fakeWebhookGateway } from './harness.js';

const NOW_MS = Date.parse('2027-03-01T08:00:00Z');

const COUNTS: IntegrationCounts = {
  byStatus: { connecting: 0, active: 3, degraded: 1, needs_organiser: 2, disabled: 0 },
  tokenExpired: 1,
};

let store: GreenroomStore;
let app: FastifyInstance;
let operator: string;
let warnings: string[];

async function build(sources: Partial<MetricSources> = {}): Promise<FastifyInstance> {
  const metrics = createApiMetrics({
    countIntegrations: () => Promise.resolve(COUNTS),
    soonestTokenExpiryMs: () => Promise.resolve(NOW_MS + 90_000),
    now: () => NOW_MS,
    ...sources,
  });
  metrics.zoom.zoomCall('GET /meetings/{meetingId}', '200');

  return buildApp({
    store,
    gateway: fakeGateway(),
    webhooks: fakeWebhookGateway(),
    fetchStartLink: () => Promise.reject(new Error('unexpected')),
    now: () => NOW_MS,
    metrics,
    logger: pino({ level: 'warn' }, { write: keepWarning }),
  });
}

function keepWarning(line: string): void {
  const { source, msg } = JSON.parse(line) as { source?: string; msg: string };
  warnings.push(`${source}: ${msg}`);
}

async function scrape(): Promise<string> {
  const response = await app.inject({ url: '/metrics', headers: as(operator) });
  expect(response.statusCode).toBe(200);
  return response.body;
}

/** The value of one sample, written exactly as Prometheus' text format names it. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((each) => each.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const as = (key: string) => ({ authorization: `Bearer ${key}` });

beforeEach(async () => {
  store = createSqliteStore({ filename: ':memory:', secretBox: createSecretBox(generateKey()) });
  operator = (await store.createApiKey({ kind: 'operator', label: 'ops', eventIds: [] })).token;
  warnings = [];
  app = await build();
});

afterEach(async () => {
  await app.close();
  await store.close();
});

describe('GET /metrics', () => {
  describe('when asked without an operator key', () => {
    it('answers 401 with no key at all', async () => {
      const response = await app.inject({ url: '/metrics' });

      expect(response.statusCode).toBe(401);
    });

    it('answers 403 to an organiser key, whose reach is its own events', async () => {
      const { token } = await store.createApiKey({
        kind: 'organiser',
        label: 'team',
        eventIds: ['evt-1'],
      });
      const response = await app.inject({ url: '/metrics', headers: as(token) });

      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ error: { code: 'forbidden' } });
    });
  });

  describe('when an operator scrapes it', () => {
    it("answers Prometheus' text format", async () => {
      const response = await app.inject({ url: '/metrics', headers: as(operator) });

      expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(response.body).toContain('# TYPE greenroom_api_requests_total counter');
    });

    it('counts requests by route template and status, never by path', async () => {
      await app.inject({ url: '/events/evt-secretive/people', headers: as(operator) });
      await app.inject({ url: '/events/evt-secretive/people', headers: as(operator) });
      await app.inject({ url: '/nowhere/ada@example.com', headers: as(operator) });
      const text = await scrape();

      const people = 'method="GET",route="/events/:eventId/people"';
      expect(sample(text, `greenroom_api_requests_total{${people},status="200"}`)).toBe(2);
      expect(
        sample(text, 'greenroom_api_requests_total{method="GET",route="unmatched",status="404"}'),
      ).toBe(1);
      expect(sample(text, `greenroom_api_request_duration_seconds_count{${people}}`)).toBe(2);
      expect(text).not.toContain('evt-secretive');
      expect(text).not.toContain('ada@example.com');
    });

    it('counts refused requests too, under their status', async () => {
      await app.inject({ url: '/events/evt-1/people' });
      const text = await scrape();

      expect(
        sample(
          text,
          'greenroom_api_requests_total{method="GET",route="/events/:eventId/people",status="401"}',
        ),
      ).toBe(1);
    });

    it('shows the Zoom calls the API made, in the series the worker uses', async () => {
      const text = await scrape();

      expect(
        sample(
          text,
          'greenroom_zoom_calls_total{endpoint="GET /meetings/{meetingId}",status="200"}',
        ),
      ).toBe(1);
    });
  });

  describe('when the gauges are read at scrape time', () => {
    it('shows integrations by status and those holding an expired token', async () => {
      const text = await scrape();

      expect(sample(text, 'greenroom_integrations{status="active"}')).toBe(3);
      expect(sample(text, 'greenroom_integrations{status="needs_organiser"}')).toBe(2);
      expect(sample(text, 'greenroom_integrations{status="connecting"}')).toBe(0);
      expect(sample(text, 'greenroom_integrations_token_expired')).toBe(1);
    });

    it('shows the seconds until the soonest token expiry', async () => {
      expect(sample(await scrape(), 'greenroom_token_soonest_expiry_seconds')).toBe(90);
    });

    it('leaves the expiry gauge out when no token is valid, rather than saying zero', async () => {
      await app.close();
      app = await build({ soonestTokenExpiryMs: () => Promise.resolve(null) });

      expect(sample(await scrape(), 'greenroom_token_soonest_expiry_seconds')).toBeUndefined();
    });

    it('leaves out the gauges of a failed source, says which, and still answers', async () => {
      await app.close();
      app = await build({ countIntegrations: () => Promise.reject(new Error('unreachable')) });
      const text = await scrape();

      expect(sample(text, 'greenroom_integrations{status="active"}')).toBeUndefined();
      expect(sample(text, 'greenroom_integrations_token_expired')).toBeUndefined();
      expect(sample(text, 'greenroom_token_soonest_expiry_seconds')).toBe(90);
      expect(warnings).toStrictEqual(['temporal: metric source failed']);
    });
  });
});
