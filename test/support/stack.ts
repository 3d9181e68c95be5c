import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../../common/config.js';
import { CLOSED_WORKFLOW_RETENTION_HOURS } from '../../common/durations.js';
import { SEARCH_ATTRIBUTE_REGISTRATIONS } from '../../common/search-attributes.js';
import { temporalConnectionOptions } from '../../common/temporal-connection.js';
import { freePort } from './free-port.js';
import { temporalExecutable } from './temporal-binaries.js';
import { ZoomControl, type ZoomApp } from './zoom-control.js';

const ROOT = resolve(import.meta.dirname, '../..');

export interface StackOptions {
  /** Folder for the data (Temporal's SQLite file, the store, the emulator's state) and logs. */
  dir: string;
  tokenTtlSeconds?: number;
  extraEnv?: Record<string, string>;
  /** Start the Temporal UI as well (for UI tests); headless otherwise. */
  withUi?: boolean;
  /** Worker processes to run (1 by default): `worker`, then `worker-2`, `worker-3`, … */
  workers?: number;
  /** API processes to run (1 by default), each on its own port: `api`, then `api-2`, … */
  apis?: number;
  /** The PostgreSQL store every worker and API shares; the SQLite file in `dir` otherwise. */
  databaseUrl?: string;
}

/**
 * The embedded stack as real processes on loopback: Temporal dev server, Zoom emulator, worker
 * and API, each logging to a file under `dir/logs` so tests can read every line afterwards.
 */
export interface Stack {
  apiUrl: string;
  /** Every API process's address, the first one's (`apiUrl`) first. */
  apiUrls: string[];
  /** The first worker's Prometheus endpoint (Temporal's series and Greenroom's). */
  workerMetricsUrl: string;
  /** The operator key the API made on its first start, as an Authorization header. */
  apiHeaders: Record<string, string>;
  /** Calls the API with the operator key; answers the status and the parsed body ({} if none). */
  api<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  /** The same call through the API process at `index` (0 is `api`, 1 is `api-2`, …). */
  apiVia(index: number): Stack['api'];
  zoom: ZoomControl;
  /** Connects an event to a fresh Zoom app that mints; throws unless the save answered 200. */
  connect(eventId: string): Promise<ZoomApp>;
  temporalAddress: string;
  uiUrl: string | null;
  client: Client;
  dataDir: string;
  logDir: string;
  /** Stops one named process (to test crashes) or, without a name, everything. */
  stop(name?: ProcessName): Promise<void>;
  restart(name: ProcessName): Promise<void>;
  /** Kills one process at once (SIGKILL), as a crash would; restart brings it back. */
  kill(name: ProcessName): Promise<void>;
  /**
   * Sends SIGTERM to one process, as an orchestrator stopping it does, and answers how it exited
   * once it has; restart brings it back.
   */
  terminate(name: ProcessName): Promise<ExitStatus>;
  /** The operating-system process id, for measurements such as the worker's memory. */
  pid(name: ProcessName): number | undefined;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export type ProcessName = 'temporal' | 'emulator' | Numbered<'worker'> | Numbered<'api'>;
/** The first process of a kind has the plain name, later ones a number from 2. */
type Numbered<Kind extends string> = Kind | `${Kind}-${number}`;

const numbered = <Kind extends string>(kind: Kind, count: number): Numbered<Kind>[] =>
  Array.from({ length: count }, (_, n) => (n === 0 ? kind : (`${kind}-${n + 1}` as const)));

export async function startStack(options: StackOptions): Promise<Stack> {
  const dataDir = join(options.dir, 'data');
  const logDir = join(options.dir, 'logs');
  mkdirSync(logDir, { recursive: true });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const workers = numbered('worker', options.workers ?? 1);
  const apis = numbered('api', options.apis ?? 1);
  const ports: Ports = {
    temporal: await freePort(),
    ui: await freePort(),
    emulator: await freePort(),
    apis: new Map<string, number>(),
    workerMetrics: new Map<string, number>(),
  };
  for (const name of apis) ports.apis.set(name, await freePort());
  // Each worker serves its metrics on a port of its own, so stacks and workers run side by side.
  for (const name of workers) ports.workerMetrics.set(name, await freePort());
  const running = new Map<ProcessName, ChildProcess>();

  const launch = async (name: ProcessName) => {
    const logFile = join(logDir, `${name}.log`);
    const command = stackCommands(dataDir, ports, options)[kindOf(name)];
    const env = stackEnvironment(dataDir, ports, options, {
      apiPort: ports.apis.get(name),
      metricsPort: ports.workerMetrics.get(name),
    });
    running.set(name, spawnLogged(command, env, logFile));
    await waitUntilReady(name, ports, running.get(name), logFile);
  };
  await launchTemporalOnFreePorts(ports, () => launch('temporal'));
  await keepClosedWorkflowsAWeek(ports.temporal);
  // One after the other: the first API makes the operator key the later ones then find.
  for (const name of ['emulator', ...workers, ...apis] as const) await launch(name);
  // The tests reach Temporal exactly as the stack's processes do, from the same settings.
  const processConfig = loadConfig(stackEnvironment(dataDir, ports, options, {}));
  const connection = await Connection.connect(temporalConnectionOptions(processConfig));
  const operatorKey = readFileSync(join(dataDir, 'operator-key'), 'utf8').trim();
  const apiUrls = apis.map((name) => `http://127.0.0.1:${ports.apis.get(name)}`);
  const apiVia =
    (index: number): Stack['api'] =>
    (method, path, body) =>
      callApi(apiUrls[index] ?? '', `Bearer ${operatorKey}`, method, path, body);
  const zoom = new ZoomControl(`http://127.0.0.1:${ports.emulator}`);

  return {
    apiUrl: apiUrls[0] ?? '',
    apiUrls,
    workerMetricsUrl: `http://127.0.0.1:${ports.workerMetrics.get('worker')}/metrics`,
    apiHeaders: { authorization: `Bearer ${operatorKey}` },
    api: apiVia(0),
    apiVia,
    zoom,
    connect: (eventId) => connectEvent(apiVia(0), zoom, eventId),
    temporalAddress: `127.0.0.1:${ports.temporal}`,
    uiUrl: options.withUi ? `http://127.0.0.1:${ports.ui}` : null,
    client: new Client({ connection }),
    dataDir,
    logDir,
    async stop(name) {
      const names = name ? [name] : ([...apis, ...workers, 'emulator', 'temporal'] as const);
      for (const each of names) await stopProcess(running.get(each));
      if (!name) await connection.close();
    },
    pid(name) {
      return running.get(name)?.pid;
    },
    async kill(name) {
      const child = running.get(name);
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGKILL');
      await exited;
    },
    async terminate(name) {
      const child = running.get(name);
      if (!child || child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${name} is not running`);
      }
      const exited = new Promise<ExitStatus>((done) =>
        child.once('exit', (code, signal) => done({ code, signal })),
      );
      child.kill('SIGTERM');
      return exited;
    },
    async restart(name) {
      await stopProcess(running.get(name));
      await launch(name);
    },
  };
}

interface Ports {
  temporal: number;
  ui: number;
  emulator: number;
  /** Each API process's port, by name. */
  apis: Map<string, number>;
  /** Each worker process's metrics port, by name. */
  workerMetrics: Map<string, number>;
}

function kindOf(name: ProcessName): 'temporal' | 'emulator' | 'worker' | 'api' {
  if (name.startsWith('worker')) return 'worker';
  if (name.startsWith('api')) return 'api';
  return name === 'temporal' ? 'temporal' : 'emulator';
}

/**
 * The dev server also binds ports of its own choosing (HTTP API, metrics, internal services), so
 * on a busy machine one of them can take the port picked for another stack between our probe and
 * its start. A start that exits (CI once saw it, log lost) is tried again on fresh ports.
 */
async function launchTemporalOnFreePorts(ports: Ports, launch: () => Promise<void>) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch();
    } catch (error) {
      if (attempt === 3 || !String(error).includes('exited during start')) throw error;
      ports.temporal = await freePort();
      ports.ui = await freePort();
    }
  }
}

/** As scripts/start.sh does: the dev server registers the namespace with one day's retention. */
async function keepClosedWorkflowsAWeek(temporalPort: number): Promise<void> {
  await promisify(execFile)(temporalExecutable('temporal'), [
    'operator',
    'namespace',
    'update',
    '--address',
    `127.0.0.1:${temporalPort}`,
    '--retention',
    `${CLOSED_WORKFLOW_RETENTION_HOURS}h`,
    'default',
  ]);
}

/** The ports of one process: an API's own, a worker's metrics. */
interface OwnPorts {
  apiPort?: number;
  metricsPort?: number;
}

function stackEnvironment(dataDir: string, ports: Ports, options: StackOptions, own: OwnPorts) {
  return {
    ...process.env,
    GREENROOM_DATA_DIR: dataDir,
    ...(options.databaseUrl ? { GREENROOM_DATABASE_URL: options.databaseUrl } : {}),
    TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
    API_HOST: '127.0.0.1',
    API_PORT: String(own.apiPort ?? 0),
    WORKER_METRICS_ADDRESS: own.metricsPort ? `127.0.0.1:${own.metricsPort}` : 'off',
    ZOOM_OAUTH_URL: `http://127.0.0.1:${ports.emulator}/oauth/token`,
    ZOOM_API_URL: `http://127.0.0.1:${ports.emulator}/v2`,
    ZOOM_EMULATOR_HOST: '127.0.0.1',
    ZOOM_EMULATOR_PORT: String(ports.emulator),
    ZOOM_EMULATOR_STATE: join(dataDir, 'zoom-emulator.json'),
    ZOOM_EMULATOR_DEMO_CREDENTIALS: join(dataDir, 'demo-credentials.json'),
    ZOOM_EMULATOR_TOKEN_TTL_SECONDS: String(options.tokenTtlSeconds ?? 3600),
    LOG_LEVEL: 'info',
    // Suites and benchmarks drive hundreds of requests a minute with the one operator key; the
    // per-key limit itself is tested against the app.
    API_REQUESTS_PER_MINUTE: '100000',
    ...options.extraEnv,
  };
}

function stackCommands(dataDir: string, ports: Ports, options: StackOptions) {
  const tsx = (file: string) => [process.execPath, '--import', 'tsx', join(ROOT, file)];
  const attributes = SEARCH_ATTRIBUTE_REGISTRATIONS.flatMap(({ name, cliType }) => [
    '--search-attribute',
    `${name}=${cliType}`,
  ]);
  const ui = options.withUi
    ? ['--ui-ip', '127.0.0.1', '--ui-port', String(ports.ui), '--ui-disable-news-fetch']
    : ['--headless'];
  const temporal = [temporalExecutable('temporal'), 'server', 'start-dev', '--ip', '127.0.0.1'];
  const temporalFlags = [
    '--port',
    String(ports.temporal),
    '--db-filename',
    join(dataDir, 'temporal.db'),
  ];

  return {
    temporal: [...temporal, ...temporalFlags, '--log-level', 'warn', ...ui, ...attributes],
    emulator: tsx('zoom-emulator/server.ts'),
    worker: tsx('worker/main.ts'),
    api: tsx('api/server.ts'),
  } satisfies Record<ReturnType<typeof kindOf>, string[]>;
}

function spawnLogged(command: string[], env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  const [executable = '', ...args] = command;
  const child = spawn(executable, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logFile, { flags: 'a' });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);

  return child;
}

async function waitUntilReady(
  name: ProcessName,
  ports: Ports,
  child: ChildProcess | undefined,
  logFile: string,
) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child?.exitCode !== null) {
      throw new Error(`${name} exited during start: ${lastLines(logFile)} (log: ${logFile})`);
    }
    if (await isReady(name, ports, logFile)) return;
    await delay(250);
  }
  throw new Error(`${name} did not become ready within 90 s`);
}

/** The end of a process's log, so a failed start says why even when the log is gone (CI). */
function lastLines(logFile: string): string {
  if (!existsSync(logFile)) return 'no log';
  return readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join(' | ').slice(-1500);
}

async function isReady(name: ProcessName, ports: Ports, logFile: string): Promise<boolean> {
  if (name === 'temporal') return namespaceReady(ports.temporal);
  if (name === 'emulator') return answers(`http://127.0.0.1:${ports.emulator}/_control/clock`);
  const apiPort = ports.apis.get(name);
  if (apiPort !== undefined) return answers(`http://127.0.0.1:${apiPort}/healthz`);
  // The worker has no port; it is ready once its log says it started polling.
  return existsSync(logFile) && readFileSync(logFile, 'utf8').includes('"msg":"worker started"');
}

async function namespaceReady(port: number): Promise<boolean> {
  try {
    const connection = await Connection.connect({
      address: `127.0.0.1:${port}`,
      connectTimeout: 1000,
    });
    try {
      await connection.workflowService.describeNamespace({ namespace: 'default' });
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

async function connectEvent(api: Stack['api'], zoom: ZoomControl, eventId: string) {
  const app = await zoom.createConnectableApp();
  const saved = await api('PUT', `/events/${eventId}/zoom/credentials`, {
    accountId: app.accountId,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
  });
  if (saved.status !== 200) throw new Error(`connecting ${eventId} answered ${saved.status}`);
  return app;
}

async function callApi<T>(
  apiUrl: string,
  authorization: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers: {
      authorization,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
}

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  const killed = await Promise.race([exited.then(() => true), delay(15_000).then(() => false)]);
  if (!killed) child.kill('SIGKILL');
  await exited;
}
