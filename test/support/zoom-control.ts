/** A typed client of the Zoom emulator's control API, for tests and benchmarks. */
export class ZoomControl {
  constructor(readonly baseUrl: string) {}

  async createAccount(body: { id?: string; s2sEnabled?: boolean } = {}): Promise<{ id: string }> {
    return this.call('POST', '/_control/accounts', body);
  }

  async createApp(
    accountId: string,
    body: { type?: 's2s' | 'oauth'; scopes?: string[]; activated?: boolean } = {},
  ): Promise<ZoomApp> {
    return this.call('POST', `/_control/accounts/${accountId}/apps`, body);
  }

  /** A fresh account with one activated S2S app holding every scope. */
  async createConnectableApp(): Promise<ZoomApp> {
    const account = await this.createAccount();
    return this.createApp(account.id);
  }

  async createUser(accountId: string, user: ZoomUserInput): Promise<{ id: string; email: string }> {
    return this.call('POST', `/_control/accounts/${accountId}/users`, user);
  }

  async updateUser(userId: string, change: Partial<ZoomUserInput>): Promise<void> {
    await this.call('PATCH', `/_control/users/${userId}`, change);
  }

  async bulkUsers(accountId: string, body: { count: number; type?: 1 | 2 | 4 | 99 }) {
    return this.call<{ created: number }>(
      'POST',
      `/_control/accounts/${accountId}/users/bulk`,
      body,
    );
  }

  async deleteUser(userId: string): Promise<void> {
    await this.call('DELETE', `/_control/users/${userId}`);
  }

  async expirePageTokens(): Promise<void> {
    await this.call('POST', '/_control/page-tokens/expire');
  }

  async deactivate(clientId: string): Promise<void> {
    await this.call('POST', `/_control/apps/${clientId}/deactivate`);
  }

  async activate(clientId: string): Promise<void> {
    await this.call('POST', `/_control/apps/${clientId}/activate`);
  }

  async regenerateSecret(clientId: string): Promise<string> {
    const answer = await this.call<{ clientSecret: string }>(
      'POST',
      `/_control/apps/${clientId}/regenerate-secret`,
    );
    return answer.clientSecret;
  }

  async setScopes(clientId: string, scopes: string[]): Promise<void> {
    await this.call('PUT', `/_control/apps/${clientId}/scopes`, { scopes });
  }

  async injectFault(fault: Record<string, unknown>): Promise<void> {
    await this.call('POST', '/_control/faults', fault);
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/_control/faults');
  }

  async setClock(nowMs: number): Promise<void> {
    await this.call('PUT', '/_control/clock', { nowMs });
  }

  async settings(body: Record<string, unknown>): Promise<void> {
    await this.call('PUT', '/_control/settings', body);
  }

  async advanceClock(ms: number): Promise<void> {
    await this.call('POST', '/_control/clock/advance', { ms });
  }

  /** Every live meeting and webinar of the account, and each host's creates and updates today. */
  async meetings(accountId: string): Promise<AccountMeetings> {
    return this.call('GET', `/_control/accounts/${accountId}/meetings`);
  }

  async now(): Promise<number> {
    return (await this.call<{ nowMs: number }>('GET', '/_control/clock')).nowMs;
  }

  async stats(): Promise<EmulatorStats> {
    return this.call('GET', '/_control/stats');
  }

  async tokens(clientId: string): Promise<IssuedToken[]> {
    return this.call('GET', `/_control/apps/${clientId}/tokens`);
  }

  async coverage(untilMs?: number): Promise<Coverage> {
    const query = untilMs === undefined ? '' : `?untilMs=${untilMs}`;
    return this.call('GET', `/_control/coverage${query}`);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok)
      throw new Error(`emulator ${method} ${path} answered ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

export interface ZoomApp {
  accountId: string;
  clientId: string;
  clientSecret: string;
}

export interface IssuedToken {
  issuedAtMs: number;
  expiresAtMs: number;
  revoked: boolean;
}

export interface Coverage {
  apps: {
    clientId: string;
    tokens: number;
    expiredMs: number;
    gaps: { fromMs: number; toMs: number }[];
  }[];
  totalExpiredMs: number;
  totalTokens: number;
}

export interface EmulatorStats {
  tokenRequests: number;
  tokensIssued: number;
  tokenRefusals: number;
  apiCalls: number;
  faultsInjected: number;
  apiCallsByEndpoint: Record<string, number>;
  apiRateLimited: number;
}

export interface ZoomUserInput {
  email: string;
  firstName: string;
  lastName: string;
  type?: 1 | 2 | 4 | 99;
  status?: 'active' | 'inactive' | 'pending';
  settings?: Partial<{
    meetingCapacity: number;
    largeMeeting: boolean;
    largeMeetingCapacity: number;
    webinar: boolean;
    webinarCapacity: number;
  }>;
}

/** What the emulator holds of an account's meetings and webinars, ids as strings. */
export interface AccountMeetings {
  /** The emulator clock's UTC day, `yyyy-MM-dd`, that writesToday counts. */
  day: string;
  dailyLimit: number;
  meetings: {
    kind: 'meeting' | 'webinar';
    id: string;
    uuid: string;
    host_id: string;
    topic: string;
    type: number;
    start_time: string;
    duration: number;
    timezone: string;
    agenda: string;
    created_at: string;
    join_url: string;
  }[];
  /** Creates and updates per host user id; hosts with none today are left out. */
  writesToday: Record<string, number>;
}
