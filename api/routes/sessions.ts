import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { GreenroomStore, Session } from '../../store/types.js';
import { ApiError } from '../errors.js';
import type { IntegrationGateway } from '../integration-gateway.js';
import { errorAnswer, eventParams, pageQuery } from '../schemas.js';
import { refusedAction } from '../integration-answer.js';
import { createSessionService, type BatchResult, type SavedSession } from '../session-service.js';
import {
  savedSessionAnswer,
  sessionAnswer,
  sessionBatchAnswer,
  sessionBatchBody,
  sessionBody,
  sessionParams,
  startUrlAnswer,
  streamBody,
} from '../session-schemas.js';
import type { FetchStartLink } from '../zoom-start-links.js';

const errors = {
  400: errorAnswer,
  404: errorAnswer,
  409: errorAnswer,
  422: errorAnswer,
  429: errorAnswer,
  503: errorAnswer,
};

const iso = (ms: number) => new Date(ms).toISOString();

function renderSession(session: Session) {
  const { startLocal, startUtcMs, createdAtMs, updatedAtMs, ...rest } = session;
  return {
    ...rest,
    startTime: startLocal,
    startUtc: iso(startUtcMs),
    createdAt: iso(createdAtMs),
    updatedAt: iso(updatedAtMs),
  };
}

function renderSaved(saved: SavedSession) {
  return { session: renderSession(saved.session), notices: saved.notices };
}

function renderResult(result: BatchResult) {
  if (result.ok) return { index: result.index, ok: true as const, ...renderSaved(result) };
  const { code, message, details } = refusedAction(result.error);
  return { index: result.index, ok: false as const, error: { code, message, details } };
}

/** Sessions of an event, streamed through Zoom meetings or webinars under the event's hosts. */
export function sessionRoutes(deps: {
  store: GreenroomStore;
  gateway: IntegrationGateway;
  fetchStartLink: FetchStartLink;
}): FastifyPluginAsyncZod {
  return async (app) => {
    // Built per request, so a line the service logs carries the request's id.
    const sessionsFor = (request: FastifyRequest) =>
      createSessionService({ ...deps, log: request.log });

    app.post('/events/:eventId/sessions', {
      schema: {
        summary: 'Create a session; with Zoom streaming, its meeting or webinar is created too',
        tags: ['sessions'],
        params: eventParams,
        body: sessionBody,
        response: { 201: savedSessionAnswer, ...errors },
      },
      handler: async (request, reply) => {
        const saved = await sessionsFor(request).create(request.params.eventId, request.body);
        return reply.status(201).send(renderSaved(saved));
      },
    });

    app.post('/events/:eventId/sessions/batch', {
      // 200 sessions with long titles exceed the 64 KiB every other route takes.
      bodyLimit: 512 * 1024,
      schema: {
        summary: 'Create up to 200 sessions at once; Zoom meetings are made in one Update',
        tags: ['sessions'],
        params: eventParams,
        body: sessionBatchBody,
        response: { 200: sessionBatchAnswer, ...errors },
      },
      handler: async (request) => {
        const results = await sessionsFor(request).createMany(request.params.eventId, request.body);
        return { results: results.map(renderResult) };
      },
    });

    app.get('/events/:eventId/sessions', {
      schema: {
        summary: 'List the sessions of an event, a page at a time',
        tags: ['sessions'],
        params: eventParams,
        querystring: pageQuery,
        response: {
          200: z.object({ items: z.array(sessionAnswer), nextCursor: z.string().nullable() }),
          ...errors,
        },
      },
      handler: async (request) => {
        const { limit, cursor } = request.query;
        const page = await deps.store.listSessions(request.params.eventId, limit, cursor ?? null);
        return { items: page.items.map(renderSession), nextCursor: page.nextCursor };
      },
    });

    app.get('/events/:eventId/sessions/:sessionId', {
      schema: {
        summary: 'Read one session with its Zoom meeting, if any',
        tags: ['sessions'],
        params: sessionParams,
        response: { 200: sessionAnswer, ...errors },
      },
      handler: async (request) => {
        const { eventId, sessionId } = request.params;
        return renderSession(await sessionsFor(request).read(eventId, sessionId));
      },
    });

    app.put('/events/:eventId/sessions/:sessionId', {
      schema: {
        summary: 'Replace a session; its Zoom meeting follows (updated, moved or deleted)',
        tags: ['sessions'],
        params: sessionParams,
        body: sessionBody,
        response: { 200: savedSessionAnswer, ...errors },
      },
      handler: async (request) => {
        const { eventId, sessionId } = request.params;
        return renderSaved(await sessionsFor(request).replace(eventId, sessionId, request.body));
      },
    });

    app.put('/events/:eventId/sessions/:sessionId/stream', {
      schema: {
        summary: 'Change only how a session streams: off, or a Zoom meeting or webinar',
        tags: ['sessions'],
        params: sessionParams,
        body: streamBody,
        response: { 200: savedSessionAnswer, ...errors },
      },
      handler: async (request) => {
        const { eventId, sessionId } = request.params;
        return renderSaved(await sessionsFor(request).setStream(eventId, sessionId, request.body));
      },
    });

    app.delete('/events/:eventId/sessions/:sessionId', {
      schema: {
        summary: 'Delete a session; its Zoom meeting is deleted once a valid token allows',
        tags: ['sessions'],
        params: sessionParams,
        response: { 204: z.null(), ...errors },
      },
      handler: async (request, reply) => {
        await sessionsFor(request).remove(request.params.eventId, request.params.sessionId);
        return reply.status(204).send(null);
      },
    });

    app.get('/events/:eventId/sessions/:sessionId/zoom/start-url', {
      schema: {
        summary: 'Fetch the host’s start link from Zoom; valid two hours, never stored',
        tags: ['sessions'],
        params: sessionParams,
        response: { 200: startUrlAnswer, ...errors },
      },
      handler: async (request, reply) => {
        const { eventId, sessionId } = request.params;
        const session = await sessionsFor(request).read(eventId, sessionId);
        if (!session.zoom) throw new ApiError('zoom_meeting_missing');
        await refuseWhileDisabled(deps.gateway, eventId);
        const link = await deps.fetchStartLink(eventId, session.zoom);
        void reply.header('cache-control', 'no-store');
        return { startUrl: link.startUrl, expiresAt: iso(link.expiresAtMs) };
      },
    });
    await Promise.resolve();
  };
}

/** A disabled integration makes no Zoom calls, the start link's included. */
async function refuseWhileDisabled(gateway: IntegrationGateway, eventId: string): Promise<void> {
  const reading = await gateway.read(eventId);
  const status =
    reading.source === 'workflow'
      ? reading.view.status
      : reading.source === 'search_attributes'
        ? reading.indexed.status
        : null;
  if (status === null) throw new ApiError('not_connected');
  if (status === 'disabled') throw new ApiError('integration_disabled');
}
