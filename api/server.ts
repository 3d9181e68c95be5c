import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../common/config.js';
import { createZoomRequester } from '../activities/zoom/api-client.js';
import { createZoomPacer } from '../activities/zoom/pacing.js';
import { SECOND_MS, ZOOM_HTTP_TIMEOUT_MS } from '../common/durations.js';
import { loadSecretBox } from '../common/encryption-key.js';
import { createLogger } from '../common/logger.js';
import { openStore } from '../store/open-store.js';
import { buildApp } from './app.js';
import { createIntegrationGateway } from './integration-gateway.js';
import { ensureOperatorKey } from './operator-key.js';
import { createWebhookDeliveryGateway } from './webhook-gateway.js';
import { createStartLinks } from './zoom-start-links.js';

/** The API process: listens until SIGINT or SIGTERM, then drains requests and closes. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('api', config.LOG_LEVEL);
  const store = openStore(config, loadSecretBox(config));
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const gateway = createIntegrationGateway(client, {
    refreshMarginMs: config.TOKEN_REFRESH_MARGIN_SECONDS * SECOND_MS,
    cyclesBeforeContinueAsNew: config.CYCLES_BEFORE_CONTINUE_AS_NEW,
  });
  const fetchStartLink = createStartLinks({
    store,
    zoomRequest: createZoomRequester({
      apiUrl: config.ZOOM_API_URL,
      timeoutMs: ZOOM_HTTP_TIMEOUT_MS,
    }),
    pace: createZoomPacer(store, config.ZOOM_ACCOUNT_PLAN),
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
    logger,
    requestsPerMinute: config.API_REQUESTS_PER_MINUTE,
  });
  await app.listen({ host: config.API_HOST, port: config.API_PORT });

  let stopping = false;
  const shutdown = async () => {
    // Ctrl-C reaches the API both from the terminal and from the start script: close once.
    if (stopping) return;
    stopping = true;
    logger.info('api stopping');
    await app.close();
    await connection.close();
    await store.close();
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
