import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../../context.js';
import { listedMeeting } from '../../meetings.js';
import type { Meeting } from '../../model.js';
import { HOST_DAILY_WRITE_LIMIT } from '../../rate-limits.js';
import type { EmulatorState } from '../../state.js';
import { utcDay } from '../../zoom-time.js';
import { accountOr404 } from './lookup.js';

/** What Zoom holds for an account's hosts: meetings, webinars and today's write counts. */
export function meetingRoutes(context: EmulatorContext) {
  const { state } = context;

  return function registerMeetings(app: FastifyInstance): void {
    app.get('/accounts/:accountId/meetings', (request) => {
      const { id: accountId } = accountOr404(state, request.params);
      const day = utcDay(context.clock.now());
      return {
        day,
        dailyLimit: HOST_DAILY_WRITE_LIMIT,
        meetings: state.meetingsOfAccount(accountId).map(controlMeeting),
        writesToday: writesOn(state, accountId, day),
      };
    });
  };
}

/** A meeting as the API lists it, plus its kind, with the id as a string as Greenroom keeps it. */
function controlMeeting(meeting: Meeting) {
  return { kind: meeting.kind, ...listedMeeting(meeting), id: String(meeting.id) };
}

/** Creates and updates per host of the account on day; hosts that made none are left out. */
function writesOn(state: EmulatorState, accountId: string, day: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const user of state.usersOf(accountId)) {
    const count = state.writesOn(user.id, day);
    if (count > 0) counts[user.id] = count;
  }
  return counts;
}
