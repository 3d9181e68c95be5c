// Runs many event integrations on the embedded stack with short-lived emulator tokens and
// reports how well the token lifecycle keeps up. Usage: npm run bench:lifecycle -- [options]
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { integrationWorkflowId } from '../common/task-queues.js';
import { startStack, type Stack } from '../test/support/stack.js';
import type { ZoomApp } from '../test/support/zoom-control.js';

const { values } = parseArgs({
  options: {
    integrations: { type: 'string', default: '1000' },
    'ttl-seconds': { type: 'string', default: '60' },
    'duration-seconds': { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '20' },
  },
});
const INTEGRATIONS = Number(values.integrations);
const TTL_SECONDS = Number(values['ttl-seconds']);
const DURATION_MS = Number(values['duration-seconds']) * 1000;
const CONCURRENCY = Number(values.concurrency);

/** Margin the workflow uses: five minutes, capped at a quarter of the token's lifetime. */
const CYCLE_MS = TTL_SECONDS * 1000 - Math.min(300_000, (TTL_SECONDS * 1000) / 4);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'greenroom-bench-'));
  log(`starting the stack in ${dir}`);
  const stack = await startStack({ dir, tokenTtlSeconds: TTL_SECONDS });
  try {
    const report = await measure(stack);
    mkdirSync('artifacts/bench', { recursive: true });
    writeFileSync('artifacts/bench/lifecycle.json', `${JSON.stringify(report, null, 2)}\n`);
    console.log(JSON.stringify(report, null, 2));
  } finally {
    await stack.stop();
  }
}

async function measure(stack: Stack) {
  const idleRssKb = rssKb(stack.pid('worker'));
  const apps = await createApps(stack, INTEGRATIONS);
  const connectStarted = Date.now();
  const failures = await connectAll(stack, apps);
  const connectSeconds = (Date.now() - connectStarted) / 1000;
  log(`connected ${INTEGRATIONS - failures} integrations in ${connectSeconds.toFixed(1)} s`);
  const baseline = await historyLengths(stack, apps, 20);
  const statsBefore = await stack.zoom.stats();
  const windowStarted = Date.now();
  await sampleWhileRunning(stack);
  const windowMs = Date.now() - windowStarted;
  const statsAfter = await stack.zoom.stats();
  const coverage = await stack.zoom.coverage(await stack.zoom.now());
  const busyRssKb = rssKb(stack.pid('worker'));
  const minted = statsAfter.tokensIssued - statsBefore.tokensIssued;

  return {
    integrations: INTEGRATIONS,
    connectFailures: failures,
    tokenTtlSeconds: TTL_SECONDS,
    cycleSeconds: CYCLE_MS / 1000,
    windowSeconds: Math.round(windowMs / 1000),
    connectSeconds,
    mintsPerSecond: round(minted / (windowMs / 1000)),
    expectedMintsPerSecond: round(INTEGRATIONS / (CYCLE_MS / 1000)),
    expiredSeconds: coverage.totalExpiredMs / 1000,
    appsWithGaps: coverage.apps.filter((app) => app.expiredMs > 0).length,
    mintsPerIntegrationPerTokenLifetime: round(minted / INTEGRATIONS / (windowMs / CYCLE_MS)),
    tokenRefusalsOrFaults: statsAfter.tokenRefusals - statsBefore.tokenRefusals,
    historyEventsPerCycle: await eventsPerCycle(stack, apps, baseline),
    workerRssIdleMb: round(idleRssKb / 1024),
    workerRssBusyMb: round(busyRssKb / 1024),
    workerKbPerIntegration: round((busyRssKb - idleRssKb) / INTEGRATIONS),
  };
}

async function createApps(stack: Stack, count: number): Promise<ZoomApp[]> {
  const account = await stack.zoom.createAccount();
  return inBatches(Array.from({ length: count }), () => stack.zoom.createApp(account.id));
}

async function connectAll(stack: Stack, apps: ZoomApp[]): Promise<number> {
  const outcomes = await inBatches(apps, async (app, index) => {
    const response = await fetch(`${stack.apiUrl}/events/bench-${index}/zoom/credentials`, {
      method: 'PUT',
      headers: { ...stack.apiHeaders, 'content-type': 'application/json' },
      body: JSON.stringify({
        accountId: app.accountId,
        clientId: app.clientId,
        clientSecret: app.clientSecret,
      }),
    });
    await response.arrayBuffer();
    return response.ok;
  });

  return outcomes.filter((ok) => !ok).length;
}

/** Runs `work` over items with bounded concurrency, keeping the results in order. */
async function inBatches<T, R>(items: T[], work: (item: T, index: number) => Promise<R>) {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));

  return results;
}

async function sampleWhileRunning(stack: Stack): Promise<void> {
  const endsAt = Date.now() + DURATION_MS;
  while (Date.now() < endsAt) {
    await new Promise((done) => setTimeout(done, Math.min(30_000, endsAt - Date.now())));
    const coverage = await stack.zoom.coverage(await stack.zoom.now());
    const stats = await stack.zoom.stats();
    log(`tokens ${stats.tokensIssued}, expired ${coverage.totalExpiredMs / 1000} s so far`);
  }
}

/** History length and tokens minted of a sample of integrations; no worker needs to answer. */
async function historyLengths(stack: Stack, apps: ZoomApp[], sample: number) {
  const sampled = apps.slice(0, Math.min(sample, apps.length));
  return Promise.all(
    sampled.map(async (app, index) => {
      const handle = stack.client.workflow.getHandle(integrationWorkflowId(`bench-${index}`));
      const [description, tokens] = await Promise.all([
        handle.describe(),
        stack.zoom.tokens(app.clientId),
      ]);
      return { events: description.historyLength, cycles: tokens.length };
    }),
  );
}

type Sample = Awaited<ReturnType<typeof historyLengths>>;

async function eventsPerCycle(stack: Stack, apps: ZoomApp[], baseline: Sample) {
  const now = await historyLengths(stack, apps, baseline.length);
  const events = now.reduce((sum, entry, i) => sum + entry.events - (baseline[i]?.events ?? 0), 0);
  const cycles = now.reduce((sum, entry, i) => sum + entry.cycles - (baseline[i]?.cycles ?? 0), 0);

  return cycles > 0 ? round(events / cycles) : null;
}

function rssKb(pid: number | undefined): number {
  if (!pid) return 0;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

const round = (value: number) => Math.round(value * 100) / 100;
const log = (message: string) => console.error(`[bench] ${message}`);

await main();
