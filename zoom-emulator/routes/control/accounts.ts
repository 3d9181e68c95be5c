import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from '../../context.js';
import { ControlError, notFound, parseWith } from '../../errors.js';
import { ALL_SCOPES, newApp, newUser } from '../../factories.js';
import { randomId } from '../../ids.js';
import {
  appTypeSchema,
  planSchema,
  publicApp,
  userStatusSchema,
  userTypeSchema,
  type Account,
} from '../../model.js';

const accountParams = z.object({ accountId: z.string().min(1) });

const createAccountBody = z.strictObject({
  id: z.string().min(1).max(100).optional(),
  plan: planSchema.default('pro'),
  s2sEnabled: z.boolean().default(true),
});

const updateAccountBody = z.strictObject({
  plan: planSchema.optional(),
  s2sEnabled: z.boolean().optional(),
});

const createAppBody = z.strictObject({
  type: appTypeSchema.default('s2s'),
  scopes: z.array(z.string().min(1)).default([...ALL_SCOPES]),
  activated: z.boolean().default(true),
});

const createUserBody = z.strictObject({
  email: z.email(),
  firstName: z.string(),
  lastName: z.string(),
  type: userTypeSchema.default(2),
  status: userStatusSchema.default('active'),
});

/** Accounts and what hangs off them: apps and users. */
export function accountRoutes(context: EmulatorContext) {
  const { state } = context;
  const accountOr404 = (params: unknown): Account => {
    const { accountId } = parseWith(accountParams, params);
    const account = state.accounts.get(accountId);
    if (!account) throw notFound('account', accountId);

    return account;
  };

  return function registerAccounts(app: FastifyInstance): void {
    app.post('/accounts', (request, reply) => {
      const { id = randomId(), ...rest } = parseWith(createAccountBody, request.body);
      if (state.accounts.has(id)) {
        throw new ControlError('already_exists', `account ${id} already exists`);
      }

      return reply.code(201).send(state.putAccount({ id, ...rest }));
    });

    app.patch('/accounts/:accountId', (request) => {
      const patch = parseWith(updateAccountBody, request.body);
      const { id } = accountOr404(request.params);
      return state.updateAccount(id, definedOnly(patch));
    });

    app.get('/accounts/:accountId', (request) => {
      const account = accountOr404(request.params);
      const apps = state.appsOf(account.id).map(publicApp);
      return { ...account, apps, users: state.usersOf(account.id) };
    });

    app.post('/accounts/:accountId/apps', (request, reply) => {
      const input = parseWith(createAppBody, request.body);
      const { id: accountId } = accountOr404(request.params);
      return reply.code(201).send(state.putApp(newApp(accountId, input)));
    });

    app.post('/accounts/:accountId/users', (request, reply) => {
      const input = parseWith(createUserBody, request.body);
      const { id: accountId } = accountOr404(request.params);
      return reply.code(201).send(state.putUser(newUser(accountId, input)));
    });
  };
}

/** Drops keys whose value is undefined so a patch never blanks a field it did not name. */
function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(patch).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}
