import { ApplicationFailure, Context, heartbeat, log } from '@temporalio/activity';
import { SECOND_MS, WEBHOOK_HTTP_TIMEOUT_MS } from '../../common/durations.js';
import { FailureType } from '../../common/failures.js';
import type { Notification, WebhookState, WebhookStore } from '../../store/types.js';
import { signDelivery, type WebhookHeaders } from './signing.js';

export interface WebhookDeliveryDeps {
  store: WebhookStore;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** What one round of delivery did; `gone`: the subscription was deleted, delivery ends. */
export type DeliveryRound = { kind: 'gone' } | { kind: 'delivered'; delivered: number };

/** How long one round keeps delivering before handing back to the workflow for a new round. */
const ROUND_BUDGET_MS = 60 * SECOND_MS;
const BATCH_SIZE = 50;

/** The activities that deliver the feed to webhook receivers; they take ids, never secrets. */
export function createWebhookDeliveryActivities(deps: WebhookDeliveryDeps) {
  const post = deps.fetch ?? fetch;
  const timeoutMs = deps.timeoutMs ?? WEBHOOK_HTTP_TIMEOUT_MS;

  return {
    /**
     * Delivers the subscription's pending notifications oldest first, moving its cursor after
     * each 2xx, so a crash re-sends at most the one in flight. A receiver that fails makes the
     * activity fail, and Temporal's retry sends that same notification again later.
     */
    async deliverPendingWebhooks(input: { subscriptionId: string }): Promise<DeliveryRound> {
      const startedMs = Date.now();
      let delivered = 0;
      while (Date.now() - startedMs < ROUND_BUDGET_MS) {
        const batch = await deps.store.listPendingWebhookNotifications(
          input.subscriptionId,
          BATCH_SIZE,
        );
        for (const notification of batch) {
          // Checked per send: a slow receiver must not run the attempt past its timeout, where
          // a second attempt would send the same notifications again.
          if (Date.now() - startedMs >= ROUND_BUDGET_MS) break;
          const cancelled = Context.current().cancellationSignal;
          const sent = await deliverOne(
            deps.store,
            input.subscriptionId,
            notification,
            (url, init) =>
              post(url, {
                ...init,
                signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), cancelled]),
              }),
          );
          if (!sent) return { kind: 'gone' };
          delivered += 1;
          heartbeat(delivered);
        }
        if (batch.length < BATCH_SIZE) break;
      }
      if (!(await deps.store.readWebhook(input.subscriptionId))) return { kind: 'gone' };

      return { kind: 'delivered', delivered };
    },

    /** Records the subscription's state for the API; false when it was deleted meanwhile. */
    async recordWebhookState(input: {
      subscriptionId: string;
      state: WebhookState;
      reason: string | null;
    }): Promise<boolean> {
      return deps.store.setWebhookState(input.subscriptionId, input.state, input.reason);
    },
  };
}

export type WebhookDeliveryActivities = ReturnType<typeof createWebhookDeliveryActivities>;

/** Sends one notification; false when the subscription is gone, so nothing was sent. */
async function deliverOne(
  store: WebhookStore,
  subscriptionId: string,
  notification: Notification,
  post: (url: string, init: RequestInit) => Promise<Response>,
): Promise<boolean> {
  // Read per delivery: a rotation or a deletion takes effect at the next notification.
  const subscription = await store.readWebhook(subscriptionId);
  if (!subscription) return false;
  const secrets = await store.readWebhookSecrets(subscriptionId);
  const body = deliveryBody(notification);
  const headers = signDelivery(notification.id, Math.floor(Date.now() / 1000), body, secrets);
  const status = await send(post, subscription.url, body, headers);
  if (status < 200 || status > 299) throw receiverFailed(`the receiver answered ${status}`);
  await store.advanceWebhookCursor(subscriptionId, notification.seq);
  log.debug('webhook delivered', { subscriptionId, notificationId: notification.id, status });

  return true;
}

/** The JSON body a receiver gets: the notification without its feed position. */
export function deliveryBody(notification: Notification): string {
  return JSON.stringify({
    id: notification.id,
    type: notification.type,
    eventId: notification.eventId,
    timestamp: new Date(notification.atMs).toISOString(),
    data: notification.payload,
  });
}

async function send(
  post: (url: string, init: RequestInit) => Promise<Response>,
  url: string,
  body: string,
  headers: WebhookHeaders,
): Promise<number> {
  try {
    // Redirects are not followed: a 3xx counts as a failure, never as a send elsewhere.
    const response = await post(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      redirect: 'manual',
    });
    await response.body?.cancel();
    return response.status;
  } catch (error) {
    // The URL and the error text stay out of the failure: a URL may carry a receiver's token.
    throw receiverFailed(unreachableReason(error));
  }
}

function unreachableReason(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return 'the receiver did not answer in time';
  }
  const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;

  return `the receiver could not be reached${typeof code === 'string' ? ` (${code})` : ''}`;
}

function receiverFailed(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureType.WebhookReceiverFailed, message });
}
