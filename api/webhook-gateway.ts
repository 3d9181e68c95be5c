import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { WEBHOOK_STATE_ATTRIBUTE } from '../common/search-attributes.js';
import { INTEGRATION_TASK_QUEUE, webhookDeliveryWorkflowId } from '../common/task-queues.js';
import {
  resumeWebhookDelivery,
  stopWebhookDelivery,
  webhookDeliveryWorkflow,
  type WebhookDeliveryInput,
} from '../workflows/webhook-delivery-workflow.js';
import { ApiError } from './errors.js';

/** The API's door to webhook delivery workflows: one per subscription. */
export interface WebhookDeliveryGateway {
  /** Starts the subscription's delivery; a delivery already running is kept. */
  start(subscriptionId: string): Promise<void>;
  /** Tells a failing delivery to go on, starting it again if it is not running. */
  resume(subscriptionId: string): Promise<void>;
  /** Ends the delivery of a deleted subscription; a no-op when none runs. */
  stop(subscriptionId: string): Promise<void>;
}

/**
 * Builds the gateway over a Temporal client.
 * Limitation: deliveries run on the integration task queue, so very many receivers hanging for
 * their full 10 s at once would share the worker's activity slots with Zoom work; a queue of
 * their own (and a worker polling it) would isolate them.
 */
export function createWebhookDeliveryGateway(
  client: Client,
  settings: { pollIntervalMs: number },
): WebhookDeliveryGateway {
  const startOptions = (subscriptionId: string) => ({
    workflowId: webhookDeliveryWorkflowId(subscriptionId),
    taskQueue: INTEGRATION_TASK_QUEUE,
    args: [{ subscriptionId, pollIntervalMs: settings.pollIntervalMs }] as [WebhookDeliveryInput],
    staticSummary: `Webhook delivery of subscription ${subscriptionId}`,
    typedSearchAttributes: [{ key: WEBHOOK_STATE_ATTRIBUTE, value: 'active' }],
  });

  return {
    async start(subscriptionId) {
      await unavailableOnFailure(client, () =>
        client.workflow.start(webhookDeliveryWorkflow, {
          ...startOptions(subscriptionId),
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      );
    },
    async resume(subscriptionId) {
      await unavailableOnFailure(client, () =>
        client.workflow.signalWithStart(webhookDeliveryWorkflow, {
          ...startOptions(subscriptionId),
          signal: resumeWebhookDelivery,
        }),
      );
    },
    async stop(subscriptionId) {
      const handle = client.workflow.getHandle(webhookDeliveryWorkflowId(subscriptionId));
      await unavailableOnFailure(client, () => handle.signal(stopWebhookDelivery)).catch(
        (error: unknown) => {
          if (!(error instanceof ApiError && error.details?.reason === 'not_running')) throw error;
        },
      );
    },
  };
}

const CALL_DEADLINE_MS = 10_000;

/** Within a deadline, so a hung Temporal answers workflow_unavailable instead of never. */
async function unavailableOnFailure<T>(client: Client, call: () => Promise<T>): Promise<T> {
  try {
    return await client.withDeadline(Date.now() + CALL_DEADLINE_MS, call);
  } catch (error) {
    const reason = error instanceof WorkflowNotFoundError ? 'not_running' : errorName(error);
    const unavailable = new ApiError('workflow_unavailable', undefined, { reason });
    // Kept for the log line; the answer shows only the reason's name.
    unavailable.cause = error;
    throw unavailable;
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown';
}
