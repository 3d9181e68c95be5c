import * as wf from '@temporalio/workflow';
import { FailureType } from '../../common/failures.js';

/** How a host scan's Zoom call ended when it did not succeed. */
export type ScanFailure =
  'token_rejected' | 'token_unavailable' | 'page_token_expired' | 'zoom_unavailable';

export function scanFailureOf(failure: unknown): ScanFailure {
  // A local activity's non-retryable failure arrives unwrapped; a retried one arrives wrapped.
  const cause = failure instanceof wf.ActivityFailure ? failure.cause : failure;
  const type = cause instanceof wf.ApplicationFailure ? cause.type : undefined;
  if (type === FailureType.ZoomTokenRejected) return 'token_rejected';
  if (type === FailureType.TokenUnavailable) return 'token_unavailable';
  if (type === FailureType.ZoomPageTokenExpired) return 'page_token_expired';

  return 'zoom_unavailable';
}

/** Zoom calls of a scan: a few quick retries, Zoom's Retry-After honoured, refusals final. */
export const SCAN_RETRY = {
  maximumAttempts: 4,
  initialInterval: '1 second',
  nonRetryableErrorTypes: [
    FailureType.ZoomTokenRejected,
    FailureType.TokenUnavailable,
    FailureType.ZoomPageTokenExpired,
  ],
};
