import type { App } from './model.js';
import type { Settings } from './settings.js';
import type { EmulatorState } from './state.js';

/** The token request as the endpoint received it, before any check. */
export interface TokenRequest {
  authorization: string | undefined;
  grantType: string | undefined;
  accountId: string | undefined;
}

export type RefusalReason =
  | 'invalid_client'
  | 'unsupported_grant_type'
  | 'not_s2s_app'
  | 'account_missing'
  | 'account_not_found'
  | 'account_mismatch'
  | 'app_type_not_enabled'
  | 'app_disabled';

export interface OAuthErrorBody {
  reason: string;
  error: string;
  code?: number;
}

export type TokenDecision =
  | { outcome: 'grant'; app: App }
  | { outcome: 'refuse'; reason: RefusalReason; status: number; body: OAuthErrorBody };

/** Runs Zoom's checks in the order a real token request meets them. */
export function decideTokenRequest(
  request: TokenRequest,
  state: EmulatorState,
  settings: Settings,
): TokenDecision {
  const app = authenticate(request.authorization, state);
  if (!app) return refuse('invalid_client', settings);
  if (request.grantType !== 'account_credentials')
    return refuse('unsupported_grant_type', settings);
  if (app.type !== 's2s') return refuse('not_s2s_app', settings);

  const accountProblem = checkAccount(request.accountId, app, state);
  if (accountProblem) return refuse(accountProblem, settings);
  if (!app.activated) return refuse('app_disabled', settings);

  return { outcome: 'grant', app };
}

/** Finds the app whose id and secret the Basic header carries. */
function authenticate(authorization: string | undefined, state: EmulatorState): App | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(authorization ?? '');
  if (!match?.[1]) return undefined;

  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  const app = state.apps.get(decoded.slice(0, colon));

  return app && app.clientSecret === decoded.slice(colon + 1) ? app : undefined;
}

function checkAccount(
  accountId: string | undefined,
  app: App,
  state: EmulatorState,
): RefusalReason | undefined {
  if (!accountId) return 'account_missing';
  const account = state.accounts.get(accountId);
  if (!account) return 'account_not_found';
  // Credentials are only good for the account that owns the app.
  if (account.id !== app.accountId) return 'account_mismatch';
  if (!account.s2sEnabled) return 'app_type_not_enabled';

  return undefined;
}

const INVALID_CLIENT: OAuthErrorBody = {
  reason: 'Invalid client_id or client_secret',
  error: 'invalid_client',
};
const UNSUPPORTED_GRANT: OAuthErrorBody = {
  reason: 'unsupported grant type',
  error: 'unsupported_grant_type',
};
const ACCOUNT_NOT_FOUND: OAuthErrorBody = {
  reason: 'Account does not exist',
  error: 'invalid_request',
};

const BODIES: Record<RefusalReason, OAuthErrorBody> = {
  invalid_client: INVALID_CLIENT,
  account_mismatch: INVALID_CLIENT,
  unsupported_grant_type: UNSUPPORTED_GRANT,
  not_s2s_app: UNSUPPORTED_GRANT,
  account_missing: ACCOUNT_NOT_FOUND,
  account_not_found: ACCOUNT_NOT_FOUND,
  app_type_not_enabled: {
    reason: 'Account does not enabled the OAuth app type',
    error: 'invalid_request',
  },
  app_disabled: { reason: 'The app has been disabled', error: 'invalid_client', code: 4717 },
};

function refuse(reason: RefusalReason, settings: Settings): TokenDecision {
  return { outcome: 'refuse', reason, status: statusFor(reason, settings), body: BODIES[reason] };
}

function statusFor(reason: RefusalReason, settings: Settings): number {
  if (reason === 'invalid_client' || reason === 'account_mismatch') {
    return settings.invalidClientStatus;
  }
  return reason === 'app_disabled' ? settings.disabledAppStatus : 400;
}
