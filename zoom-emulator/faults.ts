import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

export type FaultTarget = 'token' | 'api';

const TOKEN_PATH = '/oauth/token';

/** Body of POST /_control/faults: one misbehaviour applied to the next `count` matching calls. */
export const faultInputSchema = z
  .strictObject({
    target: z.enum(['token', 'api', 'any']).default('token'),
    kind: z.enum(['status', 'rate_limit', 'latency', 'drop', 'garbage', 'lose_answer']),
    count: z.number().int().min(1).default(1),
    status: z.number().int().min(400).max(599).default(503),
    retryAfter: z
      .union([
        z.strictObject({ seconds: z.number().int().min(0) }),
        z.strictObject({ date: z.literal(true) }),
      ])
      .nullable()
      .default({ seconds: 1 }),
    latencyMs: z.number().int().min(0).max(120_000).default(1000),
    /** Spoils only token requests of this app, so one test's outage leaves other apps alone. */
    clientId: z.string().min(1).optional(),
    /** Spoils only calls with this HTTP method, such as DELETE. */
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).optional(),
    /** Spoils only calls whose path (without query) starts with this, such as `/v2/meetings/`. */
    path: z.string().startsWith('/').optional(),
  })
  // A token fault aimed at an API path would wait in the queue forever, never matching.
  .refine((fault) => fault.target !== 'token' || !fault.path || TOKEN_PATH.startsWith(fault.path), {
    path: ['path'],
    message: 'a token fault only sees /oauth/token; set target to api or any for an API path',
  });

export type FaultInput = z.infer<typeof faultInputSchema>;
export type Fault = FaultInput & { id: number; remaining: number };

/** What a fault may be aimed at in one incoming call. */
export interface CallInfo {
  target: FaultTarget;
  method: string;
  path: string;
  /** The app of a token request's Basic credentials, when there are any. */
  clientId?: string | undefined;
}

/** Pending faults, consumed first in, first out by the calls they target. */
export class FaultQueue {
  private faults: Fault[] = [];
  private nextId = 1;

  add(input: FaultInput): Fault {
    const fault = { ...input, id: this.nextId++, remaining: input.count };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  /** Takes one use of the oldest fault aimed at the call, if any. */
  take(call: CallInfo): Fault | undefined {
    const fault = this.faults.find((candidate) => aimsAt(candidate, call));
    if (!fault) return undefined;

    fault.remaining -= 1;
    if (fault.remaining === 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault;
  }

  clear(): void {
    this.faults = [];
  }
}

/** Filters a fault leaves out match every call. */
function aimsAt(fault: Fault, call: CallInfo): boolean {
  return (
    (fault.target === call.target || fault.target === 'any') &&
    (fault.clientId === undefined || fault.clientId === call.clientId) &&
    (fault.method === undefined || fault.method === call.method) &&
    (fault.path === undefined || call.path.startsWith(fault.path))
  );
}

export const PER_SECOND_MESSAGE =
  'You have reached the maximum per-second rate limit for this API. Try again later.';
export const DAILY_MESSAGE =
  'You have reached the maximum daily rate limit for this API. Try again later.';

// Stands in for the error page a proxy in front of Zoom might serve with a misleading 200.
const GARBAGE_PAGE =
  '<!DOCTYPE html><html><head><title>Service Unavailable</title></head>' +
  '<body><h1>We are sorry</h1><p>The service is temporarily unavailable.</p></body></html>';

/**
 * Makes the call misbehave as the fault says. 'answered' means the fault replied to (or dropped)
 * the call; 'continue' means the call goes on normally, as after added latency.
 */
/** Calls whose answer is to be lost once they have been carried out; see `lose_answer`. */
export const answersToLose = new WeakSet<FastifyRequest>();

export async function applyFault(
  fault: Fault,
  request: FastifyRequest,
  reply: FastifyReply,
  nowMs: number,
): Promise<'answered' | 'continue'> {
  switch (fault.kind) {
    case 'latency':
      await sleep(fault.latencyMs);
      return 'continue';
    case 'drop':
      // Hijacking stops Fastify from answering; destroying the socket mimics a network failure.
      reply.hijack();
      request.raw.socket.destroy();
      return 'answered';
    case 'lose_answer':
      // Zoom does the work, then the connection breaks before the answer arrives: the case
      // that makes a create without an idempotency key dangerous to retry.
      answersToLose.add(request);
      return 'continue';
    case 'garbage':
      void reply.code(200).type('text/html; charset=utf-8').send(GARBAGE_PAGE);
      return 'answered';
    case 'rate_limit':
      sendRateLimited(fault, reply, nowMs);
      return 'answered';
    case 'status':
      void reply.code(fault.status).send({ code: fault.status, message: 'Injected failure.' });
      return 'answered';
  }
}

function sendRateLimited(fault: Fault, reply: FastifyReply, nowMs: number): void {
  const retryAfter = fault.retryAfter;
  if (retryAfter && 'date' in retryAfter) {
    reply.headers({
      'x-ratelimit-category': 'Light',
      'x-ratelimit-type': 'Daily-limit',
      'retry-after': nextUtcMidnightIso(nowMs),
    });
    void reply.code(429).send({ code: 429, message: DAILY_MESSAGE });
    return;
  }
  if (retryAfter) {
    reply.headers({
      'x-ratelimit-category': 'Light',
      'x-ratelimit-type': 'QPS',
      'retry-after': String(retryAfter.seconds),
    });
  }
  void reply.code(429).send({ code: 429, message: PER_SECOND_MESSAGE });
}

/** Zoom's daily limits reset at 00:00 UTC and say so as a date-time without milliseconds. */
export function nextUtcMidnightIso(nowMs: number): string {
  const now = new Date(nowMs);
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return new Date(midnight).toISOString().replace('.000Z', 'Z');
}
