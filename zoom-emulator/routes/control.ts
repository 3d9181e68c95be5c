import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { ControlError } from '../errors.js';
import { accountRoutes } from './control/accounts.js';
import { appRoutes } from './control/apps.js';
import { meetingRoutes } from './control/meetings.js';
import { systemRoutes } from './control/system.js';
import { userRoutes } from './control/users.js';

/** The /_control API tests use to arrange Zoom's side of a scenario and inspect the result. */
export function controlRoutes(context: EmulatorContext) {
  return async function registerControl(app: FastifyInstance): Promise<void> {
    app.setErrorHandler(controlErrorHandler);
    await app.register(accountRoutes(context));
    await app.register(appRoutes(context));
    await app.register(userRoutes(context));
    await app.register(meetingRoutes(context));
    await app.register(systemRoutes(context));
  };
}

function controlErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof ControlError) return reply.code(error.statusCode).send(error.toBody());
  if (error.statusCode && error.statusCode < 500) {
    // Fastify's own refusals, such as unparsable JSON, keep their status but take our shape.
    const body = new ControlError('validation_failed', error.message).toBody();
    return reply.code(error.statusCode).send(body);
  }

  request.log.error({ err: error }, 'control request failed');
  return reply.code(500).send({ error: { code: 'internal_error', message: 'internal error' } });
}
