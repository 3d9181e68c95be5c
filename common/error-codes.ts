/**
 * Stable, machine-readable error codes shared by workflow answers and the HTTP API. The API's
 * registry gives each its HTTP status; workflows only ever answer with one of these.
 */
export const ERROR_CODES = [
  'validation_failed',
  'unauthorized',
  'forbidden',
  'rate_limited',
  'person_email_taken',
  'zoom_user_not_found',
  'zoom_user_not_eligible',
  'host_capacity_exceeded',
  'host_not_found',
  'host_in_use',
  'host_not_usable',
  'session_not_found',
  'session_changed',
  'zoom_webinar_not_enabled',
  'zoom_daily_limit_reached',
  'zoom_refused',
  'zoom_meeting_missing',
  'event_busy',
  'not_found',
  'not_connected',
  'integration_disabled',
  'zoom_credentials_refused',
  'zoom_scopes_missing',
  'zoom_unavailable',
  'token_expired',
  'workflow_unavailable',
  'not_ready',
  'payload_too_large',
  'idempotency_key_reused',
  'webhook_not_found',
  'webhook_not_failing',
  'internal_error',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
