import {
  ZoomApiError,
  ZoomDailyLimitReached,
  ZoomTokenRejected,
  type ZoomRequest,
} from '../activities/zoom/api-client.js';
import type { ZoomPacer } from '../activities/zoom/pacing.js';
import { ZoomTransientError } from '../activities/zoom/token-client.js';
import { HOUR_MS } from '../common/durations.js';
import type { GreenroomStore, ZoomMeetingRef } from '../store/types.js';
import { ApiError } from './errors.js';

/** Zoom's start links lapse two hours after they are fetched. */
const START_URL_LIFETIME_MS = 2 * HOUR_MS;

export interface StartLink {
  startUrl: string;
  expiresAtMs: number;
}

/**
 * Fetches a meeting's start link from Zoom each time it is asked for. The link lets anyone
 * start the meeting as its host, so it is never stored, logged or put in workflow history.
 */
export function createStartLinks(deps: {
  store: GreenroomStore;
  zoomRequest: ZoomRequest;
  pace: ZoomPacer;
  /** Asks the integration for a new token, as a save does when Zoom rejects the current one. */
  regenerate: (eventId: string) => Promise<boolean>;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const fetchOnce = startLinkFetcher(deps, now);
  return async function fetchStartLink(
    eventId: string,
    meeting: ZoomMeetingRef,
  ): Promise<StartLink> {
    try {
      return await fetchOnce(eventId, meeting);
    } catch (error) {
      // Zoom rejected a token Greenroom thought valid (revoked, or clocks apart): mint once.
      if (!(error instanceof ZoomTokenRejected) || !(await deps.regenerate(eventId))) {
        return explain(error);
      }
    }
    return fetchOnce(eventId, meeting).catch(explain);
  };
}

function startLinkFetcher(
  deps: { store: GreenroomStore; zoomRequest: ZoomRequest; pace: ZoomPacer },
  now: () => number,
) {
  return async (eventId: string, meeting: ZoomMeetingRef): Promise<StartLink> => {
    const [token, connection] = await Promise.all([
      deps.store.readActiveToken(eventId),
      deps.store.readConnection(eventId),
    ]);
    if (!token || !connection) throw new ApiError('not_connected');
    if (token.expiresAtMs <= now()) throw new ApiError('token_expired');

    const path = `/${meeting.kind === 'webinar' ? 'webinars' : 'meetings'}/${meeting.meetingId}`;
    await deps.pace(connection.accountId, 'light');
    const answer = await deps.zoomRequest('GET', path, token.accessToken);
    const startUrl = (answer as { start_url?: unknown } | null)?.start_url;
    if (typeof startUrl !== 'string') throw new ApiError('zoom_unavailable');

    return { startUrl, expiresAtMs: now() + START_URL_LIFETIME_MS };
  };
}

export type FetchStartLink = ReturnType<typeof createStartLinks>;

function explain(error: unknown): never {
  if (error instanceof ApiError) throw error;
  if (error instanceof ZoomTokenRejected) throw new ApiError('token_expired');
  if (error instanceof ZoomDailyLimitReached) {
    const resetsAt = error.resetsAtMs === null ? null : new Date(error.resetsAtMs).toISOString();
    throw new ApiError(
      'zoom_daily_limit_reached',
      'Zoom refuses more calls for this meeting’s host today; try after the reset.',
      { resetsAt },
    );
  }
  if (error instanceof ZoomTransientError) throw new ApiError('zoom_unavailable');
  if (error instanceof ZoomApiError && error.zoomCode === 3001) {
    throw new ApiError(
      'zoom_meeting_missing',
      'The meeting no longer exists on Zoom; save the session again to create a new one.',
    );
  }
  if (error instanceof ZoomApiError) {
    throw new ApiError('zoom_refused', `Zoom refused to give the start link: ${error.message}`);
  }
  throw error;
}
