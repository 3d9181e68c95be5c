import { ApplicationFailure, log } from '@temporalio/activity';
import { fingerprint } from '../../common/crypto.js';
import { FailureType } from '../../common/failures.js';
import { NO_METRICS, type GreenroomMetrics } from '../../common/metrics.js';
import { describeRefusal, type RefusalCause } from '../../common/status.js';
import type { IntegrationStore } from '../../store/types.js';
import {
  ZoomRefusal,
  ZoomTransientError,
  type MintedToken,
  type ZoomCredentials,
} from './token-client.js';

export interface MintTokenInput {
  eventId: string;
  credentialsId: string;
  /**
   * Workflow time when the mint was decided, on the server's clock. Expiry counts from it: never
   * later than Zoom's receipt, so the margin only grows, and the same clock as the timers.
   */
  requestedAtMs: number;
}

/** What a workflow learns of a minted token: times and a fingerprint, never the token itself. */
export interface MintTokenResult {
  fingerprint: string;
  mintedAtMs: number;
  expiresAtMs: number;
}

/** Details carried by a refusal failure, so the workflow can name the cause to the organiser. */
export interface RefusalDetails {
  cause: RefusalCause;
  missingScopes: string[];
}

/** Details carried by a transient failure; `retryAfterMs` is set when Zoom said how long. */
export interface TransientDetails {
  reason: string;
  retryAfterMs: number | null;
}

export interface TokenActivityDependencies {
  store: IntegrationStore;
  requestToken: (credentials: ZoomCredentials) => Promise<MintedToken>;
  /** Counts each request's outcome; nothing is counted when omitted. */
  metrics?: Pick<GreenroomMetrics, 'tokenMint'>;
}

/** Builds the activities that mint Zoom tokens and keep them, encrypted, in the store. */
export function createTokenActivities(deps: TokenActivityDependencies) {
  const metrics = deps.metrics ?? NO_METRICS;

  return {
    async mintToken(input: MintTokenInput): Promise<MintTokenResult> {
      const credentials = await deps.store.readCredentials(input.credentialsId);
      if (!credentials || credentials.eventId !== input.eventId) {
        metrics.tokenMint('refused', 'credentials_missing');
        throw credentialsMissing();
      }
      const mintedAtMs = input.requestedAtMs;
      const minted = await requestOrFail(deps.requestToken, credentials, metrics);
      const expiresAtMs = mintedAtMs + minted.expiresInSeconds * 1000;
      const stored = await deps.store.commitToken({
        eventId: input.eventId,
        credentialsId: input.credentialsId,
        accessToken: minted.accessToken,
        mintedAtMs,
        expiresAtMs,
        scopes: minted.scopes,
      });
      metrics.tokenMint('minted', 'none');
      log.info('token minted', { eventId: input.eventId, fingerprint: stored.fingerprint });

      return { fingerprint: stored.fingerprint, mintedAtMs, expiresAtMs };
    },
  };
}

export type TokenActivities = ReturnType<typeof createTokenActivities>;

async function requestOrFail(
  requestToken: TokenActivityDependencies['requestToken'],
  credentials: ZoomCredentials,
  metrics: Pick<GreenroomMetrics, 'tokenMint'>,
): Promise<MintedToken> {
  try {
    return await requestToken(credentials);
  } catch (error) {
    countFailure(error, metrics);
    throw toFailure(error, credentials.clientId);
  }
}

function countFailure(error: unknown, metrics: Pick<GreenroomMetrics, 'tokenMint'>): void {
  if (error instanceof ZoomRefusal) metrics.tokenMint('refused', error.refusalCause);
  else if (error instanceof ZoomTransientError) metrics.tokenMint('failed', error.reason);
  else metrics.tokenMint('failed', 'unexpected');
}

function toFailure(error: unknown, clientId: string): ApplicationFailure {
  if (error instanceof ZoomRefusal) {
    log.warn('zoom refused token request', {
      cause: error.refusalCause,
      client: fingerprint(clientId),
    });
    const details: RefusalDetails = { cause: error.refusalCause, missingScopes: error.missing };
    return ApplicationFailure.create({
      type:
        error.refusalCause === 'scopes_missing'
          ? FailureType.ZoomScopesMissing
          : FailureType.ZoomCredentialsRefused,
      message: describeRefusal(error.refusalCause),
      nonRetryable: true,
      details: [details],
    });
  }
  if (error instanceof ZoomTransientError) return transientFailure(error);
  throw error;
}

function transientFailure(error: ZoomTransientError): ApplicationFailure {
  log.warn('zoom token request failed', { reason: error.reason });
  const details: TransientDetails = {
    reason: error.reason,
    retryAfterMs: error.retryAfterMs ?? null,
  };
  return ApplicationFailure.create({
    type:
      error.reason === 'rate_limited' ? FailureType.ZoomRateLimited : FailureType.ZoomUnavailable,
    message: error.message,
    details: [details],
  });
}

function credentialsMissing(): ApplicationFailure {
  const details: RefusalDetails = { cause: 'credentials_missing', missingScopes: [] };
  return ApplicationFailure.create({
    type: FailureType.CredentialsMissing,
    message: describeRefusal('credentials_missing'),
    nonRetryable: true,
    details: [details],
  });
}
