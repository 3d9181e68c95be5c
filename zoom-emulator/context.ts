import type { Clock } from './clock.js';
import type { FaultQueue } from './faults.js';
import { randomId } from './ids.js';
import type { TokenLedger } from './ledger.js';
import type { AccessToken, App } from './model.js';
import type { PageTokenStore } from './page-tokens.js';
import type { RateLimiter } from './rate-limits.js';
import { defaultSettings, type Settings } from './settings.js';
import type { EmulatorState } from './state.js';
import { emptyStats, type Stats } from './stats.js';

/** Everything the routes share; one per emulator instance, so tests never leak into each other. */
export interface EmulatorContext {
  readonly clock: Clock;
  readonly state: EmulatorState;
  readonly ledger: TokenLedger;
  readonly faults: FaultQueue;
  readonly pageTokens: PageTokenStore;
  readonly rateLimiter: RateLimiter;
  readonly publicApiUrl: string;
  readonly defaultTokenTtlSeconds: number;
  settings: Settings;
  stats: Stats;
}

/** Issues a token for the app, valid for the configured lifetime from the emulator's now. */
export function mintToken(context: EmulatorContext, app: App): AccessToken {
  const issuedAtMs = context.clock.now();
  const token: AccessToken = {
    value: randomId(32),
    clientId: app.clientId,
    accountId: app.accountId,
    scopes: [...app.scopes],
    issuedAtMs,
    expiresAtMs: issuedAtMs + context.settings.tokenTtlSeconds * 1000,
  };
  context.state.addToken(token);
  context.ledger.record(app.clientId, app.accountId, issuedAtMs, token.expiresAtMs);
  return token;
}

/** Makes every live token of the app invalid, as deactivating or deleting an app does. */
export function revokeAppTokens(context: EmulatorContext, clientId: string): void {
  context.state.revokeTokens(clientId);
  context.ledger.revokeLive(clientId, context.clock.now());
}

/**
 * Forgets everything: records, ledger, faults, page tokens, rate windows, counters, settings and
 * clock offset.
 */
export function resetEmulator(context: EmulatorContext): void {
  context.state.clear();
  context.ledger.clear();
  context.faults.clear();
  context.pageTokens.expireAll();
  context.rateLimiter.clear();
  context.clock.reset();
  context.settings = defaultSettings(context.defaultTokenTtlSeconds);
  context.stats = emptyStats();
}
