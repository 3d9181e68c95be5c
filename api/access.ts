import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccessStore, ApiKey } from '../store/types.js';
import { ApiError, errorBody } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    apiKey?: ApiKey;
    /** The key a change to keys was aimed at, for the audit trail. */
    auditTargetKeyId?: string;
  }
}

export interface AccessOptions {
  store: AccessStore;
  /** Requests one key may make per minute; 120 by default. */
  requestsPerMinute: number;
  now: () => number;
}

/** Liveness, readiness and the API description stay open: probes and readers need no key. */
const PUBLIC_PATHS = [/^\/healthz$/, /^\/readyz$/, /^\/docs(\/|$)/];

const WINDOW_MS = 60_000;

/**
 * Every other route needs `Authorization: Bearer <key>`. An organiser key reaches only its own
 * events: another event answers 404, as an event that does not exist, so ids cannot be probed.
 * Every change made with a key is written to the audit trail.
 */
export function installAccessControl(app: FastifyInstance, options: AccessOptions): void {
  const limiter = new KeyRateLimiter(options.requestsPerMinute, options.now);
  app.addHook('onRequest', async (request, reply) => {
    if (PUBLIC_PATHS.some((path) => path.test(request.url.split('?')[0] ?? ''))) return;
    const key = await keyOf(options.store, request);
    if (!key) throw new ApiError('unauthorized');
    // Counted before the scope check, so probing other events spends the key's budget too.
    const waitMs = limiter.take(key.id);
    if (waitMs > 0) return tooMany(reply, waitMs);
    refuseOutOfScope(key, request);
    // Only requests within the key's reach are audited: a probe is not the probed event's news.
    request.apiKey = key;
  });
  app.addHook('onResponse', async (request, reply) => {
    if (!request.apiKey || request.method === 'GET' || request.method === 'HEAD') return;
    await options.store.recordAudit({
      atMs: options.now(),
      keyId: request.apiKey.id,
      method: request.method,
      route: request.routeOptions.url ?? request.url.split('?')[0] ?? '',
      eventId: eventIdOf(request),
      status: reply.statusCode,
      requestId: request.id,
      targetKeyId: request.auditTargetKeyId ?? null,
    });
  });
}

async function keyOf(store: AccessStore, request: FastifyRequest): Promise<ApiKey | null> {
  // The scheme's name is case-insensitive (RFC 9110); the key itself is not.
  const match = /^bearer +(\S+)$/i.exec(request.headers.authorization ?? '');
  return match?.[1] ? store.verifyApiKey(match[1]) : null;
}

function eventIdOf(request: FastifyRequest): string | null {
  const params = request.params as Record<string, unknown> | undefined;
  return typeof params?.eventId === 'string' ? params.eventId : null;
}

/** Organiser keys reach their own events' routes only; keys and audit need an operator. */
function refuseOutOfScope(key: ApiKey, request: FastifyRequest): void {
  // No route matched: the not-found answer follows, the same for every key.
  if (key.kind === 'operator' || request.routeOptions.url === undefined) return;
  const eventId = eventIdOf(request);
  if (eventId === null) throw new ApiError('forbidden');
  if (!key.eventIds.includes(eventId)) throw new ApiError('not_found', 'No such event.');
}

function tooMany(reply: FastifyReply, waitMs: number) {
  const seconds = Math.ceil(waitMs / 1000);
  return reply
    .status(429)
    .header('retry-after', String(seconds))
    .send(errorBody('rate_limited', `Too many requests with this key; retry in ${seconds} s.`));
}

/**
 * Fixed one-minute windows per key, in this process.
 * Limitation: each API process counts on its own; behind a load balancer with n processes a key
 * gets up to n times its limit.
 */
export class KeyRateLimiter {
  private readonly windows = new Map<string, { startMs: number; count: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number,
  ) {}

  /** Counts a request; answers 0 when it may go ahead, else how long until the window resets. */
  take(keyId: string): number {
    const nowMs = this.now();
    const window = this.windows.get(keyId);
    if (!window || nowMs - window.startMs >= WINDOW_MS) {
      this.windows.set(keyId, { startMs: nowMs, count: 1 });
      return 0;
    }
    window.count += 1;
    return window.count > this.perMinute ? window.startMs + WINDOW_MS - nowMs : 0;
  }
}
