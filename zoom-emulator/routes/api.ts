import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ZoomApiError } from '../api-errors.js';
import { answersToLose } from '../faults.js';
import type { EmulatorContext } from '../context.js';
import { faultHook } from './fault-hook.js';
import { registerMeetingRoutes } from './meetings.js';
import { registerUserRoutes } from './users.js';

/** Zoom's REST API under /v2; only what Greenroom calls so far. */
export function apiRoutes(context: EmulatorContext) {
  return function registerApi(app: FastifyInstance): void {
    app.addHook('onRequest', faultHook(context, 'api'));
    app.addHook('onSend', async (request, _reply, payload) => {
      if (answersToLose.has(request)) request.raw.socket.destroy();
      return payload;
    });
    app.setErrorHandler(apiErrorHandler);
    registerUserRoutes(app, context);
    registerMeetingRoutes(app, context);
  };
}

/** Every /v2 answer keeps Zoom's `{code, message}` shape, including Fastify's own refusals. */
function apiErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof ZoomApiError) {
    if (error.headers) reply.headers(error.headers);
    return reply.code(error.statusCode).send(error.toBody());
  }
  if (error.statusCode && error.statusCode < 500) {
    return reply.code(error.statusCode).send({ code: 300, message: 'Validation Failed.' });
  }

  request.log.error({ err: error }, 'api request failed');
  return reply.code(500).send({ code: 500, message: 'Internal server error.' });
}
