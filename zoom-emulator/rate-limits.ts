import type { FastifyReply, FastifyRequest } from 'fastify';
import { ZoomApiError } from './api-errors.js';
import { tokenOf } from './bearer.js';
import type { EmulatorContext } from './context.js';
import { DAILY_MESSAGE, nextUtcMidnightIso, PER_SECOND_MESSAGE } from './faults.js';
import type { Plan } from './model.js';
import { utcDay } from './zoom-time.js';

export type RateLimitCategory = 'Light' | 'Medium' | 'Heavy';

/** Zoom's per-second limits by category and plan; every app of an account shares them. */
export const QPS_LIMITS: Readonly<Record<RateLimitCategory, Readonly<Record<Plan, number>>>> = {
  Light: { free: 4, pro: 30, business: 80 },
  Medium: { free: 2, pro: 20, business: 60 },
  Heavy: { free: 1, pro: 10, business: 40 },
};

const WINDOW_MS = 1000;

/** Zoom lets each host user make this many meeting or webinar creates and updates a UTC day. */
export const HOST_DAILY_WRITE_LIMIT = 100;

export interface RateDecision {
  allowed: boolean;
  remaining: number;
  /** Whole seconds until a slot frees up; only meaningful when refused. */
  retryAfterSeconds: number;
}

/**
 * Sliding one-second windows on the emulator clock, one per key. Sliding rather than fixed, so
 * a burst straddling a second boundary cannot get twice the limit through.
 */
export class RateLimiter {
  private readonly windows = new Map<string, number[]>();

  take(key: string, limit: number, nowMs: number): RateDecision {
    const recent = (this.windows.get(key) ?? []).filter((atMs) => atMs > nowMs - WINDOW_MS);
    this.windows.set(key, recent);
    if (recent.length >= limit) {
      const freesAtMs = (recent[0] ?? nowMs) + WINDOW_MS;
      const retryAfterSeconds = Math.max(1, Math.ceil((freesAtMs - nowMs) / 1000));
      return { allowed: false, remaining: 0, retryAfterSeconds };
    }

    recent.push(nowMs);
    return { allowed: true, remaining: limit - recent.length, retryAfterSeconds: 0 };
  }

  clear(): void {
    this.windows.clear();
  }
}

/** A preHandler, placed after requireBearer, that holds the token's account to its plan. */
export function rateLimited(context: EmulatorContext, category: RateLimitCategory) {
  return async function limitRate(request: FastifyRequest, reply: FastifyReply) {
    const { stats } = context;
    stats.apiCallsByCategory[category] = (stats.apiCallsByCategory[category] ?? 0) + 1;
    if (!context.settings.rateLimits) return;

    const { accountId } = tokenOf(request);
    const plan = context.state.accounts.get(accountId)?.plan ?? 'free';
    const limit = QPS_LIMITS[category][plan];
    const decision = context.rateLimiter.take(
      `${accountId} ${category}`,
      limit,
      context.clock.now(),
    );
    reply.headers({
      'x-ratelimit-category': category,
      'x-ratelimit-type': 'QPS',
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(decision.remaining),
    });
    if (decision.allowed) return;

    stats.apiRateLimited += 1;
    reply.header('retry-after', String(decision.retryAfterSeconds));
    return reply.code(429).send({ code: 429, message: PER_SECOND_MESSAGE });
  };
}

/**
 * Refuses a meeting or webinar create or update once its host has used up the UTC day's
 * allowance. The `rateLimits` setting switches this off too, so throughput benchmarks can reuse
 * one host without end.
 */
export function checkHostDailyLimit(
  context: EmulatorContext,
  hostId: string,
  category: RateLimitCategory,
): void {
  if (!context.settings.rateLimits) return;
  const nowMs = context.clock.now();
  if (context.state.writesOn(hostId, utcDay(nowMs)) < HOST_DAILY_WRITE_LIMIT) return;

  context.stats.apiRateLimited += 1;
  throw new ZoomApiError(429, 429, DAILY_MESSAGE, undefined, {
    'x-ratelimit-category': category,
    'x-ratelimit-type': 'Daily-limit',
    'x-ratelimit-limit': String(HOST_DAILY_WRITE_LIMIT),
    'x-ratelimit-remaining': '0',
    'retry-after': nextUtcMidnightIso(nowMs),
  });
}

/**
 * Counts one create or update against the host's day. Only calls that succeeded are counted:
 * Zoom does not say whether refused ones use up the allowance, and counting them would let a
 * client's retries of a bad request lock its host out for the rest of the day.
 */
export function countHostWrite(context: EmulatorContext, hostId: string): void {
  context.state.countWrite(hostId, utcDay(context.clock.now()));
}
