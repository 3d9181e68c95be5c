import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { applyFault, type FaultTarget } from '../faults.js';

/** An onRequest hook that counts the call and lets the oldest matching fault spoil it. */
export function faultHook(context: EmulatorContext, target: FaultTarget) {
  return async function injectFaults(request: FastifyRequest, reply: FastifyReply) {
    if (target === 'token') context.stats.tokenRequests += 1;
    else context.stats.apiCalls += 1;
    const fault = context.faults.take(target);
    if (!fault) return;

    context.stats.faultsInjected += 1;
    request.log.info({ faultId: fault.id, kind: fault.kind, target }, 'fault injected');
    const outcome = await applyFault(fault, request, reply, context.clock.now());
    // Returning the reply tells Fastify the hook answered and the handler must not run.
    if (outcome === 'answered') return reply;
  };
}
