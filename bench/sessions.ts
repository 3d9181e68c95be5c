// Schedules many Zoom-streamed sessions of one event on the embedded stack, all saves in flight
// at once as a platform importing a programme would, and sets the time against the floor Zoom's
// per-second limits put under the calls made. A second run with the emulator's limits off shows
// the workflow's own throughput. With --batch N the sessions go N to a request through the batch
// route (POST /events/{eventId}/sessions/batch), every batch at once; 0 saves one per request.
// --concurrency bounds the requests in flight (default: all of them). Usage:
// npm run bench:sessions -- [--sessions 500] [--hosts 10] [--kind meeting|webinar]
// [--batch 0|1-200] [--concurrency 500]
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import proto from '@temporalio/proto';
import { ERROR_REGISTRY } from '../api/errors.js';
import { integrationWorkflowId } from '../common/task-queues.js';
import { ZOOM_RATE_LIMITS, type ZoomCallCategory } from '../common/zoom-rate-limits.js';
import { startStack, type Stack } from '../test/support/stack.js';
import type { EmulatorStats, ZoomApp } from '../test/support/zoom-control.js';

const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '500' },
    hosts: { type: 'string', default: '10' },
    kind: { type: 'string', default: 'meeting' },
    batch: { type: 'string', default: '0' },
    concurrency: { type: 'string' },
  },
});
const SESSIONS = Number(values.sessions);
const HOSTS = Number(values.hosts);
if (values.kind !== 'meeting' && values.kind !== 'webinar') {
  throw new Error(`--kind must be meeting or webinar, not ${values.kind}`);
}
const KIND: 'meeting' | 'webinar' = values.kind;
/** Sessions per request through the batch route; 0 sends each alone through the single one. */
const BATCH = Number(values.batch);
if (!Number.isInteger(BATCH) || BATCH < 0 || BATCH > 200) {
  throw new Error(`--batch must be 0 (one session a request) or 1 to 200, not ${values.batch}`);
}
const MODE: 'single' | 'batch' = BATCH > 0 ? 'batch' : 'single';
const REQUESTS = BATCH > 0 ? Math.ceil(SESSIONS / BATCH) : SESSIONS;
/** Requests in flight at once, whatever each carries. */
const CONCURRENCY = Number(values.concurrency ?? REQUESTS);
const PLAN = 'pro';
/** Zoom charges a meeting create as Medium, a webinar create as Light. */
const CREATE_CATEGORY: ZoomCallCategory = KIND === 'webinar' ? 'light' : 'medium';
/** Greenroom's own pacing keeps a tenth under Zoom's limit (activities/zoom/pacing.ts). */
const PACING_SHARE = 0.9;
/** The target: the saves finish within this multiple of Zoom's floor. */
const TARGET_RATIO = 1.5;
/** Error codes by which a Zoom 429 would reach the organiser as a failed save. */
const ZOOM_429_CODES = new Set(['zoom_unavailable', 'zoom_daily_limit_reached']);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'greenroom-bench-sessions-'));
  const stack = await startStack({ dir });
  try {
    log(`stack and its logs under ${dir}`);
    const carried = BATCH > 0 ? `in ${REQUESTS} batches of up to ${BATCH}` : 'one a request';
    log(
      `saving ${SESSIONS} ${KIND} sessions over ${HOSTS} hosts ${carried}, ` +
        `${Math.min(CONCURRENCY, REQUESTS)} requests at a time`,
    );
    const zoomLimited = await measureSaves(stack, 'bench-sessions', true);
    log(`with Zoom's limits: ${zoomLimited.elapsedSeconds} s, ratio ${zoomLimited.floor.ratio}`);
    const zoomUnlimited = await measureSaves(stack, 'bench-sessions-unlimited', false);
    log(`without Zoom's limits: ${zoomUnlimited.elapsedSeconds} s`);
    const report = {
      sessions: SESSIONS,
      hosts: HOSTS,
      kind: KIND,
      mode: MODE,
      batchSize: BATCH > 0 ? BATCH : null,
      requests: REQUESTS,
      concurrency: CONCURRENCY,
      plan: PLAN,
      // The whole stack and this client share these: context for every figure below.
      cpus: availableParallelism(),
      zoomCreatesPerSecond: ZOOM_RATE_LIMITS[PLAN][CREATE_CATEGORY],
      greenroomPacedCreatesPerSecond: ZOOM_RATE_LIMITS[PLAN][CREATE_CATEGORY] * PACING_SHARE,
      zoomLimited,
      zoomUnlimited,
      verdict: verdict(zoomLimited, zoomUnlimited),
    };
    mkdirSync('artifacts/bench', { recursive: true });
    writeFileSync('artifacts/bench/sessions.json', `${JSON.stringify(report, null, 2)}\n`);
    console.log(JSON.stringify(report, null, 2));
  } finally {
    await stack.stop();
  }
}

/** One event on its own Zoom account (so its own pacing budget): hosts, then every save. */
async function measureSaves(stack: Stack, eventId: string, rateLimits: boolean) {
  await stack.zoom.settings({ rateLimits });
  const app = await connect(stack, eventId);
  const hostIds = await addHosts(stack, app, eventId);
  const before = await stack.zoom.stats();
  const startedAtMs = Date.now();
  const run = await saveAll(stack, eventId, hostIds);
  const endedAtMs = Date.now();
  const after = await stack.zoom.stats();
  const calls = difference(after.apiCallsByEndpoint, before.apiCallsByEndpoint);
  const floor = floorOf(calls, run.elapsedMs);
  const meetingsOnZoom = await checkMeetings(stack, app, run.saved);
  const sessionsInStore = await checkStore(stack, eventId, run.saved);
  const timeSpent = await workflowTime(stack, eventId, startedAtMs, endedAtMs);
  const serial = await saveSerially(stack, eventId, hostIds);
  await stack.zoom.settings({ rateLimits: true });

  return {
    zoomRateLimits: rateLimits,
    saved: run.saved.length,
    elapsedSeconds: round(run.elapsedMs / 1000),
    savesPerSecond: round(run.saved.length / (run.elapsedMs / 1000)),
    answersPerSecond: round(SESSIONS / (run.elapsedMs / 1000)),
    latencyP50Ms: percentile(run.latencies, 0.5),
    latencyP99Ms: percentile(run.latencies, 0.99),
    latencyMaxMs: percentile(run.latencies, 1),
    failures: run.failures,
    failureCausesInApiLog: causesInApiLog(stack, startedAtMs, endedAtMs),
    zoom429sReachingSessions: countCodes(run.failures, ZOOM_429_CODES),
    emulator: {
      calls,
      callsByCategory: difference(categoriesOf(after), categoriesOf(before)),
      rateLimited429s: after.apiRateLimited - before.apiRateLimited,
      tokenRequests: after.tokenRequests - before.tokenRequests,
    },
    floor,
    meetingsOnZoom,
    sessionsInStore,
    workflow: { ...timeSpent, ...serial },
  };
}

async function connect(stack: Stack, eventId: string): Promise<ZoomApp> {
  const app = await stack.zoom.createConnectableApp();
  await request(stack, 'PUT', `/events/${eventId}/zoom/credentials`, {
    accountId: app.accountId,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
  });
  return app;
}

async function request(stack: Stack, method: string, path: string, body?: unknown) {
  const answer = await stack.api(method, path, body);
  if (answer.status >= 300) {
    throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  return answer.body;
}

/** Licensed users with webinars, added one by one as the event's hosts; answers their ids. */
async function addHosts(stack: Stack, app: ZoomApp, eventId: string): Promise<string[]> {
  const hostIds = [];
  for (let index = 0; index < HOSTS; index += 1) {
    const person = { firstName: 'Bench', lastName: `Host ${index}` };
    const email = `host${index}@${eventId}.example.com`;
    await stack.zoom.createUser(app.accountId, {
      ...person,
      email,
      type: 2,
      settings: { webinar: true, webinarCapacity: 1000 },
    });
    const host = await request(stack, 'POST', `/events/${eventId}/zoom/hosts`, {
      ...person,
      email,
      expectedAttendees: 50,
    });
    hostIds.push(String(host.hostId));
  }
  return hostIds;
}

interface SavedMeeting {
  sessionId: string;
  meetingId: string;
}

interface Failure {
  count: number;
  status: number;
  message: string;
}

/**
 * Every request in flight at once (bounded by --concurrency), hosts taken in turn: one session
 * each, or with --batch the sessions in runs of BATCH. Latencies are the requests'.
 */
async function saveAll(stack: Stack, eventId: string, hostIds: string[]) {
  const saved: SavedMeeting[] = [];
  const latencies: number[] = [];
  const failures: Record<string, Failure> = {};
  const size = BATCH > 0 ? BATCH : 1;
  let next = 0;
  const worker = async () => {
    for (let request = next++; request < REQUESTS; request = next++) {
      const indexes = Array.from(
        { length: Math.min(size, SESSIONS - request * size) },
        (_, offset) => request * size + offset,
      );
      const started = performance.now();
      const outcomes =
        BATCH > 0
          ? await saveBatch(stack, eventId, indexes, hostIds)
          : [await saveOne(stack, eventId, indexes[0] ?? 0, hostIds)];
      latencies.push(performance.now() - started);
      for (const outcome of outcomes) {
        if ('meetingId' in outcome) saved.push(outcome);
        else recordFailure(failures, outcome);
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, REQUESTS) }, worker));

  return { saved, latencies, failures, elapsedMs: performance.now() - started };
}

type SaveOutcome = SavedMeeting | { code: string; status: number; message: string };

/** The session of `index`, streaming through the hosts in turn. */
function sessionBody(index: number, hostIds: string[]) {
  return {
    title: `Bench session ${index + 1}`,
    startTime: startTimeOf(index),
    timeZone: 'Europe/Berlin',
    durationMinutes: 60,
    expectedAttendees: 50,
    stream: { source: 'zoom', kind: KIND, hostId: hostIds[index % hostIds.length] ?? '' },
  };
}

async function saveOne(stack: Stack, eventId: string, index: number, hostIds: string[]) {
  try {
    const response = await fetch(`${stack.apiUrl}/events/${eventId}/sessions`, {
      method: 'POST',
      headers: { ...stack.apiHeaders, 'content-type': 'application/json' },
      body: JSON.stringify(sessionBody(index, hostIds)),
    });
    return outcomeOf(response.status, await response.text());
  } catch (error) {
    return { code: 'no_answer', status: 0, message: String(error) } satisfies SaveOutcome;
  }
}

/**
 * One request for the sessions of `indexes`, answering one outcome per session in their order.
 * A refused batch (any answer but a 200) fails each of its sessions with the batch's error.
 */
async function saveBatch(
  stack: Stack,
  eventId: string,
  indexes: number[],
  hostIds: string[],
): Promise<SaveOutcome[]> {
  const body = { sessions: indexes.map((index) => sessionBody(index, hostIds)) };
  let status: number;
  let text: string;
  try {
    const response = await fetch(`${stack.apiUrl}/events/${eventId}/sessions/batch`, {
      method: 'POST',
      headers: { ...stack.apiHeaders, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    return indexes.map(() => ({ code: 'no_answer', status: 0, message: String(error) }));
  }
  let results: BatchItem[] | undefined;
  try {
    results = status === 200 ? (JSON.parse(text) as { results?: BatchItem[] }).results : undefined;
  } catch {
    results = undefined;
  }
  if (!results) return indexes.map(() => outcomeOf(status, text));

  return indexes.map((_, position) => itemOutcome(results[position], position));
}

interface AnsweredSession {
  id: string;
  zoom: { meetingId: string } | null;
}

interface AnsweredError {
  code?: string;
  message?: string;
}

/** One session's result in a batch's answer. */
interface BatchItem {
  index: number;
  ok: boolean;
  session?: AnsweredSession;
  error?: AnsweredError;
}

/** Any answer but a 201 carrying a Zoom meeting is a failure, keyed by its error code. */
function outcomeOf(status: number, text: string): SaveOutcome {
  let parsed: { session?: AnsweredSession };
  let error: AnsweredError | undefined;
  try {
    parsed = JSON.parse(text) as typeof parsed;
    error = (parsed as { error?: typeof error }).error;
  } catch {
    return { code: `http_${status}`, status, message: text.slice(0, 300) };
  }
  const meetingId = parsed.session?.zoom?.meetingId;
  if (status === 201 && parsed.session && meetingId) {
    return { sessionId: parsed.session.id, meetingId };
  }
  const code = error?.code ?? (status === 201 ? 'saved_without_meeting' : `http_${status}`);

  return { code, status, message: error?.message ?? text.slice(0, 300) };
}

/**
 * A batch's result for one session, counted as its own save would be: a failure keyed by its
 * error code, with the status the single route answers for that code (the batch answered 200).
 */
function itemOutcome(item: BatchItem | undefined, position: number): SaveOutcome {
  if (!item || item.index !== position) {
    const message = `the batch answered no result for its session ${position}`;
    return { code: 'no_result', status: 200, message };
  }
  const meetingId = item.session?.zoom?.meetingId;
  if (item.ok && item.session && meetingId) return { sessionId: item.session.id, meetingId };
  if (item.ok) return { code: 'saved_without_meeting', status: 201, message: 'no Zoom meeting' };
  const code = item.error?.code ?? 'no_error_code';
  const status = (ERROR_REGISTRY as Record<string, { status: number } | undefined>)[code]?.status;

  return { code, status: status ?? 200, message: item.error?.message ?? '' };
}

function recordFailure(failures: Record<string, Failure>, outcome: SaveOutcome): void {
  if (!('code' in outcome)) return;
  const seen = failures[outcome.code];
  if (seen) seen.count += 1;
  else failures[outcome.code] = { count: 1, status: outcome.status, message: outcome.message };
}

/**
 * The API answers every Temporal trouble with the same workflow_unavailable message; its log
 * keeps the cause. Counts the warnings and errors it logged during the phase by their cause.
 */
function causesInApiLog(stack: Stack, fromMs: number, toMs: number): Record<string, number> {
  const causes: Record<string, number> = {};
  for (const line of readFileSync(join(stack.logDir, 'api.log'), 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { level: number; time: number; msg: string; err?: Error };
    if (entry.level < 40 || entry.time < fromMs || entry.time > toMs) continue;
    const cause = causeOf(entry.err?.message ?? entry.msg);
    causes[cause] = (causes[cause] ?? 0) + 1;
  }

  return causes;
}

/** The gRPC status and its text when there is one, timings blanked so alike causes group. */
function causeOf(message: string): string {
  const status = /\b\d{1,2} [A-Z_]{4,}: [^,]*/.exec(message)?.[0] ?? message;
  return status.replace(/\d+(\.\d+)?s\b/g, '…s');
}

function countCodes(failures: Record<string, Failure>, codes: Set<string>): number {
  return Object.entries(failures)
    .filter(([code]) => codes.has(code))
    .reduce((sum, [, failure]) => sum + failure.count, 0);
}

const SERIAL_SAVES = 20;

/** What a save costs alone: a few more, one at a time, after the concurrent ones. */
async function saveSerially(stack: Stack, eventId: string, hostIds: string[]) {
  const latencies = [];
  let failed = 0;
  for (let index = SESSIONS; index < SESSIONS + SERIAL_SAVES; index += 1) {
    const started = performance.now();
    const outcome = await saveOne(stack, eventId, index, hostIds);
    latencies.push(performance.now() - started);
    if (!('meetingId' in outcome)) failed += 1;
  }
  const p50 = percentile(latencies, 0.5);

  return {
    serialSaves: SERIAL_SAVES,
    serialFailures: failed,
    serialSaveP50Ms: p50,
    serialSavesPerSecond: round(1000 / p50),
  };
}

const { EventType } = proto.temporal.api.enums.v1;
type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

/**
 * Where a save's time goes inside Temporal. Every save is an Update of the event's one
 * integration workflow, whose workflow tasks run one at a time; `parentBusyShare` near 1 means
 * that workflow had a task queued or running for the whole phase. The session-sync children
 * run side by side; their durations hold the Zoom call and its pacing. `childStartWait` is how
 * long a child the workflow asked for took Temporal to start (initiated to started), a wait the
 * children's own durations leave out.
 */
async function workflowTime(stack: Stack, eventId: string, fromMs: number, toMs: number) {
  const events = (await parentHistory(stack, eventId, fromMs)).filter((event) => {
    const atMs = timeOf(event);
    return atMs >= fromMs && atMs <= toMs;
  });
  const tasks = taskSpans(events);
  const queuedMs = tasks.reduce((sum, task) => sum + task.queuedMs, 0);
  const runningMs = tasks.reduce((sum, task) => sum + task.runningMs, 0);
  const children = await childDurations(stack, eventId);
  const startWaits = childStartWaits(events);

  return {
    parentHistoryEvents: events.length,
    parentWorkflowTasks: tasks.length,
    parentTaskQueuedSeconds: round(queuedMs / 1000),
    parentTaskRunningSeconds: round(runningMs / 1000),
    parentBusyShare: round((queuedMs + runningMs) / (toMs - fromMs)),
    parentUpdatesAccepted: events.filter(
      (event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
    ).length,
    children: children.length,
    childP50Ms: percentile(children, 0.5),
    childP99Ms: percentile(children, 0.99),
    childStartWaitP50Ms: percentile(startWaits, 0.5),
    childStartWaitP99Ms: percentile(startWaits, 0.99),
  };
}

/** Each child's wait from the parent's request to start it until Temporal had started it. */
function childStartWaits(events: HistoryEvent[]): number[] {
  const initiatedMs = new Map<string, number>();
  const waits = [];
  for (const event of events) {
    if (event.eventType === EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED) {
      initiatedMs.set(String(event.eventId), timeOf(event));
    }
    const started = event.childWorkflowExecutionStartedEventAttributes;
    const fromMs = started ? initiatedMs.get(String(started.initiatedEventId)) : undefined;
    if (fromMs !== undefined) waits.push(timeOf(event) - fromMs);
  }

  return waits;
}

/** The integration's history back to the run that was live at `fromMs` (continue-as-new). */
async function parentHistory(stack: Stack, eventId: string, fromMs: number) {
  const workflowId = integrationWorkflowId(eventId);
  const runs: HistoryEvent[][] = [];
  let runId: string | undefined;
  for (;;) {
    const history = await stack.client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    runs.unshift(events);
    const first = events[0];
    const previous = first?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    if (!first || timeOf(first) <= fromMs || !previous) break;
    runId = previous;
  }

  return runs.flat();
}

/** Each workflow task's wait on the task queue and its run on the worker. */
function taskSpans(events: HistoryEvent[]) {
  const spans = [];
  let scheduledMs: number | null = null;
  let startedMs: number | null = null;
  for (const event of events) {
    if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED)
      scheduledMs = timeOf(event);
    if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) startedMs = timeOf(event);
    if (event.eventType !== EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) continue;
    const completedMs = timeOf(event);
    if (startedMs !== null) {
      spans.push({
        queuedMs: scheduledMs === null ? 0 : startedMs - scheduledMs,
        runningMs: completedMs - startedMs,
      });
    }
    scheduledMs = null;
    startedMs = null;
  }

  return spans;
}

async function childDurations(stack: Stack, eventId: string): Promise<number[]> {
  const prefix = `session-sync:${eventId}:`;
  const durations = [];
  const query = `WorkflowType = 'sessionSyncWorkflow'`;
  for await (const child of stack.client.workflow.list({ query })) {
    if (!child.workflowId.startsWith(prefix) || !child.closeTime) continue;
    durations.push(child.closeTime.getTime() - child.startTime.getTime());
  }

  return durations;
}

function timeOf(event: HistoryEvent): number {
  const seconds = event.eventTime?.seconds ?? 0;
  const whole = typeof seconds === 'number' ? seconds : seconds.toNumber();

  return whole * 1000 + (event.eventTime?.nanos ?? 0) / 1e6;
}

/** Ten sessions a day from 08:00 Berlin time, clear of the spring-forward gap. */
function startTimeOf(index: number): string {
  const day = Math.floor(index / 10);
  const startMs = Date.UTC(2027, 4, 3 + day, 8 + (index % 10), 0);
  return new Date(startMs).toISOString().slice(0, 16);
}

/** Every saved session has its own meeting on Zoom, and Zoom holds no other. */
async function checkMeetings(stack: Stack, app: ZoomApp, saved: SavedMeeting[]) {
  const held = (await stack.zoom.meetings(app.accountId)).meetings;
  const heldIds = held.map((meeting) => meeting.id);
  const unique = new Set(heldIds);
  const savedIds = new Set(saved.map((each) => each.meetingId));
  const missing = [...savedIds].filter((id) => !unique.has(id));
  const orphans = [...unique].filter((id) => !savedIds.has(id));

  return {
    held: held.length,
    ofKind: held.filter((meeting) => meeting.kind === KIND).length,
    uniqueIds: unique.size,
    duplicateIds: heldIds.length - unique.size,
    savedSessionsMissingTheirMeeting: missing.length,
    sessionsSharingAMeeting: saved.length - savedIds.size,
    meetingsWithoutASavedSession: orphans.length,
    everySessionHasItsMeeting:
      held.length === SESSIONS && unique.size === SESSIONS && !missing.length,
  };
}

/** What the event holds after the saves: a refused save should have left nothing behind. */
async function checkStore(stack: Stack, eventId: string, saved: SavedMeeting[]) {
  const answered = new Set(saved.map((each) => each.sessionId));
  const stored: { id: string; zoom: unknown }[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page = await request(stack, 'GET', `/events/${eventId}/sessions?limit=500${query}`);
    stored.push(...(page.items as typeof stored));
    cursor = page.nextCursor as string | null;
  } while (cursor);
  const unanswered = stored.filter((session) => !answered.has(session.id));

  return {
    stored: stored.length,
    withMeeting: stored.filter((session) => session.zoom !== null).length,
    storedThoughTheSaveFailed: unanswered.length,
    storedThoughTheSaveFailedWithMeeting: unanswered.filter((session) => session.zoom).length,
  };
}

/**
 * Zoom's category a call of the emulator's stats is charged to (ZOOM-CONTRACT.md): creating a
 * meeting, listing users, meetings or webinars and reading settings are Medium; creating a
 * webinar and everything on one user, meeting or webinar id are Light.
 */
function categoryOf(endpoint: string): ZoomCallCategory {
  const [method, path = ''] = endpoint.split(' ');
  if (path === '/v2/users' || path.endsWith('/settings')) return 'medium';
  if (path.endsWith('/webinars')) return method === 'POST' ? 'light' : 'medium';
  if (path.endsWith('/meetings')) return 'medium';

  return 'light';
}

/**
 * The floor: Zoom gives each account a separate per-second budget per category (Pro: Light 30,
 * Medium 20). C calls of a category with limit L cannot be served in less than C / L seconds,
 * and the categories run side by side, so the whole save phase cannot take less than the
 * largest C / L over the categories: floor = max over k of (calls_k / limit_k). (A sliding
 * window lets the first L through at once, so the strict bound is a second less; C / L is the
 * sustained rate, the fair yardstick for hundreds of calls.) The calls are those the emulator
 * saw during the phase (token requests are not rate-limited and are left out); calls refused
 * with a 429 count too, and the 429s are reported beside the floor. The minimal floor counts
 * only the one create each session needs.
 */
function floorOf(calls: Record<string, number>, elapsedMs: number) {
  const byCategory: Partial<Record<ZoomCallCategory, { calls: number; limit: number }>> = {};
  for (const [endpoint, count] of Object.entries(calls)) {
    if (!endpoint.includes(' /v2/')) continue;
    const category = categoryOf(endpoint);
    const entry = (byCategory[category] ??= { calls: 0, limit: ZOOM_RATE_LIMITS[PLAN][category] });
    entry.calls += count;
  }
  const categories = Object.entries(byCategory).map(([category, { calls, limit }]) => ({
    category,
    calls,
    limitPerSecond: limit,
    seconds: round(calls / limit),
  }));
  const seconds = Math.max(0, ...categories.map((each) => each.seconds));
  const minimalSeconds = SESSIONS / ZOOM_RATE_LIMITS[PLAN][CREATE_CATEGORY];
  const elapsedSeconds = elapsedMs / 1000;

  return {
    byCategory: categories,
    seconds,
    ratio: seconds > 0 ? round(elapsedSeconds / seconds) : null,
    minimalSeconds: round(minimalSeconds),
    ratioToMinimal: round(elapsedSeconds / minimalSeconds),
  };
}

type SavesRun = Awaited<ReturnType<typeof measureSaves>>;

/**
 * The workflow is the bottleneck when, with Zoom's limits off, it saves more slowly than
 * Greenroom's own pacing would let the creates through. Failed saves are named first: they are
 * not slow saves, and no ratio makes up for them.
 */
function verdict(limited: SavesRun, unlimited: SavesRun): string {
  const ratio = limited.floor.ratio ?? Infinity;
  const target = ratio <= TARGET_RATIO ? 'within' : 'outside';
  const zoomRate = ZOOM_RATE_LIMITS[PLAN][CREATE_CATEGORY];
  const pacedRate = zoomRate * PACING_SHARE;
  const workflowRate = unlimited.savesPerSecond;
  const remedy =
    BATCH > 0
      ? `even in batches of ${BATCH}`
      : 'a batch save (one Update for many sessions) would spread the per-save cost';
  // Greenroom paces its own calls whether or not the emulator enforces Zoom's limits, so a run
  // without them that keeps up with the pacing shows the pacing, not the workflow, as the cap.
  const bottleneck =
    workflowRate < pacedRate * 0.95
      ? `the workflow: ${workflowRate} saves/s with Zoom's limits off, against Zoom's ` +
        `${zoomRate} creates/s (${pacedRate}/s as Greenroom paces them); ${remedy}`
      : `Zoom's limits: with the emulator's limits off the saves still keep pace with ` +
        `Greenroom's own pacing (${workflowRate} of ${pacedRate} saves/s, ` +
        `0.9 of Zoom's ${zoomRate})`;

  return (
    `${failuresOf(limited)} with Zoom's limits, ${failuresOf(unlimited)} without; ` +
    `${limited.elapsedSeconds} s against a floor of ${limited.floor.seconds} s for the calls ` +
    `made (${limited.floor.minimalSeconds} s for ${SESSIONS} creates): ratio ${ratio}, ` +
    `${target} the ${TARGET_RATIO}x target; bottleneck: ${bottleneck}`
  );
}

function failuresOf(run: SavesRun): string {
  const codes = Object.entries(run.failures).map(([code, { count }]) => `${count} ${code}`);
  const failed = SESSIONS - run.saved;

  return failed === 0
    ? 'no failed saves'
    : `${failed} of ${SESSIONS} saves failed (${codes.join(', ')})`;
}

function categoriesOf(stats: EmulatorStats): Record<string, number> {
  // The control client's type predates this counter; the emulator has answered it all along.
  return (
    (stats as EmulatorStats & { apiCallsByCategory?: Record<string, number> }).apiCallsByCategory ??
    {}
  );
}

function difference(after: Record<string, number>, before: Record<string, number>) {
  const changed: Record<string, number> = {};
  for (const [key, count] of Object.entries(after)) {
    const delta = count - (before[key] ?? 0);
    if (delta !== 0) changed[key] = delta;
  }
  return changed;
}

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
}

const round = (value: number) => Math.round(value * 100) / 100;

function log(message: string): void {
  console.error(`[bench:sessions] ${message}`);
}

await main();
