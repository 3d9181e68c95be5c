import { ApplicationFailure } from '@temporalio/activity';
import { FailureType } from '../../common/failures.js';
import type { GreenroomStore, HostInput } from '../../store/types.js';
import type { ZoomCallCategory } from '../../common/zoom-rate-limits.js';
import { ZoomApiError, ZoomTokenRejected, type ZoomGet } from './api-client.js';
import type { ZoomPacer } from './pacing.js';
import { ZoomTransientError } from './token-client.js';

export interface CheckZoomUserInput {
  eventId: string;
  email: string;
  expectedAttendees: number;
}

/** Why Zoom's side rules a user out as a host; each has its own organiser-facing message. */
export type HostRefusalReason =
  'not_in_account' | 'pending' | 'inactive' | 'unlicensed' | 'capacity';

export type ZoomUserCheck =
  | {
      kind: 'eligible';
      user: { id: string; email: string; firstName: string; lastName: string };
      capacity: number;
      webinarCapacity: number;
    }
  | { kind: 'refused'; reason: HostRefusalReason; largestCapacity: number | null };

/** A user as Zoom's Users API answers it, reduced to what Greenroom reads. */
export interface ZoomUser {
  id: string;
  email: string;
  first_name?: string;
  last_name?: string;
  type: number;
  status: string;
}

export interface ZoomFeatures {
  meeting_capacity?: number;
  large_meeting?: boolean;
  large_meeting_capacity?: number;
  webinar?: boolean;
  webinar_capacity?: number;
}

/** Builds the activities of host management: Zoom's checks and the store's atomic commits. */
export function createHostActivities(deps: HostActivityDependencies) {
  return {
    /** Looks the user up in the event's Zoom account and reads its capacities. */
    async checkZoomUser(input: CheckZoomUserInput): Promise<ZoomUserCheck> {
      const call = await zoomCaller(deps, input.eventId);
      const user = await readUser((path) => call(path, 'light'), input.email);
      if ('reason' in user) return { kind: 'refused', reason: user.reason, largestCapacity: null };
      const settings = await call(`/users/${user.id}/settings`, 'medium');
      const features = (settings as { feature?: ZoomFeatures }).feature;

      return judgeCapacity(user, features ?? {}, input.expectedAttendees);
    },

    async commitHost(input: HostInput) {
      return deps.store.commitHost(input);
    },

    async removeHost(input: { eventId: string; hostId: string }) {
      return deps.store.removeHost(input.eventId, input.hostId);
    },
  };
}

export type HostActivities = ReturnType<typeof createHostActivities>;

export interface HostActivityDependencies {
  store: GreenroomStore;
  zoomGet: ZoomGet;
  pace: ZoomPacer;
}

export type ZoomCall = (path: string, category: ZoomCallCategory) => Promise<unknown>;

/** Calls Zoom for an event with its stored token, paced by the account's shared budget. */
export async function zoomCaller(
  deps: HostActivityDependencies,
  eventId: string,
): Promise<ZoomCall> {
  const [token, connection] = await Promise.all([
    deps.store.readActiveToken(eventId),
    deps.store.readConnection(eventId),
  ]);
  if (!token || !connection) {
    throw failure(FailureType.TokenUnavailable, 'the event has no token', false);
  }

  return async (path, category) => {
    await deps.pace(connection.accountId, category);
    return callZoom(deps.zoomGet, path, token.accessToken);
  };
}

async function readUser(
  call: (path: string) => Promise<unknown>,
  email: string,
): Promise<ZoomUser | { reason: HostRefusalReason }> {
  let user: ZoomUser;
  try {
    user = (await call(`/users/${encodeURIComponent(email)}`)) as ZoomUser;
  } catch (error) {
    if (error instanceof ZoomApiError && error.zoomCode === 1120) return { reason: 'pending' };
    if (error instanceof ZoomApiError && [1001, 1010].includes(error.zoomCode ?? 0)) {
      return { reason: 'not_in_account' };
    }
    if (error instanceof ZoomApiError && error.status === 404) return { reason: 'not_in_account' };
    throw error;
  }
  if (user.status === 'pending') return { reason: 'pending' };
  if (user.status !== 'active') return { reason: 'inactive' };
  if (user.type !== 2) return { reason: 'unlicensed' };

  return user;
}

/** A user's meeting capacity (the larger of normal and large meetings) and webinar capacity. */
export function capacitiesFrom(features: ZoomFeatures): { meeting: number; webinar: number } {
  const meeting = Math.max(
    features.meeting_capacity ?? 0,
    features.large_meeting ? (features.large_meeting_capacity ?? 0) : 0,
  );
  return { meeting, webinar: features.webinar ? (features.webinar_capacity ?? 0) : 0 };
}

function judgeCapacity(user: ZoomUser, features: ZoomFeatures, expected: number): ZoomUserCheck {
  const { meeting, webinar } = capacitiesFrom(features);
  const largest = Math.max(meeting, webinar);
  if (expected > largest) return { kind: 'refused', reason: 'capacity', largestCapacity: largest };
  const names = { firstName: user.first_name ?? '', lastName: user.last_name ?? '' };

  return {
    kind: 'eligible',
    user: { id: user.id, email: user.email, ...names },
    capacity: meeting,
    webinarCapacity: webinar,
  };
}

/** Maps Zoom's failures onto the closed set of failure types the workflows branch on. */
export async function callZoom(zoomGet: ZoomGet, path: string, accessToken: string) {
  try {
    return await zoomGet(path, accessToken);
  } catch (error) {
    if (error instanceof ZoomTokenRejected) {
      throw failure(FailureType.ZoomTokenRejected, 'zoom rejected the token', false);
    }
    if (error instanceof ZoomTransientError) throw transientFailure(error);
    throw error;
  }
}

export function transientFailure(error: ZoomTransientError): ApplicationFailure {
  const rateLimited = error.reason === 'rate_limited';
  return ApplicationFailure.create({
    type: rateLimited ? FailureType.ZoomRateLimited : FailureType.ZoomUnavailable,
    message: error.message,
    // Zoom's Retry-After wins over the retry policy's own backoff.
    nextRetryDelay: error.retryAfterMs,
  });
}

export function failure(
  type: FailureType,
  message: string,
  retryable: boolean,
): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: !retryable });
}
