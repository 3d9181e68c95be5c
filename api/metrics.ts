import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import {
  GREENROOM_SERIES,
  RATE_LIMIT_WAIT_BUCKETS_SECONDS,
  type GreenroomMetrics,
} from '../common/metrics.js';
import { INTEGRATION_STATUSES, type IntegrationStatus } from '../common/status.js';

/** Running integrations as Temporal's visibility counts them, shared by every API process. */
export interface IntegrationCounts {
  byStatus: Record<IntegrationStatus, number>;
  /** Active or degraded integrations whose token has expired: each is an outage for its event. */
  tokenExpired: number;
}

/** Where the gauges read their values at each scrape; both are shared by all API processes. */
export interface MetricSources {
  countIntegrations(nowMs: number): Promise<IntegrationCounts>;
  soonestTokenExpiryMs(afterMs: number): Promise<number | null>;
  now: () => number;
}

/** Told when a source fails; its gauges are then left out of that scrape. */
export type SourceErrorHandler = (source: 'temporal' | 'store', error: unknown) => void;

/** The API's Prometheus registry, and the recorders the API's own code calls. */
export interface ApiMetrics {
  registry: Registry;
  /** Reads the shared sources into the gauges; called at each scrape. */
  refreshGauges(onSourceError: SourceErrorHandler): Promise<void>;
  /** Counts the API's own Zoom calls (start links) in the same series as the worker's. */
  zoom: GreenroomMetrics;
  observeRequest(request: { method: string; route: string; status: number; seconds: number }): void;
}

/** Requests last from a millisecond (a read) to 90 seconds (a session save queued in pacing). */
const REQUEST_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 90];

/** Builds the registry: process metrics, request series, Zoom series and scrape-time gauges. */
export function createApiMetrics(sources: MetricSources): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const refreshGauges = registerGauges(registry, sources);
  const requests = new Counter({
    name: 'greenroom_api_requests_total',
    help: 'API requests by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'greenroom_api_request_duration_seconds',
    help: 'API request durations by method and route template',
    labelNames: ['method', 'route'],
    buckets: REQUEST_BUCKETS_SECONDS,
    registers: [registry],
  });

  return {
    registry,
    refreshGauges,
    zoom: registryZoomMetrics(registry),
    observeRequest({ method, route, status, seconds }) {
      requests.inc({ method, route, status: String(status) });
      durations.observe({ method, route }, seconds);
    },
  };
}

function registryZoomMetrics(registry: Registry): GreenroomMetrics {
  const { tokenMints, zoomCalls, rateLimitWaits } = GREENROOM_SERIES;
  const registers = [registry];
  const mints = new Counter({ ...series(tokenMints), registers });
  const calls = new Counter({ ...series(zoomCalls), registers });
  const waits = new Histogram({
    ...series(rateLimitWaits),
    buckets: RATE_LIMIT_WAIT_BUCKETS_SECONDS,
    registers,
  });

  return {
    tokenMint: (outcome, cause) => mints.inc({ outcome, cause }),
    zoomCall: (endpoint, status) => calls.inc({ endpoint, status }),
    rateLimitWait: (category, seconds) => waits.observe({ category }, seconds),
  };
}

function series(entry: { name: string; help: string; labels: readonly string[] }) {
  return { name: entry.name, help: entry.help, labelNames: [...entry.labels] };
}

/** Gauges set at scrape time from shared sources, so any API process answers the same. */
function registerGauges(registry: Registry, sources: MetricSources) {
  const registers = [registry];
  const integrations = new Gauge({
    name: 'greenroom_integrations',
    help: 'Running integrations by status (Temporal visibility)',
    labelNames: ['status'],
    registers,
  });
  const tokenExpired = new Gauge({
    name: 'greenroom_integrations_token_expired',
    help: 'Active or degraded integrations whose token has expired (Temporal visibility)',
    registers,
  });
  const soonestExpiry = new Gauge({
    name: 'greenroom_token_soonest_expiry_seconds',
    help: 'Seconds until the soonest expiry among tokens still valid, across events (store)',
    registers,
  });

  return async (onSourceError: SourceErrorHandler) => {
    const nowMs = sources.now();
    const [counts, soonestMs] = await Promise.all([
      readSource(onSourceError, 'temporal', () => sources.countIntegrations(nowMs)),
      readSource(onSourceError, 'store', () => sources.soonestTokenExpiryMs(nowMs)),
    ]);
    // A gauge whose source failed, or that has nothing to say, is left out rather than zero.
    integrations.reset();
    tokenExpired.remove();
    soonestExpiry.remove();
    if (counts) {
      for (const status of INTEGRATION_STATUSES) {
        integrations.set({ status }, counts.byStatus[status]);
      }
      tokenExpired.set(counts.tokenExpired);
    }
    if (soonestMs !== null) soonestExpiry.set((soonestMs - nowMs) / 1000);
  };
}

async function readSource<T>(
  onSourceError: SourceErrorHandler,
  source: 'temporal' | 'store',
  read: () => Promise<T>,
): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    onSourceError(source, error);
    return null;
  }
}

/**
 * Times every request and serves `GET /metrics` in Prometheus' text format. The route needs an
 * operator key like every other operator route (Prometheus sends it as a bearer token): its
 * counts span every event, so no organiser key may read them.
 */
export function installMetrics(app: FastifyInstance, metrics: ApiMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest({
      method: request.method,
      // The template, never the path: ids and emails stay out of labels, and series stay few.
      route: request.routeOptions.url ?? 'unmatched',
      status: reply.statusCode,
      seconds: reply.elapsedTime / 1000,
    });
  });
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    await metrics.refreshGauges((source, error) => {
      request.log.warn({ source, err: error }, 'metric source failed');
    });
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
}
