import { readFile } from 'node:fs/promises';
import { ALL_SCOPES, newApp, newUser } from './factories.js';
import type { App } from './model.js';
import { writeFileAtomic } from './persistence.js';
import type { EmulatorState } from './state.js';

export const DEMO_ACCOUNT_ID = 'demo-account';

export interface DemoCredentials {
  accountId: string;
  clientId: string;
  clientSecret: string;
}

/** 'created': new demo records; 'written': file restored from state; 'unchanged': nothing done. */
export type DemoOutcome = 'created' | 'written' | 'unchanged';

/**
 * Makes sure a ready-to-use demo account exists and that the credentials file at path matches
 * it, so a fresh checkout can connect Greenroom to the emulator with no manual step.
 */
export async function ensureDemoCredentials(
  state: EmulatorState,
  path: string,
): Promise<{ outcome: DemoOutcome; credentials: DemoCredentials }> {
  const existing = demoApp(state);
  const app = existing ?? seedDemo(state);
  const credentials = {
    accountId: app.accountId,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
  };
  const text = `${JSON.stringify(credentials, null, 2)}\n`;
  // A stale file (secret regenerated, state file replaced) is as useless as a missing one.
  const current = await readFile(path, 'utf8').catch(() => undefined);
  if (current === text && existing) return { outcome: 'unchanged', credentials };

  await writeFileAtomic(path, text);
  return { outcome: existing ? 'written' : 'created', credentials };
}

function demoApp(state: EmulatorState): App | undefined {
  if (!state.accounts.has(DEMO_ACCOUNT_ID)) return undefined;

  const apps = state.appsOf(DEMO_ACCOUNT_ID).filter((app) => app.type === 's2s');
  return apps.find((app) => app.activated) ?? apps[0];
}

function seedDemo(state: EmulatorState): App {
  if (!state.accounts.has(DEMO_ACCOUNT_ID)) {
    state.putAccount({ id: DEMO_ACCOUNT_ID, plan: 'pro', s2sEnabled: true });
    for (const [firstName, lastName] of DEMO_USERS) {
      const email = `${firstName.toLowerCase()}@demo-account.example.com`;
      state.putUser(
        newUser(DEMO_ACCOUNT_ID, { email, firstName, lastName, type: 2, status: 'active' }),
      );
    }
  }

  const app = newApp(DEMO_ACCOUNT_ID, { type: 's2s', scopes: [...ALL_SCOPES], activated: true });
  return state.putApp(app);
}

const DEMO_USERS = [
  ['Ada', 'Organiser'],
  ['Grace', 'Host'],
] as const;
