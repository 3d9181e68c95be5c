import type { SessionRefusal } from '../../activities/zoom/session-activities.js';
import { hostError } from '../hosts/host-errors.js';
import type { IntegrationError } from '../zoom-integration/definitions.js';

/** The organiser-facing error for each reason a session cannot stream as asked. */
export function sessionRefusalError(refusal: SessionRefusal, nowMs: number): IntegrationError {
  switch (refusal.reason) {
    case 'host_not_found':
      return hostError('host_not_found', 'No such Zoom host for this event.', nowMs);
    case 'host_unusable':
      return hostError(
        'host_not_usable',
        `This Zoom host cannot host now (${refusal.zoomState}); choose another host or sync ` +
          'hosts after fixing it in Zoom.',
        nowMs,
        { zoomState: refusal.zoomState },
      );
    case 'webinar_not_enabled':
      return hostError(
        'zoom_webinar_not_enabled',
        'This Zoom host has no webinar licence; choose a meeting or a host with webinars.',
        nowMs,
      );
    case 'capacity':
      return hostError(
        'host_capacity_exceeded',
        `This host can take ${refusal.capacity} attendees in this kind of session, fewer ` +
          `than the ${refusal.expected} expected; choose another host or kind.`,
        nowMs,
        { capacity: refusal.capacity, expected: refusal.expected },
      );
    default:
      return sessionStateError(refusal, nowMs);
  }
}

function sessionStateError(refusal: SessionRefusal, nowMs: number): IntegrationError {
  switch (refusal.reason) {
    case 'session_not_found':
      return hostError('session_not_found', 'No such session for this event.', nowMs);
    case 'daily_limit': {
      const resetsAt = new Date(refusal.resetsAtMs).toISOString();
      const message =
        'Zoom allows each host 100 meeting or webinar creates and updates a day; this host ' +
        `has used them all. Zoom resets the count at ${resetsAt}. Nothing was changed.`;
      return hostError('zoom_daily_limit_reached', message, nowMs, { resetsAt });
    }
    case 'too_late': {
      const message =
        'Too many saves for this event were waiting; this one came too late to be carried out ' +
        'before you stopped waiting, so nothing changed. Try again shortly.';
      return hostError('event_busy', message, nowMs);
    }
    case 'zoom_refused':
      return hostError('zoom_refused', `Zoom refused the meeting: ${refusal.zoomMessage}`, nowMs, {
        zoomCode: refusal.zoomCode,
      });
    default:
      return hostError(
        'session_changed',
        'The session changed while it was saved; read it again and retry.',
        nowMs,
      );
  }
}
