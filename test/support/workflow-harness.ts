import { afterAll, beforeAll } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { createSecretBox, generateKey } from '../../common/crypto.js';
import { temporal } from '@temporalio/proto';
import { MINUTE_MS } from '../../common/durations.js';
import { SEARCH_ATTRIBUTE_REGISTRATIONS } from '../../common/search-attributes.js';
import { createSqliteStore } from '../../store/sqlite-store.js';
import type { GreenroomStore } from '../../store/types.js';
import { INTEGRATION_TASK_QUEUE } from '../../common/task-queues.js';
import { buildActivities } from '../../worker/activities.js';
import { WORKFLOWS_PATH } from '../../worker/workflows-path.js';
import { buildZoomEmulator } from '../../zoom-emulator/app.js';
import { temporalExecutable } from './temporal-binaries.js';
import { ZoomControl } from './zoom-control.js';

let bundle: Promise<WorkflowBundle> | undefined;

/** Bundles the workflows once per test file; bundling is the slow part of starting a worker. */
export function workflowBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger() });
  return bundle;
}

function quietLogger() {
  const noop = () => undefined;
  return { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };
}

/** A time-skipping Temporal, an in-process Zoom emulator whose clock follows it, and a store. */
export interface TimeSkippingHarness {
  env: TestWorkflowEnvironment;
  zoom: ZoomControl;
  store: GreenroomStore;
  emulator: FastifyInstance;
  /** Starts the file's one worker; a no-op once it runs. */
  startWorker(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Leaves the worker to the tests, for scenarios that begin with no worker running. */
  deferWorker?: boolean;
}

export async function startTimeSkippingHarness(
  options: HarnessOptions = {},
): Promise<TimeSkippingHarness> {
  Runtime.install({ logger: quietLogger() });
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: {
      executable: { type: 'existing-path', path: temporalExecutable('temporal-test-server') },
    },
  });
  await registerSearchAttributes(env);
  const emulator = await buildZoomEmulator({ tokenTtlSeconds: 3600 });
  const address = await emulator.listen({ host: '127.0.0.1', port: 0 });
  const zoom = new ZoomControl(address);
  const store = createSqliteStore({
    filename: ':memory:',
    secretBox: createSecretBox(generateKey()),
  });
  const activities = buildActivities({
    store,
    zoomOauthUrl: `${address}/oauth/token`,
    zoomApiUrl: `${address}/v2`,
    fetch: clockFollowingFetch(env, zoom),
  });

  // One worker for the whole file: a worker stopped between tests would leave its cached
  // workflows on a sticky queue nobody polls, which stalls the test server's time skipping.
  let started: Promise<{ worker: Worker; running: Promise<void> }> | undefined;
  const startWorker = async () => {
    started ??= workflowBundle()
      .then((bundled) =>
        Worker.create({
          connection: env.nativeConnection,
          taskQueue: INTEGRATION_TASK_QUEUE,
          workflowBundle: bundled,
          activities,
        }),
      )
      .then((worker) => ({ worker, running: worker.run() }));
    await started;
  };
  if (!options.deferWorker) await startWorker();

  return {
    env,
    zoom,
    store,
    emulator,
    startWorker,
    async close() {
      const { worker, running } = (await started) ?? {};
      worker?.shutdown();
      await running;
      await emulator.close();
      await store.close();
      await env.teardown();
    },
  };
}

/**
 * Activities see the wall clock while the workflow's time jumps; before each token request the
 * emulator's clock is set to the test server's, so Zoom and the workflow agree on expiry.
 */
function clockFollowingFetch(env: TestWorkflowEnvironment, zoom: ZoomControl): typeof fetch {
  return async (input, init) => {
    await zoom.setClock(await env.currentTimeMs());
    return fetch(input, init);
  };
}

/** The test server knows no custom search attributes until told, as the dev server is at start. */
async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  const { IndexedValueType } = temporal.api.enums.v1;
  const searchAttributes = Object.fromEntries(
    SEARCH_ATTRIBUTE_REGISTRATIONS.map(({ name, cliType }) => [
      name,
      cliType === 'Datetime'
        ? IndexedValueType.INDEXED_VALUE_TYPE_DATETIME
        : IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    ]),
  );
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes,
  });
}

export const SETTINGS = { refreshMarginMs: 5 * MINUTE_MS, cyclesBeforeContinueAsNew: 200 };

/** Starts one harness for the calling test file and closes it after; call at the file's top. */
export function useTimeSkippingHarness(options: HarnessOptions = {}): () => TimeSkippingHarness {
  let harness: TimeSkippingHarness | undefined;
  beforeAll(async () => {
    harness = await startTimeSkippingHarness(options);
  }, 120_000);
  afterAll(async () => {
    await harness?.close();
  });

  return () => {
    if (!harness) throw new Error('the harness starts in beforeAll; use it inside tests');
    return harness;
  };
}
