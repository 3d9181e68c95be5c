import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseZoomInput, zoomErrors } from '../api-errors.js';
import { requireBearer, tokenOf } from '../bearer.js';
import type { EmulatorContext } from '../context.js';
import {
  createBodies,
  listedMeeting,
  newMeeting,
  updateBodies,
  updatedMeeting,
  zoomMeeting,
} from '../meetings.js';
import type { Meeting, MeetingKind, User } from '../model.js';
import { pageAt, type ListCursor, type MeetingListing } from '../page-tokens.js';
import {
  checkHostDailyLimit,
  countHostWrite,
  rateLimited,
  type RateLimitCategory,
} from '../rate-limits.js';
import { emptyAsAbsent, pageQueryFields, pageSizeOf } from './listing.js';
import { findAccountUser, type UserParams } from './users.js';

/** What differs between Zoom's Meetings and Webinars APIs; the rest is one implementation. */
interface KindRules {
  kind: MeetingKind;
  listing: MeetingListing;
  /** Create meeting is Medium but create webinar Light; every call on one id is Light. */
  createCategory: RateLimitCategory;
  /** Each call takes its granular scope or, for apps older than those, the classic one. */
  scopes: Readonly<Record<'create' | 'list' | 'read' | 'update' | 'delete', readonly string[]>>;
}

const MEETINGS: KindRules = {
  kind: 'meeting',
  listing: 'meetings',
  createCategory: 'Medium',
  scopes: {
    create: ['meeting:write:meeting:admin', 'meeting:write:admin'],
    list: ['meeting:read:list_meetings:admin', 'meeting:read:admin'],
    read: ['meeting:read:meeting:admin', 'meeting:read:admin'],
    update: ['meeting:update:meeting:admin', 'meeting:write:admin'],
    delete: ['meeting:delete:meeting:admin', 'meeting:write:admin'],
  },
};

const WEBINARS: KindRules = {
  kind: 'webinar',
  listing: 'webinars',
  createCategory: 'Light',
  scopes: {
    create: ['webinar:write:webinar:admin', 'webinar:write:admin'],
    list: ['webinar:read:list_webinars:admin', 'webinar:read:admin'],
    read: ['webinar:read:webinar:admin', 'webinar:read:admin'],
    update: ['webinar:update:webinar:admin', 'webinar:write:admin'],
    delete: ['webinar:delete:webinar:admin', 'webinar:write:admin'],
  },
};

/**
 * Limitation: meeting listings take only `type=scheduled`; the emulator never starts a meeting,
 * so Zoom's live and past views would have nothing to show.
 */
const listQueries: Readonly<Record<MeetingKind, z.ZodType<ListQuery>>> = {
  meeting: z.object({
    type: z.preprocess(emptyAsAbsent, z.literal('scheduled').default('scheduled')),
    ...pageQueryFields,
  }),
  webinar: z.object(pageQueryFields),
};

interface ListQuery {
  page_size?: number | undefined;
  next_page_token?: string | undefined;
}

/** Zoom's Meetings and Webinars APIs: create and list under a host, read, update, delete by id. */
export function registerMeetingRoutes(app: FastifyInstance, context: EmulatorContext): void {
  registerKind(app, context, MEETINGS);
  registerKind(app, context, WEBINARS);
}

function registerKind(app: FastifyInstance, context: EmulatorContext, rules: KindRules): void {
  const guard = (scopes: readonly string[], category: RateLimitCategory) => ({
    preHandler: [requireBearer(context, scopes), rateLimited(context, category)],
  });
  const underHost = `/users/:userId/${rules.listing}`;
  // Named as Zoom's reference names them, so stats read `GET /v2/meetings/:meetingId`.
  const byId = `/${rules.listing}/:${rules.kind}Id`;

  app.post<{ Params: UserParams }>(
    underHost,
    guard(rules.scopes.create, rules.createCategory),
    (request, reply) => reply.code(201).send(create(context, rules, request)),
  );
  app.get<{ Params: UserParams }>(underHost, guard(rules.scopes.list, 'Medium'), (request) =>
    list(context, rules, request),
  );
  app.get(byId, guard(rules.scopes.read, 'Light'), (request) => {
    const meeting = ownMeeting(context, rules.kind, request);
    return zoomMeeting(meeting, context.state.findUser(meeting.hostId)?.email ?? '');
  });
  app.patch(byId, guard(rules.scopes.update, 'Light'), (request, reply) => {
    update(context, rules.kind, request);
    return reply.code(204).send();
  });
  app.delete(byId, guard(rules.scopes.delete, 'Light'), (request, reply) => {
    context.state.deleteMeeting(String(ownMeeting(context, rules.kind, request).id));
    return reply.code(204).send();
  });
}

function create(
  context: EmulatorContext,
  rules: KindRules,
  request: FastifyRequest<{ Params: UserParams }>,
) {
  const body = parseZoomInput(createBodies[rules.kind], request.body);
  const host = hostNamed(context, tokenOf(request).accountId, request.params.userId, rules.kind);
  checkHostDailyLimit(context, host.id, rules.createCategory);

  const meeting = newMeeting(context.state, rules.kind, host, body, context.clock.now());
  context.state.putMeeting(meeting);
  countHostWrite(context, host.id);
  return zoomMeeting(meeting, host.email);
}

/**
 * The user a create names, who must be able to host what is made. Pending and deactivated users
 * get 3161 rather than 1001: they are in the account, so "does not exist" would send a client
 * looking for a user that is right there, while "may not host" points at their status.
 * Limitation: Zoom lets a Basic user schedule meetings (capped at 40 minutes); here only a
 * licensed user may, because a Greenroom host must hold a licence.
 */
function hostNamed(
  context: EmulatorContext,
  accountId: string,
  userId: string,
  kind: MeetingKind,
): User {
  const user = findAccountUser(context.state, accountId, userId);
  if (!user) throw zoomErrors.userNotFound(userId);
  if (user.status !== 'active' || user.type !== 2) throw zoomErrors.cannotHost();
  if (kind === 'webinar' && !user.settings.webinar) throw zoomErrors.webinarPlanMissing();

  return user;
}

/**
 * The meeting or webinar the route's id names, if the token's account may touch it. An id of the
 * other kind is not found, since Zoom keeps the two apart; a host in another account is 1010.
 */
function ownMeeting(context: EmulatorContext, kind: MeetingKind, request: FastifyRequest): Meeting {
  const id = (request.params as Record<string, string>)[`${kind}Id`] ?? '';
  const meeting = context.state.findMeeting(id);
  if (meeting?.kind !== kind) throw zoomErrors.meetingNotFound(kind, id);
  const { accountId } = tokenOf(request);
  if (meeting.accountId !== accountId) throw zoomErrors.notInAccount(accountId);

  return meeting;
}

/** Moving a meeting to another host is refused under S2S: clients must create and delete. */
function update(context: EmulatorContext, kind: MeetingKind, request: FastifyRequest): void {
  const meeting = ownMeeting(context, kind, request);
  const body = parseZoomInput(updateBodies[kind], request.body);
  if (body.schedule_for !== undefined) throw zoomErrors.cannotScheduleFor(kind, body.schedule_for);
  checkHostDailyLimit(context, meeting.hostId, 'Light');

  context.state.putMeeting(updatedMeeting(meeting, body));
  countHostWrite(context, meeting.hostId);
}

/** One page of a host's meetings or webinars, in creation order. */
function list(
  context: EmulatorContext,
  rules: KindRules,
  request: FastifyRequest<{ Params: UserParams }>,
) {
  const query = parseZoomInput(listQueries[rules.kind], request.query);
  const { accountId } = tokenOf(request);
  const host = findAccountUser(context.state, accountId, request.params.userId);
  if (!host) throw zoomErrors.userNotFound(request.params.userId);

  const nowMs = context.clock.now();
  const cursor = cursorFor(context, rules.listing, host, query.next_page_token, nowMs);
  const pageSize = pageSizeOf(query.page_size);
  const all = context.state.meetingsOf(host.id, rules.kind);
  const page = pageAt(context.pageTokens, all, cursor, pageSize, nowMs);

  return {
    page_size: pageSize,
    total_records: all.length,
    next_page_token: page.nextPageToken,
    [rules.listing]: page.items.map(listedMeeting),
  };
}

/** Where the listing starts: at the top, or where a token issued for this same listing left off. */
function cursorFor(
  context: EmulatorContext,
  listing: MeetingListing,
  host: User,
  pageToken: string | undefined,
  nowMs: number,
): ListCursor {
  const fresh = { listing, accountId: host.accountId, hostId: host.id, offset: 0 };
  if (pageToken === undefined) return fresh;

  const cursor = context.pageTokens.redeem(pageToken, host.accountId, nowMs);
  const sameListing = cursor?.listing === listing && cursor.hostId === host.id;
  if (!cursor || !sameListing) throw zoomErrors.pageTokenInvalid();
  return cursor;
}
