import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { applyFault, type FaultTarget } from '../faults.js';

/** An onRequest hook that counts the call and lets the oldest matching fault spoil it. */
export function faultHook(context: EmulatorContext, target: FaultTarget) {
  return async function injectFaults(request: FastifyRequest, reply: FastifyReply) {
    if (target === 'token') context.stats.tokenRequests += 1;
    else countApiCall(context, request);
    const fault = context.faults.take({
      target,
      method: request.method,
      path: request.url.split('?')[0] ?? '',
      clientId: basicClientId(request),
    });
    if (!fault) return;

    context.stats.faultsInjected += 1;
    request.log.info({ faultId: fault.id, kind: fault.kind, target }, 'fault injected');
    const outcome = await applyFault(fault, request, reply, context.clock.now());
    // Returning the reply tells Fastify the hook answered and the handler must not run.
    if (outcome === 'answered') return reply;
  };
}

function countApiCall(context: EmulatorContext, request: FastifyRequest): void {
  const { stats } = context;
  stats.apiCalls += 1;
  // Unknown paths have no route pattern; keying them by raw url would let the map grow unbounded.
  const pattern = request.routeOptions.url;
  if (pattern === undefined) return;

  const key = `${request.method} ${pattern}`;
  stats.apiCallsByEndpoint[key] = (stats.apiCallsByEndpoint[key] ?? 0) + 1;
}

/** The client id of a token request's Basic header, for faults aimed at one app. */
function basicClientId(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');

  return decoded.split(':')[0];
}
