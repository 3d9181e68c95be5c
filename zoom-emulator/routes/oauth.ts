import formbody from '@fastify/formbody';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { mintToken, type EmulatorContext } from '../context.js';
import { announcedExpiresIn } from '../settings.js';
import { decideTokenRequest, type TokenRequest } from '../token-decision.js';
import { faultHook } from './fault-hook.js';

/** POST /oauth/token: Zoom's Server-to-Server OAuth token endpoint. */
export function oauthRoutes(context: EmulatorContext) {
  return async function registerOauth(app: FastifyInstance): Promise<void> {
    await app.register(formbody);
    app.addHook('onRequest', faultHook(context, 'token'));
    app.setErrorHandler(oauthErrorHandler);
    app.post('/oauth/token', (request, reply) => issueToken(context, request, reply));
  };
}

function issueToken(context: EmulatorContext, request: FastifyRequest, reply: FastifyReply) {
  const decision = decideTokenRequest(readTokenRequest(request), context.state, context.settings);
  if (decision.outcome === 'refuse') {
    context.stats.tokenRefusals += 1;
    request.log.info({ reason: decision.reason }, 'token refused');
    return reply.code(decision.status).send(decision.body);
  }

  const token = mintToken(context, decision.app);
  context.stats.tokensIssued += 1;
  request.log.info({ clientId: decision.app.clientId }, 'token issued');
  return reply.send({
    access_token: token.value,
    token_type: 'bearer',
    expires_in: announcedExpiresIn(context.settings),
    scope: token.scopes.join(' '),
    api_url: context.publicApiUrl,
  });
}

/** Only the form body counts: Zoom has been seen to ignore parameters in the query string. */
function readTokenRequest(request: FastifyRequest): TokenRequest {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

  return {
    authorization: request.headers.authorization,
    grantType: text(body.grant_type),
    accountId: text(body.account_id),
  };
}

/** Unreadable requests get an OAuth-shaped answer, as everything from this endpoint does. */
function oauthErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error.statusCode && error.statusCode < 500) {
    return reply.code(400).send({ reason: 'Invalid request', error: 'invalid_request' });
  }

  request.log.error({ err: error }, 'token endpoint failed');
  return reply.code(500).send({ reason: 'Internal error', error: 'server_error' });
}
