import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseZoomInput, zoomErrors } from '../api-errors.js';
import { requireBearer, tokenOf } from '../bearer.js';
import type { EmulatorContext } from '../context.js';
import { defaultUserSettings, userStatusSchema, type User } from '../model.js';
import { pageAt, type ListCursor } from '../page-tokens.js';
import { rateLimited, type RateLimitCategory } from '../rate-limits.js';
import type { EmulatorState } from '../state.js';
import { emptyAsAbsent, pageQueryFields, pageSizeOf } from './listing.js';

/** Each endpoint takes its granular scope or, for apps older than those, the classic one. */
const SCOPES = {
  listUsers: ['user:read:list_users:admin', 'user:read:admin'],
  readUser: ['user:read:user:admin', 'user:read:admin'],
  readSettings: ['user:read:settings:admin', 'user:read:admin'],
} as const;

const listQuery = z.object({
  status: z.preprocess(emptyAsAbsent, userStatusSchema.default('active')),
  ...pageQueryFields,
});

export interface UserParams {
  userId: string;
}

/** Zoom's Users API: the token's owner, the listing, one user and one user's settings. */
export function registerUserRoutes(app: FastifyInstance, context: EmulatorContext): void {
  const guard = (scopes: readonly string[], category: RateLimitCategory) => ({
    preHandler: [requireBearer(context, scopes), rateLimited(context, category)],
  });

  app.get('/users/me', guard(SCOPES.readUser, 'Light'), (request) => {
    return zoomUser(ownerOf(context, tokenOf(request).accountId));
  });

  app.get('/users', guard(SCOPES.listUsers, 'Medium'), (request) => {
    return listUsers(context, tokenOf(request).accountId, request.query);
  });

  app.get<{ Params: UserParams }>('/users/:userId', guard(SCOPES.readUser, 'Light'), (request) => {
    const { accountId } = tokenOf(request);
    return zoomUser(readableUser(context, accountId, request.params.userId));
  });

  app.get<{ Params: UserParams }>(
    '/users/:userId/settings',
    guard(SCOPES.readSettings, 'Medium'),
    (request) => {
      const { accountId } = tokenOf(request);
      return zoomSettings(readableUser(context, accountId, request.params.userId));
    },
  );
}

/** One page of the account's users with the given status, in creation order. */
function listUsers(context: EmulatorContext, accountId: string, query: unknown) {
  const parsed = parseZoomInput(listQuery, query);
  const nowMs = context.clock.now();
  const cursor: ListCursor | undefined = parsed.next_page_token
    ? context.pageTokens.redeem(parsed.next_page_token, accountId, nowMs)
    : { listing: 'users', accountId, status: parsed.status, offset: 0 };
  if (cursor?.listing !== 'users') throw zoomErrors.pageTokenInvalid();

  const pageSize = pageSizeOf(parsed.page_size);
  const matching = context.state.usersOf(accountId).filter((u) => u.status === cursor.status);
  const page = pageAt(context.pageTokens, matching, cursor, pageSize, nowMs);

  return {
    page_size: pageSize,
    total_records: matching.length,
    next_page_token: page.nextPageToken,
    users: page.items.map(listedUser),
  };
}

/**
 * The user an id or email names, looked up only within accountId: Zoom answers a user of
 * another account exactly like one that does not exist.
 */
export function findAccountUser(
  state: EmulatorState,
  accountId: string,
  userId: string,
): User | undefined {
  const byId = state.findUser(userId);
  return byId?.accountId === accountId ? byId : state.findUserByEmail(accountId, userId);
}

function readableUser(context: EmulatorContext, accountId: string, userId: string): User {
  const user = findAccountUser(context.state, accountId, userId);
  if (!user) throw zoomErrors.userNotFound(userId);
  if (user.status === 'pending') throw zoomErrors.invitationMissing();

  return user;
}

/** An S2S token acts as the account's owner: its first licensed active user, or a stand-in. */
function ownerOf(context: EmulatorContext, accountId: string): User {
  const users = context.state.usersOf(accountId);
  const owner = users.find((user) => user.type === 2 && user.status === 'active') ?? users[0];

  return (
    owner ?? {
      id: `owner-${accountId}`,
      accountId,
      email: `owner@${accountId}.example.com`,
      firstName: 'Account',
      lastName: 'Owner',
      type: 2,
      status: 'active',
      settings: defaultUserSettings(2),
    }
  );
}

/** A user as Zoom's list users spells it. */
function listedUser(user: User) {
  return {
    id: user.id,
    email: user.email,
    first_name: user.firstName,
    last_name: user.lastName,
    display_name: `${user.firstName} ${user.lastName}`.trim(),
    type: user.type,
    status: user.status,
    timezone: 'UTC',
  };
}

/** A user as Zoom's get user spells it. */
function zoomUser(user: User) {
  return { ...listedUser(user), account_id: user.accountId };
}

function zoomSettings({ settings }: User) {
  return {
    feature: {
      meeting_capacity: settings.meetingCapacity,
      large_meeting: settings.largeMeeting,
      large_meeting_capacity: settings.largeMeetingCapacity,
      webinar: settings.webinar,
      webinar_capacity: settings.webinarCapacity,
    },
  };
}
