import type { ErrorCode } from '../common/error-codes.js';

interface RegistryEntry {
  status: number;
  message: string;
}

/** Every error the API can answer: one stable code, one HTTP status, one default message. */
export const ERROR_REGISTRY: Record<ErrorCode, RegistryEntry> = {
  validation_failed: { status: 400, message: 'The request is not valid.' },
  not_found: { status: 404, message: 'No such route or resource.' },
  unauthorized: {
    status: 401,
    message: 'A valid API key is required: send Authorization: Bearer <key>.',
  },
  forbidden: { status: 403, message: 'This route needs an operator key.' },
  rate_limited: { status: 429, message: 'Too many requests with this key; retry later.' },
  person_email_taken: { status: 409, message: 'A person of this event already has this email.' },
  zoom_user_not_found: {
    status: 422,
    message: 'No such user in the Zoom account; add the user under Zoom’s User Management first.',
  },
  zoom_user_not_eligible: {
    status: 422,
    message:
      'The Zoom user must be active and licensed; fix it under Zoom’s User Management first.',
  },
  host_capacity_exceeded: {
    status: 422,
    message: 'The expected attendees exceed what this Zoom user can host.',
  },
  host_not_found: { status: 404, message: 'No such Zoom host for this event.' },
  host_in_use: {
    status: 409,
    message: 'Sessions stream through this host; reassign them to another host first.',
  },
  host_not_usable: {
    status: 422,
    message: 'This Zoom host lost its licence or left the account; choose another host.',
  },
  session_not_found: { status: 404, message: 'No such session for this event.' },
  session_changed: {
    status: 409,
    message: 'The session changed while this save was made; read it again and retry.',
  },
  zoom_webinar_not_enabled: {
    status: 422,
    message: 'This Zoom host has no webinar licence; choose a meeting or another host.',
  },
  zoom_daily_limit_reached: {
    status: 429,
    message: 'Zoom allows 100 meeting creates and updates per host a day; try after the reset.',
  },
  zoom_refused: { status: 422, message: 'Zoom refused the meeting as given.' },
  zoom_meeting_missing: {
    status: 409,
    message: 'This session has no Zoom meeting yet; save it with Zoom streaming first.',
  },
  event_busy: {
    status: 503,
    message: 'Too many saves for this event at once; nothing changed. Retry, or save in a batch.',
  },
  not_connected: {
    status: 409,
    message: 'Zoom is not connected for this event; save credentials first.',
  },
  integration_disabled: {
    status: 409,
    message: 'The Zoom integration is disabled for this event; enable it first.',
  },
  zoom_credentials_refused: { status: 422, message: 'Zoom refused the credentials.' },
  zoom_scopes_missing: { status: 422, message: 'The Zoom app lacks scopes Greenroom needs.' },
  zoom_unavailable: {
    status: 503,
    message: 'Zoom is unavailable at the moment; try again shortly.',
  },
  token_expired: {
    status: 409,
    message: 'The Zoom access token has expired; regenerate it.',
  },
  workflow_unavailable: {
    status: 503,
    message: 'The integration engine is unavailable at the moment; try again shortly.',
  },
  not_ready: {
    status: 503,
    message: 'Not ready: a dependency of the API does not answer; retry shortly.',
  },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  idempotency_key_reused: {
    status: 422,
    message: 'This Idempotency-Key was sent with another request; use a new key for a new change.',
  },
  webhook_not_found: { status: 404, message: 'No such webhook subscription.' },
  webhook_not_failing: {
    status: 409,
    message: 'This webhook subscription is delivering; only a failing one can be resumed.',
  },
  internal_error: { status: 500, message: 'Something went wrong on our side.' },
};

/** Thrown by route handlers; the error handler renders it in the one error shape. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message ?? ERROR_REGISTRY[code].message);
  }

  get status(): number {
    return ERROR_REGISTRY[this.code].status;
  }
}

/** The body of every error answer. */
export function errorBody(code: ErrorCode, message: string, details?: Record<string, unknown>) {
  return { error: details ? { code, message, details } : { code, message } };
}
