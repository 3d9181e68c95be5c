import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  NOTIFICATION_TYPES,
  type Notification,
  type NotificationStore,
} from '../../store/types.js';
import { cursorQuery, errorAnswer, eventParams } from '../schemas.js';

const feedAnswer = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      seq: z.number().int(),
      type: z.enum(NOTIFICATION_TYPES),
      eventId: z.string(),
      at: z.string(),
      payload: z.record(z.string(), z.unknown()),
    }),
  ),
  /** Pass as `after` to read on; the last sequence number seen, or `after` when none. */
  next: z.number().int(),
});

const errors = { 400: errorAnswer, 401: errorAnswer, 403: errorAnswer, 404: errorAnswer };

function renderFeed(items: Notification[], after: number) {
  return {
    items: items.map(({ atMs, ...rest }) => ({ ...rest, at: new Date(atMs).toISOString() })),
    next: items.at(-1)?.seq ?? after,
  };
}

/**
 * The feed of changes a platform catches up on after an outage: one event's, or every event's
 * for operator keys. Oldest first, by cursor.
 */
export function notificationRoutes(deps: { store: NotificationStore }): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/events/:eventId/notifications', {
      schema: {
        summary: 'Read the changes of one event after a cursor, oldest first',
        tags: ['notifications'],
        params: eventParams,
        querystring: cursorQuery,
        response: { 200: feedAnswer, ...errors },
      },
      handler: async (request) => {
        const { after, limit } = request.query;
        const query = { afterSeq: after, limit, eventId: request.params.eventId };
        return renderFeed(await deps.store.listNotifications(query), after);
      },
    });

    app.get('/notifications', {
      schema: {
        summary: 'Read the changes of every event after a cursor, oldest first (operator key)',
        tags: ['notifications'],
        querystring: cursorQuery,
        response: { 200: feedAnswer, ...errors },
      },
      handler: async (request) => {
        const { after, limit } = request.query;
        return renderFeed(await deps.store.listNotifications({ afterSeq: after, limit }), after);
      },
    });
    await Promise.resolve();
  };
}
