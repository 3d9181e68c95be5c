import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IdempotencyScope, IdempotencyStore } from '../store/types.js';
import { ApiError } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyScope?: IdempotencyScope;
  }
}

const HEADER = 'idempotency-key';
/** Visible ASCII, as a UUID or any client's own scheme would be. */
const KEY_SHAPE = /^[\x21-\x7e]{1,255}$/;
const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The request's Idempotency-Key, made into a prefix for the Temporal Update ids its handler
 * sends. Carried implicitly (like the request itself in a call stack), so the services between
 * a route and the gateway need not pass it along.
 */
const updateIdPrefix = new AsyncLocalStorage<string>();

/**
 * The Update id for an Update a request with an Idempotency-Key sends, or undefined (Temporal
 * then picks one). The same key gives the same id, so a retry after the API died mid-Update
 * attaches to the Update the workflow already ran and gets its result; nothing runs twice.
 */
export function idempotentUpdateId(updateName: string): string | undefined {
  const prefix = updateIdPrefix.getStore();
  return prefix ? `${prefix}:${updateName}` : undefined;
}

/**
 * An id for something a request creates (a session): the same on every retry of a request with
 * an Idempotency-Key, so a retry finds what the first attempt made; fresh without one.
 */
export function idempotentName(name: string): string {
  const prefix = updateIdPrefix.getStore();
  return prefix ? digest(`${prefix}:${name}`) : randomUUID();
}

/** Whether this request carries an Idempotency-Key (its creations then have stable ids). */
export function underIdempotencyKey(): boolean {
  return updateIdPrefix.getStore() !== undefined;
}

/**
 * Changes sent with `Idempotency-Key` are applied once: the first answer is kept for 24 hours,
 * scoped to the API key, the route and the event, and a retry gets it again
 * (`idempotent-replayed: true`). The same key with another request answers 422. A retry of a
 * request that got no answer (the API died) runs again under the same Update ids.
 */
export function installIdempotency(app: FastifyInstance, store: IdempotencyStore): void {
  app.addHook('preHandler', async (request, reply) => {
    const scope = idempotencyScopeOf(request);
    if (!scope) return;
    const claim = await store.claimIdempotencyKey(scope, fingerprintOf(request));
    if (claim.state === 'other_request') throw new ApiError('idempotency_key_reused');
    if (claim.state === 'answered') return replay(reply, claim.answer);
    request.idempotencyScope = scope;
  });
  // Callback style on purpose: the handler runs inside `done`, so inside the storage's context.
  app.addHook('preHandler', (request, _reply, done) => {
    if (!request.idempotencyScope) return done();
    updateIdPrefix.run(`idem-${digest(JSON.stringify(request.idempotencyScope))}`, done);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const scope = request.idempotencyScope;
    if (scope && isFinalAnswer(reply.statusCode)) {
      const body = typeof payload === 'string' ? payload : '';
      await store.recordIdempotentAnswer(scope, { status: reply.statusCode, body });
    }
    return payload;
  });
}

function idempotencyScopeOf(request: FastifyRequest): IdempotencyScope | null {
  const header = request.headers[HEADER];
  if (header === undefined || !CHANGES.has(request.method) || !request.apiKey) return null;
  if (typeof header !== 'string' || !KEY_SHAPE.test(header)) {
    throw new ApiError(
      'validation_failed',
      'Idempotency-Key must be 1 to 255 visible ASCII characters.',
      {
        issues: [
          {
            field: 'headers.idempotency-key',
            message: 'must be 1 to 255 visible ASCII characters',
          },
        ],
      },
    );
  }
  const route = request.routeOptions.url ?? '';
  if (!route.startsWith('/events/')) {
    // A minted key's answer carries its secret, which is never kept anywhere.
    throw new ApiError('validation_failed', 'Idempotency-Key is accepted on event routes only.', {
      issues: [{ field: 'headers.idempotency-key', message: 'not accepted on this route' }],
    });
  }
  const params = request.params as { eventId?: string };

  return {
    apiKeyId: request.apiKey.id,
    route: `${request.method} ${route}`,
    eventId: params.eventId ?? '',
    idempotencyKey: header,
  };
}

/** What makes two requests the same: the path's ids, the query and the body, as validated. */
function fingerprintOf(request: FastifyRequest): string {
  return digest(
    canonicalJson({ params: request.params, query: request.query, body: request.body }),
  );
}

/** Answers that settle the request; a 5xx or 429 leaves the key open for a retry to finish. */
function isFinalAnswer(status: number): boolean {
  return status < 500 && status !== 429;
}

function replay(reply: FastifyReply, answer: { status: number; body: string }) {
  void reply.header('idempotent-replayed', 'true').status(answer.status);
  if (answer.body === '') return reply.send();
  return reply
    .type('application/json; charset=utf-8')
    .serializer((body) => body as string)
    .send(answer.body);
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 32);
}

/** JSON with object keys sorted, so the order a client wrote fields in does not matter. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, each]) => each !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const fields = entries.map(([key, each]) => `${JSON.stringify(key)}:${canonicalJson(each)}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
