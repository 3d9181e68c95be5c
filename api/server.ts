import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { loadConfig, type Config } from '../common/config.js';
import { createZoomRequester } from '../activities/zoom/api-client.js';
import { meteredFetch } from '../activities/zoom/metered-fetch.js';
import { createZoomPacer } from '../activities/zoom/pacing.js';
import { SECOND_MS, ZOOM_HTTP_TIMEOUT_MS } from '../common/durations.js';
import { loadSecretBox } from '../common/encryption-key.js';
import { createLogger } from '../common/logger.js';
import { temporalConnectionOptions } from '../common/temporal-connection.js';
import { describeStore, openStore } from '../store/open-store.js';
import { buildApp } from './app.js';
import { countIntegrations } from './integration-counts.js';
import { createIntegrationGateway } from './integration-gateway.js';
import { createApiMetrics } from './metrics.js';
import { ensureOperatorKey } from './operator-key.js';
import { temporalNamespaceCheck } from './readiness.js';
import { createWebhookDeliveryGateway } from './webhook-gateway.js';
import { createStartLinks } from './zoom-start-links.js';

/** The API process: listens until SIGINT or SIGTERM, then drains requests and exits. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('api', config.LOG_LEVEL);
  const store = await openStore(config, loadSecretBox(config));
  logger.info({ store: describeStore(config) }, 'store opened');
  const connection = await Connection.connect(temporalConnectionOptions(config));
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const gateway = createIntegrationGateway(client, {
    refreshMarginMs: config.TOKEN_REFRESH_MARGIN_SECONDS * SECOND_MS,
    cyclesBeforeContinueAsNew: config.CYCLES_BEFORE_CONTINUE_AS_NEW,
  });
  const metrics = createApiMetrics({
    countIntegrations: (nowMs) => countIntegrations(client, nowMs),
    soonestTokenExpiryMs: (afterMs) => store.soonestTokenExpiryMs(afterMs),
    now: Date.now,
  });
  const fetchStartLink = createStartLinks({
    store,
    zoomRequest: createZoomRequester({
      apiUrl: config.ZOOM_API_URL,
      timeoutMs: ZOOM_HTTP_TIMEOUT_MS,
      fetch: meteredFetch(fetch, metrics.zoom, config.ZOOM_API_URL),
    }),
    pace: createZoomPacer(store, config.ZOOM_ACCOUNT_PLAN, metrics.zoom),
    regenerate: (eventId) =>
      gateway.act(eventId, 'regenerate').then(
        (answer) => answer.ok,
        () => false,
      ),
  });
  await ensureOperatorKey(store, config.GREENROOM_DATA_DIR, logger);
  const app = await buildApp({
    store,
    gateway,
    webhooks: createWebhookDeliveryGateway(client, {
      pollIntervalMs: config.WEBHOOK_POLL_SECONDS * SECOND_MS,
    }),
    fetchStartLink,
    metrics,
    logger,
    checkTemporal: temporalNamespaceCheck(client),
    draining: () => stopping,
    requestsPerMinute: config.API_REQUESTS_PER_MINUTE,
  });
  await app.listen({ host: config.API_HOST, port: config.API_PORT });

  const stop = () =>
    drainAndExit(app, config, logger, [connection, store]).catch((error: unknown) => {
      logger.error({ err: error }, 'api stop failed');
      process.exit(1);
    });
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

let stopping = false;

/**
 * Stops accepting connections, lets every request in flight finish (an Update may wait on a
 * workflow for a while), then closes Temporal and the store and exits 0. Requests still running
 * after the grace period are cut off and the process exits 1, so a stop is always bounded.
 */
async function drainAndExit(
  app: FastifyInstance,
  config: Config,
  logger: Logger,
  resources: { close(): Promise<void> }[],
): Promise<void> {
  // Ctrl-C reaches the API both from the terminal and from the start script: drain once.
  if (stopping) return;
  stopping = true;
  logger.info({ graceSeconds: config.SHUTDOWN_GRACE_SECONDS }, 'api draining');
  setTimeout(() => {
    logger.error('requests still running after the grace period; exiting');
    process.exit(1);
  }, config.SHUTDOWN_GRACE_SECONDS * SECOND_MS).unref();
  await app.close();
  for (const resource of resources) await resource.close();
  logger.info('api stopped');
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
