import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorContext } from './context.js';
import type { AccessToken } from './model.js';

const tokens = new WeakMap<FastifyRequest, AccessToken>();

/** The token a bearer-checked request carried; only call it behind requireBearer. */
export function tokenOf(request: FastifyRequest): AccessToken {
  const token = tokens.get(request);
  if (!token) throw new Error('tokenOf called on a route without requireBearer');

  return token;
}

/**
 * A preHandler for /v2 routes: accepts only `Authorization: Bearer`, like Zoom, and when
 * anyOfScopes is given requires the token to hold at least one of them.
 */
export function requireBearer(context: EmulatorContext, anyOfScopes: readonly string[] = []) {
  return async function checkBearer(request: FastifyRequest, reply: FastifyReply) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    const token = match?.[1] ? context.state.findToken(match[1]) : undefined;
    if (!token) return reply.code(401).send({ code: 124, message: 'Invalid access token.' });
    if (token.expiresAtMs <= context.clock.now()) {
      return reply.code(401).send({ code: 124, message: 'Access token is expired.' });
    }
    if (anyOfScopes.length > 0 && !anyOfScopes.some((scope) => token.scopes.includes(scope))) {
      return reply.code(400).send(missingScopeBody(anyOfScopes));
    }

    tokens.set(request, token);
  };
}

function missingScopeBody(anyOfScopes: readonly string[]) {
  const list = anyOfScopes.join(',');
  return { code: 4711, message: `Invalid access token, does not contain scopes:[${list}].` };
}
