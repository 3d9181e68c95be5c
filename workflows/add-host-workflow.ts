import * as wf from '@temporalio/workflow';
import type { HostActivities } from '../activities/zoom/host-activities.js';
import { FailureType } from '../common/failures.js';
import type { ZoomHost } from '../store/types.js';
import { hostError, userRefusal } from './hosts/host-errors.js';
import { tokenExpiredError } from './zoom-integration/outcomes.js';
import type { IntegrationError } from './zoom-integration/definitions.js';

export interface AddHostInput {
  eventId: string;
  firstName: string;
  lastName: string;
  email: string;
  expectedAttendees: number;
}

export type AddHostOutcome =
  | { kind: 'added'; host: ZoomHost; created: boolean }
  | { kind: 'refused'; error: IntegrationError }
  | { kind: 'token_rejected' };

// Local activities: no Update ever reaches this child, and each step then costs one marker
// instead of a round trip through the server, which is most of an organiser's wait.
const zoom = wf.proxyLocalActivities<HostActivities>({
  startToCloseTimeout: '12 seconds',
  // Bounded: an organiser waits for this answer; Zoom's Retry-After overrides the interval.
  retry: {
    maximumAttempts: 3,
    initialInterval: '1 second',
    nonRetryableErrorTypes: [FailureType.ZoomTokenRejected, FailureType.TokenUnavailable],
  },
  summary: 'Check the user and its capacity in Zoom',
});

const store = wf.proxyLocalActivities<HostActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 5 },
  summary: 'Commit the host and its person in the store',
});

/** What the Temporal UI shows as this workflow's details, fixed when it starts. */
export const ADD_HOST_DETAILS =
  'Looks the user up by email in the event’s Zoom account, refuses pending, deactivated, ' +
  'unlicensed or foreign users and hosts too small for the expected attendees, then commits ' +
  'the host and its person in the store. Its parent, the event’s integration, answers the ' +
  'organiser.';

/** Adds a Zoom host to an event once Zoom confirms the user, its licence and its capacity. */
export async function addHostWorkflow(input: AddHostInput): Promise<AddHostOutcome> {
  let check;
  try {
    check = await zoom.checkZoomUser(input);
  } catch (failure) {
    return zoomFailure(failure);
  }
  if (check.kind === 'refused') {
    const error = userRefusal(
      check.reason,
      check.largestCapacity,
      input.expectedAttendees,
      Date.now(),
    );
    return { kind: 'refused', error };
  }

  const committed = await store.commitHost({
    eventId: input.eventId,
    hostId: check.user.id,
    email: check.user.email,
    firstName: check.user.firstName || input.firstName,
    lastName: check.user.lastName || input.lastName,
    expectedAttendees: input.expectedAttendees,
    capacity: check.capacity,
    webinarCapacity: check.webinarCapacity,
    personNames: { firstName: input.firstName, lastName: input.lastName },
  });
  return { kind: 'added', ...committed };
}

function zoomFailure(failure: unknown): AddHostOutcome {
  // A local activity's non-retryable failure arrives unwrapped; a retried one arrives wrapped.
  const cause = failure instanceof wf.ActivityFailure ? failure.cause : failure;
  const type = cause instanceof wf.ApplicationFailure ? cause.type : undefined;
  if (type === FailureType.ZoomTokenRejected) return { kind: 'token_rejected' };
  if (type === FailureType.TokenUnavailable) {
    return { kind: 'refused', error: tokenExpiredError(Date.now()) };
  }
  const message = 'Zoom is unavailable at the moment; try again shortly. Nothing was changed.';

  return { kind: 'refused', error: hostError('zoom_unavailable', message, Date.now()) };
}
