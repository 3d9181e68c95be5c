import * as wf from '@temporalio/workflow';
import type { WebhookDeliveryActivities } from '../activities/webhooks/delivery-activities.js';
import { WEBHOOK_STATE_ATTRIBUTE } from '../common/search-attributes.js';

export interface WebhookDeliveryInput {
  subscriptionId: string;
  /** How long to wait before looking at the feed again when nothing is pending. */
  pollIntervalMs: number;
  /** Rounds before the run continues as new; 300 unless a test wants fewer. */
  roundsPerRun?: number;
}

/** Sent by the operator (POST /webhooks/{id}/resume): a failing subscription delivers again. */
export const resumeWebhookDelivery = wf.defineSignal('resumeWebhookDelivery');
/** Sent when the subscription is deleted: delivery ends at once. */
export const stopWebhookDelivery = wf.defineSignal('stopWebhookDelivery');

/**
 * A receiver that keeps failing is retried from 5 seconds, doubling, at most 10 minutes apart,
 * for a day from the round's first attempt; only then does the subscription turn failing.
 */
const delivery = wf.proxyActivities<WebhookDeliveryActivities>({
  startToCloseTimeout: '2 minutes',
  // Heartbeats (one per send) carry the cancellation of an attempt that timed out, so it stops
  // sending before the next attempt starts.
  heartbeatTimeout: '30 seconds',
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
  summary: 'Send the pending notifications to the webhook receiver, oldest first',
});

const bookkeeping = wf.proxyActivities<WebhookDeliveryActivities>({
  startToCloseTimeout: '30 seconds',
  summary: 'Record the webhook subscription state in the store',
});

/** Rounds per run: few enough to keep each history short, enough to continue rarely. */
const DEFAULT_ROUNDS_PER_RUN = 300;

/**
 * Delivers one webhook subscription's notifications for as long as it exists: each round sends
 * what is pending, then waits a poll interval when nothing was; a day of failures marks the
 * subscription failing until an operator resumes it. Secrets stay in the store, never here.
 */
export async function webhookDeliveryWorkflow(input: WebhookDeliveryInput): Promise<'deleted'> {
  const signals = { resumed: false, stopped: false };
  wf.setHandler(resumeWebhookDelivery, () => void (signals.resumed = true));
  wf.setHandler(stopWebhookDelivery, () => void (signals.stopped = true));
  wf.setCurrentDetails(activeDetails(input.subscriptionId));

  const rounds = input.roundsPerRun ?? DEFAULT_ROUNDS_PER_RUN;
  for (let round = 0; round < rounds && !signals.stopped; round += 1) {
    const outcome = await deliverRound(input.subscriptionId);
    if (outcome.kind === 'gone') return 'deleted';
    if (outcome.kind === 'failed') {
      if (!(await failUntilResumed(input.subscriptionId, outcome.reason, signals))) {
        return 'deleted';
      }
      continue;
    }
    if (outcome.delivered === 0) {
      await wf.condition(() => signals.stopped, input.pollIntervalMs, {
        summary: 'Wait before looking for new notifications',
      });
    }
  }
  if (signals.stopped) return 'deleted';

  return wf.continueAsNew<typeof webhookDeliveryWorkflow>(input);
}

type RoundOutcome =
  { kind: 'gone' } | { kind: 'delivered'; delivered: number } | { kind: 'failed'; reason: string };

async function deliverRound(subscriptionId: string): Promise<RoundOutcome> {
  try {
    return await delivery.deliverPendingWebhooks({ subscriptionId });
  } catch (error) {
    if (error instanceof wf.ActivityFailure) return { kind: 'failed', reason: reasonOf(error) };
    throw error;
  }
}

/**
 * Publishes the failing state (store, search attribute, details) and waits for a resume; false
 * when the subscription was deleted instead.
 */
async function failUntilResumed(
  subscriptionId: string,
  reason: string,
  signals: { resumed: boolean; stopped: boolean },
): Promise<boolean> {
  if (!(await publishState(subscriptionId, 'failing', reason))) return false;
  wf.setCurrentDetails(failingDetails(subscriptionId, reason));
  signals.resumed = false;
  await wf.condition(() => signals.resumed || signals.stopped);
  if (signals.stopped) return false;
  wf.setCurrentDetails(activeDetails(subscriptionId));

  return publishState(subscriptionId, 'active', null);
}

async function publishState(
  subscriptionId: string,
  state: 'active' | 'failing',
  reason: string | null,
): Promise<boolean> {
  wf.upsertSearchAttributes([{ key: WEBHOOK_STATE_ATTRIBUTE, value: state }]);

  return bookkeeping.recordWebhookState({ subscriptionId, state, reason });
}

/** The last attempt's own message: the timeout that ended the day wraps it as its cause. */
function reasonOf(error: wf.ActivityFailure): string {
  let last: string | null = null;
  for (let cause: unknown = error.cause; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof wf.ApplicationFailure) last = cause.message;
  }

  const lastAttempt = last ?? error.cause?.message ?? 'failed';
  return `no delivery succeeded for a day; last attempt: ${lastAttempt}`;
}

function activeDetails(subscriptionId: string): string {
  return `**Webhook ${subscriptionId}: active**\nDelivers new notifications as they are recorded.`;
}

function failingDetails(subscriptionId: string, reason: string): string {
  return [
    `**Webhook ${subscriptionId}: failing**`,
    `Delivery stopped: ${reason}.`,
    `Fix the receiver, then POST /webhooks/${subscriptionId}/resume to deliver the rest.`,
  ].join('\n');
}
