import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { loadConfig } from '../common/config.js';
import { loadSecretBox } from '../common/encryption-key.js';
import { createLogger } from '../common/logger.js';
import { INTEGRATION_TASK_QUEUE } from '../common/task-queues.js';
import { describeStore, openStore } from '../store/open-store.js';
import { buildActivities } from './activities.js';
import { PinoTemporalLogger } from './temporal-logger.js';
import { WORKFLOWS_PATH } from './workflows-path.js';

/** The worker process: runs integration workflows and their activities until SIGINT or SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('worker', config.LOG_LEVEL);
  // The SDK drains in-flight tasks on these signals before `run()` resolves.
  Runtime.install({
    logger: new PinoTemporalLogger(logger),
    shutdownSignals: ['SIGINT', 'SIGTERM'],
  });
  const store = await openStore(config, loadSecretBox(config));
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: INTEGRATION_TASK_QUEUE,
    workflowsPath: WORKFLOWS_PATH,
    activities: buildActivities({
      store,
      zoomOauthUrl: config.ZOOM_OAUTH_URL,
      zoomApiUrl: config.ZOOM_API_URL,
      zoomPlan: config.ZOOM_ACCOUNT_PLAN,
    }),
  });
  logger.info(
    {
      taskQueue: INTEGRATION_TASK_QUEUE,
      address: config.TEMPORAL_ADDRESS,
      store: describeStore(config),
    },
    'worker started',
  );
  await worker.run();
  await connection.close();
  await store.close();
  logger.info('worker stopped');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
