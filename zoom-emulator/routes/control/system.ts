import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { resetEmulator, type EmulatorContext } from '../../context.js';
import { parseWith } from '../../errors.js';
import { faultInputSchema } from '../../faults.js';
import { settingsSchema } from '../../settings.js';

const setClockBody = z.strictObject({ nowMs: z.number().int().min(0) });
const advanceClockBody = z.strictObject({ ms: z.number().int().min(0) });
const coverageQuery = z.object({ untilMs: z.coerce.number().int().min(0).optional() });

/** Emulator-wide controls: clock, settings, faults, page tokens, coverage, counters and reset. */
export function systemRoutes(context: EmulatorContext) {
  return function registerSystem(app: FastifyInstance): void {
    registerClock(app, context);
    registerFaults(app, context);

    app.get('/settings', () => context.settings);
    app.put('/settings', (request) => {
      const patch = parseWith(settingsSchema.partial(), request.body);
      context.settings = { ...context.settings, ...patch };
      return context.settings;
    });

    // Lets a test break a user listing halfway without waiting fifteen minutes of emulator time.
    app.post('/page-tokens/expire', () => ({ expired: context.pageTokens.expireAll() }));

    app.get('/coverage', (request) => {
      const { untilMs } = parseWith(coverageQuery, request.query);
      return context.ledger.coverage(context.state.apps.values(), untilMs);
    });

    app.get('/stats', () => context.stats);
    app.post('/reset', (_request, reply) => {
      resetEmulator(context);
      return reply.code(204).send();
    });
  };
}

function registerClock(app: FastifyInstance, context: EmulatorContext): void {
  const { clock } = context;
  app.get('/clock', () => ({ nowMs: clock.now() }));
  app.put('/clock', (request) => {
    clock.set(parseWith(setClockBody, request.body).nowMs);
    return { nowMs: clock.now() };
  });
  app.post('/clock/advance', (request) => {
    clock.advance(parseWith(advanceClockBody, request.body).ms);
    return { nowMs: clock.now() };
  });
}

function registerFaults(app: FastifyInstance, context: EmulatorContext): void {
  app.post('/faults', (request, reply) => {
    const fault = context.faults.add(parseWith(faultInputSchema, request.body));
    return reply.code(201).send(fault);
  });
  app.get('/faults', () => context.faults.list());
  app.delete('/faults', (_request, reply) => {
    context.faults.clear();
    return reply.code(204).send();
  });
}
