import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from '../../context.js';
import { ControlError, notFound, parseWith } from '../../errors.js';
import { newUser } from '../../factories.js';
import { userSettingsSchema, userStatusSchema, userTypeSchema, type User } from '../../model.js';
import type { EmulatorState } from '../../state.js';
import { accountOr404, definedOnly } from './lookup.js';

const userParams = z.object({ userId: z.string().min(1) });
const settingsInput = z.strictObject(userSettingsSchema.shape).partial();

const createUserBody = z.strictObject({
  email: z.email(),
  firstName: z.string(),
  lastName: z.string(),
  type: userTypeSchema.default(2),
  status: userStatusSchema.default('active'),
  settings: settingsInput.optional(),
});

const updateUserBody = z.strictObject({
  email: z.email().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  type: userTypeSchema.optional(),
  status: userStatusSchema.optional(),
  settings: settingsInput.optional(),
});

const bulkUsersBody = z.strictObject({
  count: z.number().int().min(1).max(100_000),
  emailPrefix: z
    .string()
    .regex(/^[A-Za-z0-9._+-]{1,64}$/)
    .default('user'),
  type: userTypeSchema.default(2),
  status: userStatusSchema.default('active'),
});

type BulkUsersInput = z.infer<typeof bulkUsersBody>;

/** Users of an account: one at a time, in bulk for benchmarks, changed and deleted. */
export function userRoutes(context: EmulatorContext) {
  const { state } = context;
  const userOr404 = (params: unknown): User => {
    const { userId } = parseWith(userParams, params);
    const user = state.findUser(userId);
    if (!user) throw notFound('user', userId);

    return user;
  };

  return function registerUsers(app: FastifyInstance): void {
    app.post('/accounts/:accountId/users', (request, reply) => {
      const input = parseWith(createUserBody, request.body);
      const { id: accountId } = accountOr404(state, request.params);
      requireFreeEmail(state, accountId, input.email);
      return reply.code(201).send(state.putUser(newUser(accountId, input)));
    });

    app.post('/accounts/:accountId/users/bulk', (request, reply) => {
      const input = parseWith(bulkUsersBody, request.body);
      const { id: accountId } = accountOr404(state, request.params);
      const users = bulkUsers(state, accountId, input);
      state.putUsers(users);
      const totalUsers = state.usersOf(accountId).length;
      return reply.code(201).send({ created: users.length, totalUsers });
    });

    // Settings keep their values when the type changes: only creation applies licence defaults.
    app.patch('/users/:userId', (request) => {
      const { settings, ...patch } = parseWith(updateUserBody, request.body);
      const user = userOr404(request.params);
      if (patch.email) requireFreeEmail(state, user.accountId, patch.email, user.id);
      const merged = { ...user.settings, ...definedOnly(settings ?? {}) };
      return state.putUser({ ...user, ...definedOnly(patch), settings: merged });
    });

    app.delete('/users/:userId', (request, reply) => {
      state.deleteUser(userOr404(request.params).id);
      return reply.code(204).send();
    });
  };
}

/** Zoom refuses a second user with the same email, whatever its case. */
function requireFreeEmail(state: EmulatorState, accountId: string, email: string, ownId?: string) {
  const holder = state.findUserByEmail(accountId, email);
  if (holder && holder.id !== ownId) {
    throw new ControlError('already_exists', `a user with email ${email} already exists`);
  }
}

/**
 * Numbers continue after the account's current user count, and taken emails are skipped, so
 * repeated bulk calls keep adding users instead of failing on a clash.
 */
function bulkUsers(state: EmulatorState, accountId: string, input: BulkUsersInput): User[] {
  const existing = state.usersOf(accountId);
  const taken = new Set(existing.map((user) => user.email.toLowerCase()));
  const { count, emailPrefix, type, status } = input;
  const users: User[] = [];
  for (let n = existing.length + 1; users.length < count; n += 1) {
    const email = `${emailPrefix}${n}@${accountId}.example.com`;
    if (taken.has(email.toLowerCase())) continue;
    users.push(newUser(accountId, { email, firstName: 'User', lastName: String(n), type, status }));
  }

  return users;
}
