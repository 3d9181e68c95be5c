import { z } from 'zod';
import { notFound, parseWith } from '../../errors.js';
import type { Account } from '../../model.js';
import type { EmulatorState } from '../../state.js';

const accountParams = z.object({ accountId: z.string().min(1) });

/** The account a route's `:accountId` names, or a 404 control error. */
export function accountOr404(state: EmulatorState, params: unknown): Account {
  const { accountId } = parseWith(accountParams, params);
  const account = state.accounts.get(accountId);
  if (!account) throw notFound('account', accountId);

  return account;
}

/** Drops keys whose value is undefined so a patch never blanks a field it did not name. */
export function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(patch).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}
