import type { HostRefusalReason } from '../../activities/zoom/host-activities.js';
import type { ErrorCode } from '../../common/error-codes.js';
import type { SessionRef } from '../../store/types.js';
import type { IntegrationError } from '../zoom-integration/definitions.js';

const USER_MANAGEMENT = 'Add or fix the user under User Management in Zoom first, then try again.';

const REFUSALS: Record<Exclude<HostRefusalReason, 'capacity'>, [ErrorCode, string]> = {
  not_in_account: ['zoom_user_not_found', 'This email is no user of the event’s Zoom account.'],
  pending: ['zoom_user_not_eligible', 'This Zoom user has not accepted the invitation yet.'],
  inactive: ['zoom_user_not_eligible', 'This Zoom user is deactivated.'],
  unlicensed: ['zoom_user_not_eligible', 'This Zoom user holds no licence.'],
};

/** An organiser-facing error with no refusal cause or checks: the host rules' own answers. */
export function hostError(
  code: ErrorCode,
  message: string,
  nowMs: number,
  details?: Record<string, unknown>,
): IntegrationError {
  return {
    code,
    message,
    cause: null,
    checks: [],
    missingScopes: [],
    retryable: code === 'zoom_unavailable' || code === 'event_busy',
    atMs: nowMs,
    ...(details ? { details } : {}),
  };
}

export function userRefusal(
  reason: HostRefusalReason,
  largestCapacity: number | null,
  expected: number,
  nowMs: number,
): IntegrationError {
  if (reason === 'capacity') {
    const largest = largestCapacity ?? 0;
    const message = `This Zoom user can host ${largest} attendees, fewer than ${expected}.`;
    return hostError('host_capacity_exceeded', message, nowMs, { largestCapacity, expected });
  }
  const [code, sentence] = REFUSALS[reason];

  return hostError(code, `${sentence} ${USER_MANAGEMENT}`, nowMs, { reason });
}

export function hostInUse(sessions: SessionRef[], nowMs: number): IntegrationError {
  const titles = sessions.map((session) => `“${session.title}”`).join(', ');
  const message = `Sessions stream through this host (${titles}); reassign them first.`;

  return hostError('host_in_use', message, nowMs, { sessions });
}
