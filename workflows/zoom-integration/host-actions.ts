import * as wf from '@temporalio/workflow';
import { addHostWorkflow, type AddHostOutcome } from '../add-host-workflow.js';
import { hostError, hostInUse } from '../hosts/host-errors.js';
import { removeHostWorkflow } from '../remove-host-workflow.js';
import type { AddHostRequest, HostAnswer, RemoveHostAnswer } from './definitions.js';
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
  });
  if (removal.removed) return { ok: true };
  if (removal.reason === 'not_found') {
    return { ok: false, error: hostError('host_not_found', 'No such Zoom host.', Date.now()) };
  }

  return { ok: false, error: hostInUse(removal.sessions, Date.now()) };
}
