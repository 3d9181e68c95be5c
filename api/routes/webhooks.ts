import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  NOTIFICATION_TYPES,
  WEBHOOK_STATES,
  type NotificationType,
  type WebhookStore,
  type WebhookSubscription,
} from '../../store/types.js';
import { ApiError } from '../errors.js';
import type { WebhookDeliveryGateway } from '../webhook-gateway.js';
import { errorAnswer } from '../schemas.js';

/**
 * Where deliveries go, written as it will be used: no spaces or control characters (they would
 * be escaped into another path), a host right after the scheme, and no user or password (fetch
 * refuses them, and a listing would show them).
 * Limitation: any host the worker can reach is accepted, loopback and private addresses too
 * (receivers on loopback are how it is tested); only operator keys may subscribe.
 */
const receiverUrl = z
  .string()
  .max(2048, 'url must be at most 2048 characters')
  .regex(/^[^\s\p{Cc}]*$/u, 'url must not contain spaces or control characters')
  .regex(
    /^https?:\/\/[^/?#@]+([/?#]|$)/i,
    'url must be http(s)://host/..., with no user or password',
  )
  .refine(isHttpUrl, 'url must be an absolute http or https URL');

const eventTypes = z
  .array(z.string())
  .max(NOTIFICATION_TYPES.length * 2)
  .superRefine((types, context) => {
    const unknown = types.filter((type) => !isNotificationType(type));
    if (unknown.length === 0) return;
    context.addIssue({
      code: 'custom',
      message:
        `unknown event types: ${unknown.join(', ')}; ` + `known: ${NOTIFICATION_TYPES.join(', ')}`,
    });
  })
  .transform((types) => [...new Set(types)] as NotificationType[]);

/** A new subscription: where to deliver and which types; no types (or none given) means all. */
const subscriptionBody = z
  .object({ url: receiverUrl, eventTypes: eventTypes.default([]) })
  .strict();

const subscriptionParams = z
  .object({ id: z.string().regex(/^whk_[0-9a-f-]{36}$/, 'must be a webhook id (whk_…)') })
  .strict();

const subscriptionAnswer = z.object({
  id: z.string(),
  url: z.string(),
  eventTypes: z.array(z.enum(NOTIFICATION_TYPES)),
  state: z.enum(WEBHOOK_STATES),
  stateChangedAt: z.string(),
  failureReason: z.string().nullable(),
  /** The `seq` of the last notification delivered. */
  cursor: z.number().int(),
  /** Until when the secret replaced by the last rotation still signs. */
  previousSecretExpiresAt: z.string().nullable(),
  createdAt: z.string(),
});

/** The signing secret, in answers to a creation or a rotation only. */
const withSecret = subscriptionAnswer.extend({ secret: z.string() });

const errors = { 400: errorAnswer, 401: errorAnswer, 403: errorAnswer, 404: errorAnswer };
const iso = (ms: number) => new Date(ms).toISOString();

function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol, hostname } = new URL(value);

  return (protocol === 'http:' || protocol === 'https:') && hostname !== '';
}

function isNotificationType(type: string): type is NotificationType {
  return (NOTIFICATION_TYPES as readonly string[]).includes(type);
}

function renderSubscription(subscription: WebhookSubscription) {
  const { stateChangedAtMs, cursorSeq, previousSecretExpiresAtMs, createdAtMs, ...rest } =
    subscription;
  return {
    ...rest,
    stateChangedAt: iso(stateChangedAtMs),
    cursor: cursorSeq,
    previousSecretExpiresAt: previousSecretExpiresAtMs ? iso(previousSecretExpiresAtMs) : null,
    createdAt: iso(createdAtMs),
  };
}

async function requireSubscription(store: WebhookStore, id: string) {
  const subscription = await store.readWebhook(id);
  if (!subscription) throw new ApiError('webhook_not_found');

  return subscription;
}

/** Webhook subscriptions, managed with an operator key; each secret is shown once. */
export function webhookRoutes(deps: {
  store: WebhookStore;
  webhooks: WebhookDeliveryGateway;
}): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/webhooks', {
      schema: {
        summary: 'Subscribe a receiver to the notifications (operator key); secret shown once',
        tags: ['webhooks'],
        body: subscriptionBody,
        response: { 201: withSecret, ...errors, 503: errorAnswer },
      },
      handler: async (request, reply) => {
        const { subscription, secret } = await deps.store.createWebhook(request.body);
        // No delivery, no subscription: one that nothing delivers would mislead the operator.
        await deps.webhooks.start(subscription.id).catch(async (error: unknown) => {
          await deps.store.deleteWebhook(subscription.id);
          throw error;
        });
        void reply.header('cache-control', 'no-store');
        return reply.status(201).send({ ...renderSubscription(subscription), secret });
      },
    });

    app.get('/webhooks', {
      schema: {
        summary: 'List the webhook subscriptions, never their secrets (operator key)',
        tags: ['webhooks'],
        response: {
          200: z.object({ items: z.array(subscriptionAnswer.extend({ pending: z.number() })) }),
          ...errors,
        },
      },
      handler: async () => ({
        items: (await deps.store.listWebhooks()).map((each) => ({
          ...renderSubscription(each),
          pending: each.pending,
        })),
      }),
    });

    app.delete('/webhooks/:id', {
      schema: {
        summary: 'Delete a webhook subscription and stop its delivery (operator key)',
        tags: ['webhooks'],
        params: subscriptionParams,
        response: { 204: z.null(), ...errors },
      },
      handler: async (request, reply) => {
        if (!(await deps.store.deleteWebhook(request.params.id))) {
          throw new ApiError('webhook_not_found');
        }
        // Best effort: a delivery that misses the signal ends when it finds the row gone.
        await deps.webhooks.stop(request.params.id).catch((error: unknown) => {
          request.log.warn({ err: error, webhookId: request.params.id }, 'delivery not stopped');
        });
        return reply.status(204).send(null);
      },
    });

    app.post('/webhooks/:id/secret', {
      schema: {
        summary: 'Rotate the signing secret; the old one still signs for 24 hours (operator key)',
        tags: ['webhooks'],
        params: subscriptionParams,
        response: { 200: withSecret, ...errors },
      },
      handler: async (request, reply) => {
        const rotated = await deps.store.rotateWebhookSecret(request.params.id);
        if (!rotated) throw new ApiError('webhook_not_found');
        void reply.header('cache-control', 'no-store');
        return { ...renderSubscription(rotated.subscription), secret: rotated.secret };
      },
    });

    app.post('/webhooks/:id/resume', {
      schema: {
        summary: 'Resume a failing webhook subscription; delivery restarts (operator key)',
        tags: ['webhooks'],
        params: subscriptionParams,
        response: { 200: subscriptionAnswer, ...errors, 409: errorAnswer, 503: errorAnswer },
      },
      handler: async (request) => {
        const { id } = request.params;
        const subscription = await requireSubscription(deps.store, id);
        if (subscription.state !== 'failing') throw new ApiError('webhook_not_failing');
        await deps.webhooks.resume(id);
        await deps.store.setWebhookState(id, 'active', null);
        return renderSubscription(await requireSubscription(deps.store, id));
      },
    });
    await Promise.resolve();
  };
}
