import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBody } from '../errors.js';
import { checkReadiness, DEPENDENCIES, type ReadinessChecks } from '../readiness.js';
import { errorAnswer } from '../schemas.js';

const report = z.object(
  Object.fromEntries(DEPENDENCIES.map((name) => [name, z.enum(['ready', 'not_ready'])])),
);

/**
 * Liveness and readiness, both open to callers without a key (load balancers, orchestrators).
 * Liveness says only that the process answers; readiness that its dependencies do too.
 * Limitation: readiness is neither authenticated nor rate-limited, and each call costs one
 * namespace description and one store read; keep the API's port off the open internet or put a
 * rate limit in front of it.
 */
export function healthRoutes(deps: { readiness: ReadinessChecks }): FastifyPluginAsyncZod {
  return (app) => {
    app.get('/healthz', {
      schema: {
        summary: 'Liveness: the API process answers (no dependency is checked)',
        tags: ['health'],
        security: [],
        response: { 200: z.object({ ok: z.literal(true) }) },
      },
      handler: () => ({ ok: true as const }),
    });

    app.get('/readyz', {
      schema: {
        summary: 'Readiness: Temporal describes the namespace and the store answers a read',
        tags: ['health'],
        security: [],
        response: { 200: z.object({ ready: z.literal(true), checks: report }), 503: errorAnswer },
      },
      handler: async (request, reply) => {
        const checks = await checkReadiness(deps.readiness, (dependency, err) => {
          request.log.warn({ dependency, err }, 'dependency not ready');
        });
        const notReady = DEPENDENCIES.filter((name) => checks[name] === 'not_ready');
        if (notReady.length === 0) return { ready: true as const, checks };

        const message = `Not ready: ${notReady.join(' and ')} did not answer.`;
        return reply.status(503).send(errorBody('not_ready', message, { notReady, checks }));
      },
    });

    return Promise.resolve();
  };
}
