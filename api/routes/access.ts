import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AccessStore, ApiKey, AuditEntry } from '../../store/types.js';
import { ApiError } from '../errors.js';
import { cursorQuery, errorAnswer, eventParams } from '../schemas.js';

const eventId = eventParams.shape.eventId;

const keyBody = z
  .object({
    label: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(
        /^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$/u,
        'label must not contain control or format characters',
      ),
    eventIds: z
      .array(eventId)
      .min(1)
      .max(100)
      .transform((ids) => [...new Set(ids)]),
  })
  .strict();

const keyAnswer = z.object({
  id: z.string(),
  kind: z.enum(['operator', 'organiser']),
  label: z.string(),
  eventIds: z.array(z.string()),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});

const auditAnswer = z.object({
  items: z.array(
    z.object({
      seq: z.number().int(),
      at: z.string(),
      keyId: z.string(),
      method: z.string(),
      route: z.string(),
      eventId: z.string().nullable(),
      status: z.number().int(),
      requestId: z.string(),
      targetKeyId: z.string().nullable(),
    }),
  ),
  /** Pass as `after` to read on; the last sequence number seen. */
  next: z.number().int(),
});

const errors = { 400: errorAnswer, 401: errorAnswer, 403: errorAnswer, 404: errorAnswer };
const iso = (ms: number) => new Date(ms).toISOString();

function renderKey(key: ApiKey) {
  const { createdAtMs, revokedAtMs, ...rest } = key;
  return { ...rest, createdAt: iso(createdAtMs), revokedAt: revokedAtMs ? iso(revokedAtMs) : null };
}

function renderAudit(items: AuditEntry[], after: number) {
  return {
    items: items.map(({ atMs, ...rest }) => ({ ...rest, at: iso(atMs) })),
    next: items.at(-1)?.seq ?? after,
  };
}

/** Organiser keys, minted and revoked with an operator key, and the audit trail. */
export function accessRoutes(deps: { store: AccessStore }): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/keys', {
      schema: {
        summary: 'Mint an organiser key for some events (operator key); the key is shown once',
        tags: ['access'],
        body: keyBody,
        response: { 201: keyAnswer.extend({ key: z.string() }), ...errors },
      },
      handler: async (request, reply) => {
        const { key, token } = await deps.store.createApiKey({
          kind: 'organiser',
          ...request.body,
        });
        request.auditTargetKeyId = key.id;
        void reply.header('cache-control', 'no-store');
        return reply.status(201).send({ ...renderKey(key), key: token });
      },
    });

    app.get('/keys', {
      schema: {
        summary: 'List the API keys, never their secrets (operator key)',
        tags: ['access'],
        response: { 200: z.object({ items: z.array(keyAnswer) }), ...errors },
      },
      handler: async () => ({ items: (await deps.store.listApiKeys()).map(renderKey) }),
    });

    app.delete('/keys/:keyId', {
      schema: {
        summary: 'Revoke an API key (operator key)',
        tags: ['access'],
        params: z
          .object({ keyId: z.string().regex(/^[a-f0-9]{16}$/, 'must be a key id') })
          .strict(),
        response: { 204: z.null(), ...errors },
      },
      handler: async (request, reply) => {
        request.auditTargetKeyId = request.params.keyId;
        if (!(await deps.store.revokeApiKey(request.params.keyId))) {
          throw new ApiError('not_found', 'No such key, or revoked already.');
        }
        return reply.status(204).send(null);
      },
    });

    app.get('/audit', {
      schema: {
        summary: 'Read the audit trail of every change, oldest first (operator key)',
        tags: ['access'],
        querystring: cursorQuery,
        response: { 200: auditAnswer, ...errors },
      },
      handler: async (request) => {
        const { after, limit } = request.query;
        return renderAudit(await deps.store.listAudit({ afterSeq: after, limit }), after);
      },
    });

    app.get('/events/:eventId/audit', {
      schema: {
        summary: 'Read the audit trail of one event, oldest first',
        tags: ['access'],
        params: eventParams,
        querystring: cursorQuery,
        response: { 200: auditAnswer, ...errors },
      },
      handler: async (request) => {
        const { after, limit } = request.query;
        const query = { afterSeq: after, limit, eventId: request.params.eventId };
        return renderAudit(await deps.store.listAudit(query), after);
      },
    });
    await Promise.resolve();
  };
}
