/**
 * The closed set of ApplicationFailure types thrown by activities. The same list decides what
 * Temporal may retry, so a new failure type is classified in exactly one place.
 */
export const FailureType = {
  /** Zoom refused the credentials; retrying with the same ones cannot help. */
  ZoomCredentialsRefused: 'ZoomCredentialsRefused',
  /** Zoom minted a token that lacks scopes Greenroom needs; only the organiser can fix it. */
  ZoomScopesMissing: 'ZoomScopesMissing',
  /** Zoom could not be reached, answered 5xx or answered something unreadable. */
  ZoomUnavailable: 'ZoomUnavailable',
  /** Zoom rate-limited the call; the failure carries how long to wait when Zoom said. */
  ZoomRateLimited: 'ZoomRateLimited',
  /** Zoom answered 401/124 to an API call: the token expired or was revoked under us. */
  ZoomTokenRejected: 'ZoomTokenRejected',
  /** Zoom no longer honours a listing's next_page_token; the scan starts again. */
  ZoomPageTokenExpired: 'ZoomPageTokenExpired',
  /** The event has no stored token to call Zoom with. */
  TokenUnavailable: 'TokenUnavailable',
  /** The stored credentials a workflow referenced are gone, e.g. erased by a disconnect. */
  CredentialsMissing: 'CredentialsMissing',
  /** A webhook receiver answered other than 2xx, or not within the timeout; retried. */
  WebhookReceiverFailed: 'WebhookReceiverFailed',
} as const;
export type FailureType = (typeof FailureType)[keyof typeof FailureType];

export const NON_RETRYABLE_FAILURE_TYPES: readonly FailureType[] = [
  FailureType.ZoomCredentialsRefused,
  FailureType.ZoomScopesMissing,
  FailureType.CredentialsMissing,
  FailureType.ZoomTokenRejected,
  FailureType.TokenUnavailable,
  FailureType.ZoomPageTokenExpired,
];

export function isRetryableFailure(type: string | undefined): boolean {
  return !NON_RETRYABLE_FAILURE_TYPES.includes(type as FailureType);
}
