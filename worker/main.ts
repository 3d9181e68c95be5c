import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { loadConfig } from '../common/config.js';
import { SECOND_MS } from '../common/durations.js';
import { loadSecretBox } from '../common/encryption-key.js';
import { createLogger } from '../common/logger.js';
import { summariseConnection, temporalConnectionOptions } from '../common/temporal-connection.js';
import { INTEGRATION_TASK_QUEUE } from '../common/task-queues.js';
import { describeStore, openStore } from '../store/open-store.js';
import { buildActivities } from './activities.js';
import { temporalMeterMetrics, workerTelemetry } from './metrics.js';
import { PinoTemporalLogger } from './temporal-logger.js';
import { WORKFLOWS_PATH } from './workflows-path.js';

/** Time for cancelled activities to notice and report after the grace period ends. */
const SHUTDOWN_FORCE_EXTRA_SECONDS = 10;

/** The worker process: runs integration workflows and their activities until SIGINT or SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('worker', config.LOG_LEVEL);
  // On these signals the SDK stops polling and lets in-flight tasks finish before `run()`
  // resolves; activities still running after the grace period are cancelled (their attempt
  // fails and another worker retries it), and the force time bounds the whole stop.
  const runtime = Runtime.install({
    logger: new PinoTemporalLogger(logger),
    shutdownSignals: ['SIGINT', 'SIGTERM'],
    telemetryOptions: workerTelemetry(config.WORKER_METRICS_ADDRESS),
  });
  const store = await openStore(config, loadSecretBox(config));
  const connectionOptions = temporalConnectionOptions(config);
  const connection = await NativeConnection.connect(connectionOptions);
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: INTEGRATION_TASK_QUEUE,
    shutdownGraceTime: config.SHUTDOWN_GRACE_SECONDS * SECOND_MS,
    shutdownForceTime: (config.SHUTDOWN_GRACE_SECONDS + SHUTDOWN_FORCE_EXTRA_SECONDS) * SECOND_MS,
    workflowsPath: WORKFLOWS_PATH,
    activities: buildActivities({
      store,
      zoomOauthUrl: config.ZOOM_OAUTH_URL,
      zoomApiUrl: config.ZOOM_API_URL,
      zoomPlan: config.ZOOM_ACCOUNT_PLAN,
      metrics: temporalMeterMetrics(runtime.metricMeter),
    }),
  });
  logger.info(
    {
      taskQueue: INTEGRATION_TASK_QUEUE,
      temporal: summariseConnection(connectionOptions),
      metricsAddress: config.WORKER_METRICS_ADDRESS,
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
