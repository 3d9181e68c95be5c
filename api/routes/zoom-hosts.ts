import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { GreenroomStore, ZoomHost } from '../../store/types.js';
import type { IntegrationError } from '../../workflows/zoom-integration-workflow.js';
import { refusedAction } from '../integration-answer.js';
import type { IntegrationGateway } from '../integration-gateway.js';
import {
  addHostBody,
  emptyBody,
  errorAnswer,
  eventParams,
  hostAnswer,
  hostParams,
  importAnswer,
  pageQuery,
  syncAnswer,
} from '../schemas.js';

const errors = {
  400: errorAnswer,
  404: errorAnswer,
  409: errorAnswer,
  422: errorAnswer,
  503: errorAnswer,
};

function renderHost(host: ZoomHost) {
  const { createdAtMs, updatedAtMs, ...rest } = host;
  return {
    ...rest,
    createdAt: new Date(createdAtMs).toISOString(),
    updatedAt: new Date(updatedAtMs).toISOString(),
  };
}

function refuse(error: IntegrationError): never {
  throw refusedAction(error);
}

/** The Zoom hosts of an event: licensed users of its Zoom account, checked before they commit. */
export function zoomHostRoutes(deps: {
  store: GreenroomStore;
  gateway: IntegrationGateway;
}): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/events/:eventId/zoom/hosts', {
      schema: {
        summary: 'List the Zoom hosts of an event, a page at a time',
        tags: ['hosts'],
        params: eventParams,
        querystring: pageQuery,
        response: {
          200: z.object({ items: z.array(hostAnswer), nextCursor: z.string().nullable() }),
          ...errors,
        },
      },
      handler: async (request) => {
        const { limit, cursor } = request.query;
        const page = await deps.store.listHosts(request.params.eventId, limit, cursor ?? null);
        return { items: page.items.map(renderHost), nextCursor: page.nextCursor };
      },
    });

    app.post('/events/:eventId/zoom/hosts', {
      schema: {
        summary: 'Add a Zoom host: the user must be active and licensed, with room enough',
        tags: ['hosts'],
        params: eventParams,
        body: addHostBody,
        response: { 200: hostAnswer, 201: hostAnswer, ...errors },
      },
      handler: async (request, reply) => {
        const answer = await deps.gateway.addHost(request.params.eventId, request.body);
        if (!answer.ok) refuse(answer.error);
        return reply.status(answer.created ? 201 : 200).send(renderHost(answer.host));
      },
    });

    app.post('/events/:eventId/zoom/hosts/import', {
      schema: {
        summary: 'Import the Zoom account’s active licensed users as hosts (all pages)',
        tags: ['hosts'],
        params: eventParams,
        body: emptyBody,
        response: { 200: importAnswer, ...errors },
      },
      handler: async (request) => {
        const answer = await deps.gateway.importHosts(request.params.eventId);
        if (!answer.ok) refuse(answer.error);
        return answer.report;
      },
    });

    app.post('/events/:eventId/zoom/hosts/sync', {
      schema: {
        summary: 'Refresh every host from Zoom; lists hosts no longer usable and their sessions',
        tags: ['hosts'],
        params: eventParams,
        body: emptyBody,
        response: { 200: syncAnswer, ...errors },
      },
      handler: async (request) => {
        const answer = await deps.gateway.syncHosts(request.params.eventId);
        if (!answer.ok) refuse(answer.error);
        return answer.report;
      },
    });

    app.delete('/events/:eventId/zoom/hosts/:hostId', {
      schema: {
        summary: 'Remove a Zoom host no session uses',
        tags: ['hosts'],
        params: hostParams,
        response: { 204: z.null(), ...errors },
      },
      handler: async (request, reply) => {
        const { eventId, hostId } = request.params;
        const answer = await deps.gateway.removeHost(eventId, hostId);
        if (!answer.ok) refuse(answer.error);
        return reply.status(204).send(null);
      },
    });
    await Promise.resolve();
  };
}
