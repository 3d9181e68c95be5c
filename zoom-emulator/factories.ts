import { REQUIRED_SCOPES } from '../activities/zoom/scopes.js';
import { randomId } from './ids.js';
import { defaultUserSettings, type App, type User, type UserSettings } from './model.js';

/** The granular scope of every requirement: what a freshly made, well-configured app holds. */
export const ALL_SCOPES: readonly string[] = REQUIRED_SCOPES.map((options) => options[0] ?? '');

/** A new app with fresh random credentials, as Zoom's Marketplace makes them. */
export function newApp(accountId: string, input: Pick<App, 'type' | 'scopes' | 'activated'>): App {
  return { clientId: randomId(), clientSecret: randomId(24), accountId, ...input };
}

export type NewUserInput = Omit<User, 'id' | 'accountId' | 'settings'> & {
  settings?: Partial<UserSettings>;
};

/** A new user; settings it does not name take the defaults of its licence type. */
export function newUser(accountId: string, input: NewUserInput): User {
  const { settings, ...rest } = input;
  return {
    id: randomId(),
    accountId,
    ...rest,
    settings: { ...defaultUserSettings(input.type), ...settings },
  };
}
