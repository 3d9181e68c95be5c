// Replays workflow histories against the current code and says whether they are deterministic.
// Usage: npm run replay -- <workflowId> [--address host:port] [--namespace ns]
//        npm run replay -- --file history.json   (recorded by npm run record:histories)
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime, Worker, type ReplayResult } from '@temporalio/worker';
import { loadConfig, type Config } from '../common/config.js';
import { temporalConnectionOptions } from '../common/temporal-connection.js';
import { WORKFLOWS_PATH } from '../worker/workflows-path.js';
import { loadHistory } from './history-files.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    file: { type: 'string', multiple: true },
    address: { type: 'string' },
    namespace: { type: 'string' },
  },
});

interface NamedHistory {
  workflowId: string;
  history: unknown;
}

function* fromFiles(files: string[]): Iterable<NamedHistory> {
  for (const file of files) {
    yield { workflowId: file, history: loadHistory(file) };
  }
}

/** Every run of each workflow id, newest first, as the server keeps them. */
async function* fromServer(client: Client, workflowIds: string[]): AsyncIterable<NamedHistory> {
  for (const workflowId of workflowIds) {
    for await (const run of client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
      const history = await client.workflow.getHandle(workflowId, run.runId).fetchHistory();
      yield { workflowId: `${workflowId} (run ${run.runId})`, history };
    }
  }
}

function connect(config: Config): Promise<Connection> {
  const address = values.address ?? config.TEMPORAL_ADDRESS;
  return Connection.connect(temporalConnectionOptions({ ...config, TEMPORAL_ADDRESS: address }));
}

function report(result: ReplayResult): boolean {
  if (!result.error) {
    console.log(`deterministic: ${result.workflowId}`);
    return true;
  }
  console.log(`DIVERGED: ${result.workflowId}\n  ${result.error.message}`);
  return false;
}

async function main(): Promise<number> {
  // Only the verdicts matter here, not the replay worker's own progress lines.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const files = values.file ?? [];
  if (files.length === 0 && positionals.length === 0) {
    console.error('give a workflow id, or --file with a history exported as JSON');
    return 2;
  }
  // The same settings (TLS, API key) as the API and the worker; the flags override them.
  const config = loadConfig();
  const connection = files.length ? null : await connect(config);
  const namespace = values.namespace ?? config.TEMPORAL_NAMESPACE;
  const source = connection
    ? fromServer(new Client({ connection, namespace }), positionals)
    : fromFiles(files);
  let allDeterministic = true;
  let replayed = 0;
  for await (const result of Worker.runReplayHistories({ workflowsPath: WORKFLOWS_PATH }, source)) {
    allDeterministic = report(result) && allDeterministic;
    replayed += 1;
  }
  await connection?.close();
  if (replayed === 0) console.error('no history found');

  return allDeterministic && replayed > 0 ? 0 : 1;
}

process.exitCode = await main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  return 2;
});
