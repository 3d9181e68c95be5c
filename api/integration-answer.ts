import type { ConnectionSummary } from '../store/types.js';
import type { IntegrationError, IntegrationView } from '../workflows/zoom-integration-workflow.js';
import { refusalError } from '../workflows/zoom-integration/outcomes.js';
import { ApiError } from './errors.js';
import type { IntegrationReading } from './integration-gateway.js';
import type { IntegrationAnswer } from './schemas.js';

const iso = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString() : null);

/** Renders what the workflow (or, without a worker, the index) and the store know of an event. */
export function renderIntegration(
  eventId: string,
  reading: IntegrationReading,
  connection: ConnectionSummary | null,
  nowMs: number,
): IntegrationAnswer {
  if (reading.source === 'workflow') return fromView(eventId, reading.view, connection, nowMs);
  if (reading.source === 'none') return notConnected(eventId);
  const { indexed } = reading;

  return {
    ...notConnected(eventId),
    status: indexed.status,
    ...identity(connection),
    token: tokenAnswer(connection, indexed.tokenExpiresAtMs, null, nowMs),
    lastError: indexed.cause
      ? errorAnswer(refusalError({ cause: indexed.cause, missingScopes: [] }, 0))
      : null,
    source: 'search_attributes',
  };
}

export function fromView(
  eventId: string,
  view: IntegrationView,
  connection: ConnectionSummary | null,
  nowMs: number,
): IntegrationAnswer {
  if (!view.connected && view.status !== 'connecting') return notConnected(eventId);

  return {
    eventId,
    status: view.status,
    ...identity(connection),
    token: tokenAnswer(connection, view.token?.expiresAtMs, view.token?.mintedAtMs, nowMs),
    nextAttemptAt: iso(view.nextAttemptAtMs ?? view.nextTokenWorkAtMs),
    lastError: view.lastError ? errorAnswer(view.lastError) : null,
    tokensMinted: view.mintCount,
    source: 'workflow',
  };
}

export function notConnected(eventId: string): IntegrationAnswer {
  return {
    eventId,
    status: 'not_connected',
    accountId: null,
    clientId: null,
    token: null,
    nextAttemptAt: null,
    lastError: null,
    tokensMinted: 0,
    source: 'none',
  };
}

function identity(connection: ConnectionSummary | null) {
  return { accountId: connection?.accountId ?? null, clientId: connection?.clientId ?? null };
}

function tokenAnswer(
  connection: ConnectionSummary | null,
  expiresAtMs: number | null | undefined,
  mintedAtMs: number | null | undefined,
  nowMs: number,
): IntegrationAnswer['token'] {
  const expires = expiresAtMs ?? connection?.tokenExpiresAtMs;
  if (!expires) return null;
  // The preview belongs to the stored token only when both describe the same expiry.
  const samePreview = connection?.tokenExpiresAtMs === expires ? connection.tokenPreview : null;

  return {
    preview: samePreview,
    mintedAt: iso(mintedAtMs),
    expiresAt: iso(expires) ?? '',
    expired: expires <= nowMs,
  };
}

export function errorAnswer(error: IntegrationError) {
  const { atMs, ...rest } = error;
  return { ...rest, at: iso(atMs) };
}

/**
 * The error an API answer throws for a refused action: the workflow's facts flattened into
 * `details`, without the credential fields (cause, checks, scopes) that say nothing here.
 */
export function refusedAction(error: IntegrationError): ApiError {
  const { code, message, cause, checks, missingScopes, retryable, atMs, details } = error;
  return new ApiError(code, message, {
    // A refusal of the credentials carries its cause and checks; other errors have none.
    ...(cause ? { cause, checks, missingScopes } : {}),
    retryable,
    at: iso(atMs),
    ...details,
  });
}
