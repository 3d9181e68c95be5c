import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import type { RefusalDetails, TransientDetails } from '../../activities/zoom/token-activities.js';
import { FailureType, isRetryableFailure } from '../../common/failures.js';
import { describeRefusal, ORGANISER_CHECKS } from '../../common/status.js';
import type { IntegrationError, TokenSummary } from './definitions.js';

/** The three ways a mint can end; the workflow decides what each means for the integration. */
export type MintOutcome =
  | { kind: 'minted'; token: TokenSummary }
  | { kind: 'refused'; error: IntegrationError }
  | { kind: 'transient'; error: IntegrationError; retryAfterMs: number | null };

/** Classifies a failed mint: refusals need the organiser, everything else is Zoom being unwell. */
export function classifyMintFailure(failure: unknown, nowMs: number): MintOutcome {
  // A local activity's non-retryable failure arrives unwrapped; other failures arrive wrapped.
  const cause = failure instanceof ActivityFailure ? failure.cause : failure;
  if (cause instanceof ApplicationFailure && !isRetryableFailure(cause.type ?? undefined)) {
    const details = (cause.details?.[0] as RefusalDetails | undefined) ?? fallbackDetails(cause);
    return { kind: 'refused', error: refusalError(details, nowMs) };
  }
  const details =
    cause instanceof ApplicationFailure ? (cause.details?.[0] as TransientDetails) : null;
  const reason = details?.reason ?? 'timeout';

  return {
    kind: 'transient',
    error: unavailableError(reason, nowMs),
    retryAfterMs: details?.retryAfterMs ?? null,
  };
}

/** A refusal that lost its details (an older worker, say) still names a cause by its type. */
function fallbackDetails(failure: ApplicationFailure): RefusalDetails {
  const cause =
    failure.type === FailureType.ZoomScopesMissing ? 'scopes_missing' : 'invalid_client';
  return { cause, missingScopes: [] };
}

export function refusalError(details: RefusalDetails, nowMs: number): IntegrationError {
  return {
    code: details.cause === 'scopes_missing' ? 'zoom_scopes_missing' : 'zoom_credentials_refused',
    message: describeRefusal(details.cause),
    cause: details.cause,
    checks: [...ORGANISER_CHECKS],
    missingScopes: details.missingScopes,
    retryable: false,
    atMs: nowMs,
  };
}

export function unavailableError(reason: string, nowMs: number): IntegrationError {
  return {
    code: 'zoom_unavailable',
    message: `Zoom is unavailable (${reason.replace(/_/g, ' ')}); Greenroom keeps retrying.`,
    cause: null,
    checks: [],
    missingScopes: [],
    retryable: true,
    atMs: nowMs,
  };
}

export function disabledError(nowMs: number): IntegrationError {
  return {
    code: 'integration_disabled',
    message: 'The Zoom integration is disabled for this event; enable it first.',
    cause: null,
    checks: [],
    missingScopes: [],
    retryable: false,
    atMs: nowMs,
  };
}

export function notConnectedError(nowMs: number): IntegrationError {
  return {
    code: 'not_connected',
    message: 'Zoom was disconnected for this event a moment ago; save the credentials again.',
    cause: null,
    checks: [],
    missingScopes: [],
    retryable: true,
    atMs: nowMs,
  };
}

export function tokenExpiredError(nowMs: number): IntegrationError {
  return {
    code: 'token_expired',
    message:
      'The Zoom access token has expired or was refused; regenerate it (or save new ' +
      'credentials), then try again. Nothing was changed.',
    cause: null,
    checks: [],
    missingScopes: [],
    retryable: false,
    atMs: nowMs,
  };
}
