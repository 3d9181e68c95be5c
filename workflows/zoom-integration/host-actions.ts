import * as wf from '@temporalio/workflow';
import { ADD_HOST_DETAILS, addHostWorkflow, type AddHostOutcome } from '../add-host-workflow.js';
import { hostError, hostInUse } from '../hosts/host-errors.js';
import { IMPORT_HOSTS_DETAILS, importHostsWorkflow } from '../import-hosts-workflow.js';
import type { ScanFailure } from '../hosts/scan-failures.js';
import { REMOVE_HOST_DETAILS, removeHostWorkflow } from '../remove-host-workflow.js';
import { SYNC_HOSTS_DETAILS, syncHostsWorkflow } from '../sync-hosts-workflow.js';
import type {
  AddHostRequest,
  HostAnswer,
  ImportAnswer,
  IntegrationError,
  RemoveHostAnswer,
  SyncAnswer,
} from './definitions.js';
import type { IntegrationEngine } from './engine.js';
import { tokenExpiredError, unavailableError } from './outcomes.js';

/** A child answers within this, or the organiser hears Zoom is unavailable; bounded waits. */
const CHILD_TIMEOUT = '20 seconds';

/**
 * Adds a host through a child workflow. A 401/124 from Zoom makes the integration mint once and
 * run the child once more, never in a loop.
 */
export async function addHostThroughChild(
  engine: IntegrationEngine,
  request: AddHostRequest,
): Promise<HostAnswer> {
  const blocked = engine.zoomBlocker();
  if (blocked) return { ok: false, error: blocked };

  let outcome = await runAddHost(engine.state.eventId, request);
  if (outcome.kind === 'token_rejected') {
    const reminted = await engine.regenerate();
    if (!reminted.ok) return reminted;
    outcome = await runAddHost(engine.state.eventId, request);
  }
  if (outcome.kind === 'added') return { ok: true, host: outcome.host, created: outcome.created };
  if (outcome.kind === 'refused') return { ok: false, error: outcome.error };

  return { ok: false, error: tokenExpiredError(Date.now()) };
}

async function runAddHost(eventId: string, request: AddHostRequest): Promise<AddHostOutcome> {
  try {
    return await wf.executeChild(addHostWorkflow, {
      workflowId: `add-host:${eventId}:${request.email.toLowerCase()}:${wf.uuid4()}`,
      args: [{ eventId, ...request }],
      workflowExecutionTimeout: CHILD_TIMEOUT,
      staticSummary: `Add ${request.email} as a Zoom host of event ${eventId}`,
      staticDetails: ADD_HOST_DETAILS,
    });
  } catch {
    return { kind: 'refused', error: unavailableError('slow to answer', Date.now()) };
  }
}

/** Removes a host through a child workflow; no token is needed, as no Zoom API is called. */
export async function removeHostThroughChild(
  engine: IntegrationEngine,
  hostId: string,
): Promise<RemoveHostAnswer> {
  const eventId = engine.state.eventId;
  const removal = await wf.executeChild(removeHostWorkflow, {
    workflowId: `remove-host:${eventId}:${hostId}:${wf.uuid4()}`,
    args: [{ eventId, hostId }],
    staticSummary: `Remove Zoom host ${hostId} from event ${eventId}`,
    staticDetails: REMOVE_HOST_DETAILS,
  });
  if (removal.removed) return { ok: true };
  if (removal.reason === 'not_found') {
    return { ok: false, error: hostError('host_not_found', 'No such Zoom host.', Date.now()) };
  }

  return { ok: false, error: hostInUse(removal.sessions, Date.now()) };
}

/**
 * Scans run longer than a single check: every page of a large account, paced by Zoom's limits.
 * Shorter than the API's wait for the answer, so no scan commits after its caller gave up.
 * Limitation: a scan whose time runs out during its final commit may still finish that one
 * transaction in the worker, while its caller hears that Zoom was unavailable.
 */
const SCAN_TIMEOUT = '100 seconds';

type ScanResult<T> = { kind: 'done'; report: T } | { kind: 'failed'; reason: ScanFailure };

/**
 * Runs a host scan child once Zoom can be called; a 401/124 makes the integration mint once
 * and run the scan once more.
 */
async function scanThroughChild<T>(
  engine: IntegrationEngine,
  runChild: () => Promise<ScanResult<T>>,
): Promise<{ ok: true; report: T } | { ok: false; error: IntegrationError }> {
  const blocked = engine.zoomBlocker();
  if (blocked) return { ok: false, error: blocked };

  let result = await timeBoxed(runChild);
  if (result.kind === 'failed' && result.reason === 'token_rejected') {
    const reminted = await engine.regenerate();
    if (!reminted.ok) return reminted;
    result = await timeBoxed(runChild);
  }
  if (result.kind === 'done') return { ok: true, report: result.report };

  return { ok: false, error: scanError(result.reason) };
}

/** A scan that ran out of time (Zoom too slow) committed nothing: Zoom is unavailable. */
async function timeBoxed<T>(runChild: () => Promise<ScanResult<T>>): Promise<ScanResult<T>> {
  try {
    return await runChild();
  } catch {
    return { kind: 'failed', reason: 'zoom_unavailable' };
  }
}

function scanError(reason: ScanFailure): IntegrationError {
  if (reason === 'token_rejected' || reason === 'token_unavailable') {
    return tokenExpiredError(Date.now());
  }
  const why =
    reason === 'page_token_expired' ? 'Zoom kept expiring the user listing' : 'Zoom is unavailable';
  const message = `${why}; nothing was changed. Try again shortly.`;

  return hostError('zoom_unavailable', message, Date.now());
}

export async function importHostsThroughChild(engine: IntegrationEngine): Promise<ImportAnswer> {
  const eventId = engine.state.eventId;
  return scanThroughChild(engine, async () => {
    const outcome = await wf.executeChild(importHostsWorkflow, {
      workflowId: `import-hosts:${eventId}:${wf.uuid4()}`,
      args: [{ eventId }],
      workflowExecutionTimeout: SCAN_TIMEOUT,
      staticSummary: `Import the Zoom account's licensed users as hosts of event ${eventId}`,
      staticDetails: IMPORT_HOSTS_DETAILS,
    });
    return outcome.kind === 'imported' ? { kind: 'done', report: outcome.report } : outcome;
  });
}

export async function syncHostsThroughChild(engine: IntegrationEngine): Promise<SyncAnswer> {
  const eventId = engine.state.eventId;
  return scanThroughChild(engine, async () => {
    const outcome = await wf.executeChild(syncHostsWorkflow, {
      workflowId: `sync-hosts:${eventId}:${wf.uuid4()}`,
      args: [{ eventId }],
      workflowExecutionTimeout: SCAN_TIMEOUT,
      staticSummary: `Refresh the Zoom hosts of event ${eventId} from Zoom`,
      staticDetails: SYNC_HOSTS_DETAILS,
    });
    return outcome.kind === 'synced' ? { kind: 'done', report: outcome.report } : outcome;
  });
}
