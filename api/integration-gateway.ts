import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import {
  WithStartWorkflowOperation,
  WorkflowUpdateFailedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import type { TypedSearchAttributes } from '@temporalio/common';
import { SECOND_MS, UPDATE_ANSWER_BUDGET_MS } from '../common/durations.js';
import {
  EVENT_ID_ATTRIBUTE,
  REFUSAL_CAUSE_ATTRIBUTE,
  STATUS_ATTRIBUTE,
  TOKEN_EXPIRES_AT_ATTRIBUTE,
} from '../common/search-attributes.js';
import type { IntegrationStatus, RefusalCause } from '../common/status.js';
import { INTEGRATION_TASK_QUEUE, integrationWorkflowId } from '../common/task-queues.js';
import { REMOVE_HOST_DETAILS, removeHostWorkflow } from '../workflows/remove-host-workflow.js';
import { hostError, hostInUse } from '../workflows/hosts/host-errors.js';
import {
  addHost,
  importHosts,
  removeHost,
  syncHosts,
  requestMeetingCleanup,
  saveZoomSession,
  saveZoomSessions,
  type SaveZoomSessionRequest,
  type SessionAnswer,
  type SessionBatchAnswer,
  type ImportAnswer,
  type SyncAnswer,
  type AddHostRequest,
  type HostAnswer,
  type RemoveHostAnswer,
  disableIntegration,
  disconnectIntegration,
  enableIntegration,
  getIntegrationStatus,
  INTEGRATION_DETAILS,
  regenerateToken,
  saveCredentials,
  zoomIntegrationWorkflow,
  type ActionAnswer,
  type IntegrationSettings,
  type IntegrationView,
} from '../workflows/zoom-integration-workflow.js';
import type { SessionSyncInput } from '../activities/zoom/session-activities.js';
import { ApiError } from './errors.js';
import { idempotentUpdateId } from './idempotency.js';
import { UpdateSlots } from './update-slots.js';

/**
 * An Update answers within the workflow's budget; the RPC gets a little more, then gives up.
 * Limitation: an Update the server accepted but no worker ran before this deadline (all workers
 * down) is not withdrawn; it runs when a worker returns, so its effect shows on a later read.
 */
const UPDATE_RPC_DEADLINE_MS = UPDATE_ANSWER_BUDGET_MS + 5 * SECOND_MS;
const QUERY_DEADLINE_MS = 3 * SECOND_MS;
/** Describing or signalling a workflow: a hung Temporal must not hold a request for ever. */
const CALL_DEADLINE_MS = 5 * SECOND_MS;
const withinCallDeadline = <T>(client: Client, call: () => Promise<T>) =>
  client.withDeadline(Date.now() + CALL_DEADLINE_MS, call);
/** Imports and syncs read every page of a large account, paced by Zoom's limits. */
const SCAN_RPC_DEADLINE_MS = 120 * SECOND_MS;
/** A session save may queue behind many others in the account's pacing (child: 80 s). */
const SESSION_RPC_DEADLINE_MS = 90 * SECOND_MS;

/**
 * When the workflow must have answered a session save: a little before this process stops
 * waiting, so a save queued too long is not begun at all rather than committed unheard.
 * Limitation: compared with the workflow's clock, the Temporal server's; the two hosts' clocks
 * are assumed to agree within a second or two.
 */
function sessionAnswerBy(): number {
  return Date.now() + SESSION_RPC_DEADLINE_MS - 3 * SECOND_MS;
}

/** What the search attributes say when no worker can answer a query. */
export interface IndexedStatus {
  status: IntegrationStatus;
  cause: RefusalCause | null;
  tokenExpiresAtMs: number | null;
}

export type IntegrationReading =
  | { source: 'workflow'; view: IntegrationView }
  | { source: 'search_attributes'; indexed: IndexedStatus }
  | { source: 'none' };

export type IntegrationAction = 'regenerate' | 'disable' | 'enable' | 'disconnect';

/** The API's only door to Temporal: starts, updates and reads event integration workflows. */
export interface IntegrationGateway {
  saveCredentials(eventId: string, credentialsId: string): Promise<ActionAnswer>;
  addHost(eventId: string, request: AddHostRequest): Promise<HostAnswer>;
  removeHost(eventId: string, hostId: string): Promise<RemoveHostAnswer>;
  importHosts(eventId: string): Promise<ImportAnswer>;
  syncHosts(eventId: string): Promise<SyncAnswer>;
  saveZoomSession(eventId: string, request: SaveZoomSessionRequest): Promise<SessionAnswer>;
  saveZoomSessions(eventId: string, sessions: SessionSyncInput[]): Promise<SessionBatchAnswer>;
  /** Tells the integration that sessions released meetings; a no-op when it is not running. */
  requestMeetingCleanup(eventId: string): Promise<void>;
  act(eventId: string, action: IntegrationAction): Promise<ActionAnswer>;
  read(eventId: string): Promise<IntegrationReading>;
}

const ACTION_UPDATES = {
  regenerate: regenerateToken,
  disable: disableIntegration,
  enable: enableIntegration,
  disconnect: disconnectIntegration,
} as const;

/** Builds the gateway over a Temporal client. */
export function createIntegrationGateway(
  client: Client,
  settings: IntegrationSettings,
): IntegrationGateway {
  return {
    async saveCredentials(eventId, credentialsId) {
      // A with-start operation serves one call only, so each attempt builds its own.
      return sendUpdate(client, eventId, saveCredentials.name, (updateId) =>
        client.workflow.executeUpdateWithStart(saveCredentials, {
          args: [{ credentialsId }],
          startWorkflowOperation: startOperation(eventId, settings),
          updateId,
        }),
      );
    },
    async act(eventId, action) {
      const handle = await runningHandle(client, eventId);
      const update = ACTION_UPDATES[action];
      return sendUpdate(client, eventId, update.name, (updateId) =>
        handle.executeUpdate(update, { updateId }),
      );
    },
    async addHost(eventId, request) {
      const handle = await runningHandle(client, eventId);
      return sendUpdate(client, eventId, addHost.name, (updateId) =>
        handle.executeUpdate(addHost, { args: [request], updateId }),
      );
    },
    async removeHost(eventId, hostId) {
      // Removing needs no token, so it works on an event whose integration is gone, too.
      const handle = await runningHandle(client, eventId).catch(() => null);
      if (!handle) return removeWithoutIntegration(client, eventId, hostId);
      return sendUpdate(client, eventId, removeHost.name, (updateId) =>
        handle.executeUpdate(removeHost, { args: [{ hostId }], updateId }),
      );
    },
    async importHosts(eventId) {
      const handle = await runningHandle(client, eventId);
      return sendUpdate(
        client,
        eventId,
        importHosts.name,
        (updateId) => handle.executeUpdate(importHosts, { updateId }),
        SCAN_RPC_DEADLINE_MS,
      );
    },
    async syncHosts(eventId) {
      const handle = await runningHandle(client, eventId);
      return sendUpdate(
        client,
        eventId,
        syncHosts.name,
        (updateId) => handle.executeUpdate(syncHosts, { updateId }),
        SCAN_RPC_DEADLINE_MS,
      );
    },
    async saveZoomSession(eventId, request) {
      const handle = await runningHandle(client, eventId);
      const answerByMs = sessionAnswerBy();
      return sendUpdate(
        client,
        eventId,
        saveZoomSession.name,
        (updateId) =>
          handle.executeUpdate(saveZoomSession, { args: [{ ...request, answerByMs }], updateId }),
        SESSION_RPC_DEADLINE_MS,
      );
    },
    async saveZoomSessions(eventId, sessions) {
      const handle = await runningHandle(client, eventId);
      const answerByMs = sessionAnswerBy();
      return sendUpdate(
        client,
        eventId,
        saveZoomSessions.name,
        (updateId) =>
          handle.executeUpdate(saveZoomSessions, { args: [{ sessions, answerByMs }], updateId }),
        SESSION_RPC_DEADLINE_MS,
      );
    },
    async requestMeetingCleanup(eventId) {
      const handle = client.workflow.getHandle(integrationWorkflowId(eventId));
      // No running integration: the deletions wait in the store for the next one to start.
      await withinCallDeadline(client, () => handle.signal(requestMeetingCleanup)).catch(
        () => undefined,
      );
    },
    async read(eventId) {
      return withTemporal(() => readIntegration(client, eventId));
    },
  };
}

/** Below Temporal's 10 Updates in flight per workflow, leaving room for a second API process. */
const updateSlots = new UpdateSlots(8);

/**
 * Sends an Update within the RPC deadline, queueing behind the event's other Updates in this
 * process first. When many Updates reach one workflow at once, the server may drop a
 * speculative workflow task and reject the Updates it carried, unapplied, or refuse Updates
 * over its in-flight limit; those are sent again, which is safe because they never ran.
 */
async function sendUpdate<T>(
  client: Client,
  eventId: string,
  updateName: string,
  call: (updateId: string | undefined) => Promise<T>,
  budgetMs = UPDATE_RPC_DEADLINE_MS,
): Promise<T> {
  const deadline = Date.now() + budgetMs;
  // Under an Idempotency-Key every send and retry carries one id: a run Update answers again.
  const updateId = idempotentUpdateId(updateName);
  const answer = await updateSlots.run(eventId, deadline, () =>
    withTemporal(async () => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return { value: await client.withDeadline(deadline, () => call(updateId)) };
        } catch (error) {
          if (!mayResend(error) || attempt >= 20 || Date.now() > deadline) throw error;
          await delay(50 * Math.min(attempt, 5) + Math.random() * 100);
        }
      }
    }),
  );
  if (!answer) {
    throw new ApiError('workflow_unavailable', 'Too many changes to this event at once; retry.', {
      reason: 'queued_past_deadline',
    });
  }

  return answer.value;
}

/** An Update the server refused without running it: dropped with its task, or over the limit. */
function mayResend(error: unknown): boolean {
  const text = messagesOf(error);
  return (
    (error instanceof WorkflowUpdateFailedError && text.includes("wasn't processed by worker")) ||
    text.includes('in-flight') ||
    text.includes('RESOURCE_EXHAUSTED')
  );
}

function messagesOf(error: unknown): string {
  const parts: string[] = [];
  for (let current = error; current instanceof Error; current = current.cause) {
    parts.push(current.message);
  }
  return parts.join(' ');
}

async function removeWithoutIntegration(
  client: Client,
  eventId: string,
  hostId: string,
): Promise<RemoveHostAnswer> {
  const removal = await withTemporal(() =>
    client.workflow.execute(removeHostWorkflow, {
      workflowId: `remove-host:${eventId}:${hostId}:${randomUUID()}`,
      taskQueue: INTEGRATION_TASK_QUEUE,
      args: [{ eventId, hostId }],
      staticSummary: `Remove Zoom host ${hostId} from event ${eventId} (no integration running)`,
      staticDetails: REMOVE_HOST_DETAILS,
    }),
  );
  if (removal.removed) return { ok: true };
  const nowMs = Date.now();
  if (removal.reason === 'not_found') {
    return { ok: false, error: hostError('host_not_found', 'No such Zoom host.', nowMs) };
  }

  return { ok: false, error: hostInUse(removal.sessions, nowMs) };
}

function startOperation(eventId: string, settings: IntegrationSettings) {
  return new WithStartWorkflowOperation(zoomIntegrationWorkflow, {
    workflowId: integrationWorkflowId(eventId),
    taskQueue: INTEGRATION_TASK_QUEUE,
    args: [{ eventId, settings }],
    // A running integration takes the new credentials; a closed one (disconnected) starts afresh.
    workflowIdConflictPolicy: 'USE_EXISTING',
    staticSummary: `Zoom token lifecycle of event ${eventId}`,
    staticDetails: INTEGRATION_DETAILS,
    typedSearchAttributes: [
      { key: EVENT_ID_ATTRIBUTE, value: eventId },
      { key: STATUS_ATTRIBUTE, value: 'connecting' },
    ],
  });
}

async function runningHandle(client: Client, eventId: string): Promise<WorkflowHandle> {
  const handle = client.workflow.getHandle(integrationWorkflowId(eventId));
  const description = await withTemporal(() =>
    withinCallDeadline(client, () => handle.describe()),
  ).catch((error: unknown) => {
    if (error instanceof ApiError && error.code === 'not_connected') return null;
    throw error;
  });
  if (description?.status.name !== 'RUNNING') throw new ApiError('not_connected');

  return handle;
}

async function readIntegration(client: Client, eventId: string): Promise<IntegrationReading> {
  const handle = client.workflow.getHandle(integrationWorkflowId(eventId));
  let description;
  try {
    description = await withinCallDeadline(client, () => handle.describe());
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { source: 'none' };
    throw error;
  }
  if (description.status.name !== 'RUNNING') return { source: 'none' };
  try {
    const view = await client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
      handle.query(getIntegrationStatus),
    );
    return { source: 'workflow', view };
  } catch {
    // No worker answered in time: the search attributes still tell the status.
    return {
      source: 'search_attributes',
      indexed: indexedStatus(description.typedSearchAttributes),
    };
  }
}

function indexedStatus(attributes: TypedSearchAttributes): IndexedStatus {
  const expiresAt = attributes.get(TOKEN_EXPIRES_AT_ATTRIBUTE);
  return {
    status: (attributes.get(STATUS_ATTRIBUTE) ?? 'connecting') as IntegrationStatus,
    cause: (attributes.get(REFUSAL_CAUSE_ATTRIBUTE) ?? null) as RefusalCause | null,
    tokenExpiresAtMs: expiresAt ? expiresAt.getTime() : null,
  };
}

/** Maps Temporal's failures onto the error registry; a missing workflow means not connected. */
async function withTemporal<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (error instanceof WorkflowNotFoundError) throw new ApiError('not_connected');
    const unavailable = new ApiError('workflow_unavailable', undefined, {
      reason: errorName(error),
    });
    // Kept for the log line; the answer shows only the reason's name.
    unavailable.cause = error;
    throw unavailable;
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown';
}
