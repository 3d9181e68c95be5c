import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from '../../context.js';
import { ControlError, parseWith } from '../../errors.js';
import { ALL_SCOPES, newApp } from '../../factories.js';
import { randomId } from '../../ids.js';
import { appTypeSchema, planSchema, publicApp } from '../../model.js';
import { accountOr404, definedOnly } from './lookup.js';

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

/** Accounts and their apps; users have their own routes. */
export function accountRoutes(context: EmulatorContext) {
  const { state } = context;

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
      const { id } = accountOr404(state, request.params);
      return state.updateAccount(id, definedOnly(patch));
    });

    app.get('/accounts/:accountId', (request) => {
      const account = accountOr404(state, request.params);
      const apps = state.appsOf(account.id).map(publicApp);
      return { ...account, apps, users: state.usersOf(account.id) };
    });

    app.post('/accounts/:accountId/apps', (request, reply) => {
      const input = parseWith(createAppBody, request.body);
      const { id: accountId } = accountOr404(state, request.params);
      return reply.code(201).send(state.putApp(newApp(accountId, input)));
    });
  };
}
