import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { GreenroomStore } from '../store/types.js';
import { installErrorHandling } from './error-handler.js';
import { errorBody } from './errors.js';
import type { IntegrationGateway } from './integration-gateway.js';
import { installAccessControl } from './access.js';
import { installIdempotency } from './idempotency.js';
import { installMetrics, type ApiMetrics } from './metrics.js';
import { storeReadCheck, type ReadinessCheck, type ReadinessChecks } from './readiness.js';
import { accessRoutes } from './routes/access.js';
import { healthRoutes } from './routes/health.js';
import { notificationRoutes } from './routes/notifications.js';
import { peopleRoutes } from './routes/people.js';
import { sessionRoutes } from './routes/sessions.js';
import { zoomHostRoutes } from './routes/zoom-hosts.js';
import { webhookRoutes } from './routes/webhooks.js';
import { zoomIntegrationRoutes } from './routes/zoom-integration.js';
import type { WebhookDeliveryGateway } from './webhook-gateway.js';
import type { FetchStartLink } from './zoom-start-links.js';

export interface AppDependencies {
  store: GreenroomStore;
  gateway: IntegrationGateway;
  /** Starts, resumes and stops webhook delivery workflows. */
  webhooks: WebhookDeliveryGateway;
  /** Asks Zoom for a meeting's start link; the API's only direct Zoom call. */
  fetchStartLink: FetchStartLink;
  /** Answers once Temporal describes the namespace; without it /readyz says Temporal is not. */
  checkTemporal?: ReadinessCheck;
  /** True once the process is stopping: answers then close their connection. */
  draining?: () => boolean;
  /** Requests one API key may make per minute (default 120). */
  requestsPerMinute?: number;
  /** Serves `GET /metrics` and times every request; no metrics route when omitted. */
  metrics?: ApiMetrics;
  /** A pino logger; omitted in tests that want silence. */
  logger?: FastifyBaseLogger;
  now?: () => number;
  bodyLimitBytes?: number;
}

/** Builds the HTTP API from its dependencies; listening is the server entry's business. */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    bodyLimit: deps.bodyLimitBytes ?? 64 * 1024,
    requestIdHeader: false,
    genReqId: () => `req_${crypto.randomUUID()}`,
    // The name answers and the audit trail use, so one search finds a request everywhere.
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    // Event ids may be 128 characters; Fastify's default stops path parameters at 100.
    maxParamLength: 256,
    // Errors raised before routing (a badly encoded URL) get the one error shape, too.
    frameworkErrors: (error, request, reply) => answerFrameworkError(error, request, reply),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-request-id', request.id);
    // A kept-alive connection would hold a draining server open until the client lets go.
    if (deps.draining?.()) reply.header('connection', 'close');
    return withRequestId(request.id, reply.statusCode, payload);
  });
  installErrorHandling(app);
  installAccessControl(app, {
    store: deps.store,
    requestsPerMinute: deps.requestsPerMinute ?? 120,
    now: deps.now ?? Date.now,
  });
  installIdempotency(app, deps.store);
  if (deps.metrics) installMetrics(app, deps.metrics);
  await registerDocs(app);
  await app.register(healthRoutes({ readiness: readinessChecks(deps) }));
  await app.register(
    zoomIntegrationRoutes({ store: deps.store, gateway: deps.gateway, now: deps.now ?? Date.now }),
  );
  await app.register(peopleRoutes({ store: deps.store }));
  await app.register(zoomHostRoutes({ store: deps.store, gateway: deps.gateway }));
  await app.register(sessionRoutes(deps));
  await app.register(accessRoutes({ store: deps.store }));
  await app.register(notificationRoutes({ store: deps.store }));
  await app.register(webhookRoutes({ store: deps.store, webhooks: deps.webhooks }));

  return app;
}

function readinessChecks(deps: AppDependencies): ReadinessChecks {
  const unconfigured = () => Promise.reject(new Error('no Temporal check configured'));
  return { temporal: deps.checkTemporal ?? unconfigured, store: storeReadCheck(deps.store) };
}

/** Error answers name their request id in the body too, for the organiser to quote. */
function withRequestId(requestId: string, status: number, payload: unknown): unknown {
  if (status < 400 || typeof payload !== 'string' || !payload.startsWith('{"error":')) {
    return payload;
  }
  const body = JSON.parse(payload) as { error: Record<string, unknown> };

  return JSON.stringify({ error: { ...body.error, requestId } });
}

function answerFrameworkError(error: Error, request: FastifyRequest, reply: FastifyReply): void {
  const body = errorBody('validation_failed', `The request is not valid: ${error.message}`);
  const withId = { error: { ...body.error, requestId: request.id } };
  void reply.status(400).header('x-request-id', request.id).send(withId);
}

async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Greenroom API',
        description: 'Connect Zoom to an event and keep its Server-to-Server OAuth token alive.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'grk_… operator or organiser key',
          },
        },
      },
      security: [{ apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
