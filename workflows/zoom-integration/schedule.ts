import type { TokenSummary } from './definitions.js';

/**
 * When a token should be regenerated: a margin before expiry, never more than a quarter of the
 * token's lifetime, so short-lived tokens (tests, benchmarks) are not renewed the moment they land.
 */
export function refreshAtMs(token: TokenSummary, marginMs: number): number {
  const lifetimeMs = token.expiresAtMs - token.mintedAtMs;

  return token.expiresAtMs - Math.min(marginMs, Math.floor(lifetimeMs / 4));
}

/** Exponential backoff from `initialMs`, doubling per attempt, capped at `maxMs`. */
export function backoffMs(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
}
