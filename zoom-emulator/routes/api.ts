import type { FastifyInstance } from 'fastify';
import { requireBearer, tokenOf } from '../bearer.js';
import type { EmulatorContext } from '../context.js';
import type { User } from '../model.js';
import { faultHook } from './fault-hook.js';

const READ_USER_SCOPES = ['user:read:user:admin', 'user:read:admin'];

/** Zoom's REST API under /v2; only what Greenroom calls so far. */
export function apiRoutes(context: EmulatorContext) {
  return function registerApi(app: FastifyInstance): void {
    app.addHook('onRequest', faultHook(context, 'api'));
    const preHandler = requireBearer(context, READ_USER_SCOPES);

    app.get('/users/me', { preHandler }, (request) => {
      return zoomUser(ownerOf(context, tokenOf(request).accountId));
    });
  };
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
    }
  );
}

/** A user as Zoom's API spells it. */
export function zoomUser(user: User) {
  return {
    id: user.id,
    email: user.email,
    first_name: user.firstName,
    last_name: user.lastName,
    display_name: `${user.firstName} ${user.lastName}`.trim(),
    type: user.type,
    status: user.status,
    timezone: 'UTC',
    account_id: user.accountId,
  };
}
