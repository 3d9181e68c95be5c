import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ApiError, errorBody, ERROR_REGISTRY } from './errors.js';

/** Renders every failure in the one error shape; 5xx answers never show internals. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) {
      const resetsAt = error.details?.resetsAt;
      // A daily limit names its reset; HTTP clients read it from Retry-After as well.
      if (error.status === 429 && typeof resetsAt === 'string') {
        void reply.header('retry-after', new Date(resetsAt).toUTCString());
      }
      if (error.code === 'unauthorized') void reply.header('www-authenticate', 'Bearer');
      if (error.status >= 500)
        request.log.warn({ code: error.code, err: error.cause }, 'request refused');
      else request.log.info({ code: error.code }, 'request refused');
      return reply.status(error.status).send(errorBody(error.code, error.message, error.details));
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((issue) => ({
        field: fieldOf(error.validationContext, issue.instancePath),
        message: issue.message ?? 'is not valid',
      }));
      const first = issues[0];
      const message = first ? `${first.field}: ${first.message}` : 'The request is not valid.';
      return reply.status(400).send(errorBody('validation_failed', message, { issues }));
    }
    return renderFrameworkError(error, request, reply);
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(errorBody('not_found', `No route ${request.method} ${request.url}.`)),
  );
}

function fieldOf(context: string | undefined, instancePath: string): string {
  const path = instancePath.replace(/^\//, '').replace(/\//g, '.');
  return [context ?? 'request', path].filter(Boolean).join('.');
}

function renderFrameworkError(
  error: FastifyError,
  request: Parameters<Parameters<FastifyInstance['setErrorHandler']>[0]>[1],
  reply: Parameters<Parameters<FastifyInstance['setErrorHandler']>[0]>[2],
) {
  const status = error.statusCode ?? 500;
  if (status === 413) {
    return reply
      .status(413)
      .send(errorBody('payload_too_large', ERROR_REGISTRY.payload_too_large.message));
  }
  if (status >= 400 && status < 500) {
    // Fastify's own 4xx (malformed JSON, wrong content type) are the caller's input problems.
    return reply.status(400).send(errorBody('validation_failed', error.message));
  }
  request.log.error({ err: error }, 'request failed');

  return reply.status(500).send(errorBody('internal_error', ERROR_REGISTRY.internal_error.message));
}
