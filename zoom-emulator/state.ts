import type {
  AccessToken,
  Account,
  App,
  HostWrites,
  Meeting,
  MeetingKind,
  Snapshot,
  User,
} from './model.js';

/**
 * Expired tokens are kept a while so the API can still say "expired" rather than "invalid";
 * past this age they are dropped to keep memory flat during long time-skipping runs.
 */
const EXPIRED_TOKEN_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * The fake Zoom's database: accounts, apps, users, access tokens, meetings and webinars, and each
 * host's daily count of creates and updates, all in memory.
 */
export class EmulatorState {
  readonly accounts = new Map<string, Account>();
  readonly apps = new Map<string, App>();
  private readonly users = new Map<string, User>();
  /** Each account's users in creation order, so listings page stably without sorting. */
  private readonly usersByAccount = new Map<string, Map<string, User>>();
  private readonly tokens = new Map<string, AccessToken>();
  private readonly tokensByClient = new Map<string, Set<string>>();
  /** Meetings and webinars by id written as a string, the way a URL names them. */
  private readonly meetings = new Map<string, Meeting>();
  /** Each host's meetings and webinars in creation order, so listings page stably. */
  private readonly meetingsByHost = new Map<string, Map<string, Meeting>>();
  /** Only the latest day is kept per host: an older day's count can never matter again. */
  private readonly hostWrites = new Map<string, HostWrites>();
  /** Called after every change so persistence can schedule a save. */
  onChange: () => void = () => undefined;

  putAccount(account: Account): Account {
    this.accounts.set(account.id, account);
    this.onChange();
    return account;
  }

  putApp(app: App): App {
    this.apps.set(app.clientId, app);
    this.onChange();
    return app;
  }

  putUser(user: User): User {
    this.indexUser(user);
    this.onChange();
    return user;
  }

  /** Adds many users with one change notification, so bulk seeding stays fast. */
  putUsers(users: readonly User[]): void {
    for (const user of users) this.indexUser(user);
    this.onChange();
  }

  findUser(id: string): User | undefined {
    return this.users.get(id);
  }

  /** Emails are compared without case, as Zoom does. */
  findUserByEmail(accountId: string, email: string): User | undefined {
    const wanted = email.toLowerCase();
    for (const user of this.usersByAccount.get(accountId)?.values() ?? []) {
      if (user.email.toLowerCase() === wanted) return user;
    }
    return undefined;
  }

  /** Zoom deletes a deleted user's meetings and webinars with it unless they are transferred. */
  deleteUser(id: string): boolean {
    const user = this.users.get(id);
    if (!user) return false;

    this.users.delete(id);
    this.usersByAccount.get(user.accountId)?.delete(id);
    for (const meetingId of this.meetingsByHost.get(id)?.keys() ?? []) {
      this.meetings.delete(meetingId);
    }
    this.meetingsByHost.delete(id);
    this.hostWrites.delete(id);
    this.onChange();
    return true;
  }

  /** Applies a change to an existing account; undefined when there is no such account. */
  updateAccount(id: string, patch: Partial<Omit<Account, 'id'>>): Account | undefined {
    const account = this.accounts.get(id);
    if (!account) return undefined;

    return this.putAccount({ ...account, ...patch });
  }

  deleteApp(clientId: string): boolean {
    const existed = this.apps.delete(clientId);
    this.revokeTokens(clientId);
    this.onChange();
    return existed;
  }

  appsOf(accountId: string): App[] {
    return [...this.apps.values()].filter((app) => app.accountId === accountId);
  }

  usersOf(accountId: string): User[] {
    return [...(this.usersByAccount.get(accountId)?.values() ?? [])];
  }

  putMeeting(meeting: Meeting): Meeting {
    this.indexMeeting(meeting);
    this.onChange();
    return meeting;
  }

  findMeeting(id: string): Meeting | undefined {
    return this.meetings.get(id);
  }

  deleteMeeting(id: string): boolean {
    const meeting = this.meetings.get(id);
    if (!meeting) return false;

    this.meetings.delete(id);
    this.meetingsByHost.get(meeting.hostId)?.delete(id);
    this.onChange();
    return true;
  }

  /** The host's meetings or webinars, in creation order. */
  meetingsOf(hostId: string, kind: MeetingKind): Meeting[] {
    const ofHost = [...(this.meetingsByHost.get(hostId)?.values() ?? [])];
    return ofHost.filter((meeting) => meeting.kind === kind);
  }

  /** Every meeting and webinar hosted in the account, in creation order. */
  meetingsOfAccount(accountId: string): Meeting[] {
    return [...this.meetings.values()].filter((meeting) => meeting.accountId === accountId);
  }

  /** How many creates and updates the host made on day (`yyyy-MM-dd`, UTC). */
  writesOn(hostId: string, day: string): number {
    const writes = this.hostWrites.get(hostId);
    return writes?.day === day ? writes.count : 0;
  }

  countWrite(hostId: string, day: string): void {
    this.hostWrites.set(hostId, { hostId, day, count: this.writesOn(hostId, day) + 1 });
    this.onChange();
  }

  addToken(token: AccessToken): void {
    this.pruneExpired(token.clientId, token.issuedAtMs - EXPIRED_TOKEN_RETENTION_MS);
    this.tokens.set(token.value, token);
    const values = this.tokensByClient.get(token.clientId) ?? new Set<string>();
    values.add(token.value);
    this.tokensByClient.set(token.clientId, values);
    this.onChange();
  }

  findToken(value: string): AccessToken | undefined {
    return this.tokens.get(value);
  }

  /** Forgets every token of the app, so the API treats them as invalid; returns how many. */
  revokeTokens(clientId: string): number {
    const values = this.tokensByClient.get(clientId);
    if (!values) return 0;

    for (const value of values) this.tokens.delete(value);
    this.tokensByClient.delete(clientId);
    this.onChange();
    return values.size;
  }

  /** Replacing a user keeps its place in its account's order, since Map.set keeps key order. */
  private indexUser(user: User): void {
    this.users.set(user.id, user);
    const ofAccount = this.usersByAccount.get(user.accountId) ?? new Map<string, User>();
    ofAccount.set(user.id, user);
    this.usersByAccount.set(user.accountId, ofAccount);
  }

  /** Replacing a meeting keeps its place in its host's order, as indexUser does for users. */
  private indexMeeting(meeting: Meeting): void {
    const key = String(meeting.id);
    this.meetings.set(key, meeting);
    const ofHost = this.meetingsByHost.get(meeting.hostId) ?? new Map<string, Meeting>();
    ofHost.set(key, meeting);
    this.meetingsByHost.set(meeting.hostId, ofHost);
  }

  private pruneExpired(clientId: string, expiredBeforeMs: number): void {
    const values = this.tokensByClient.get(clientId);
    for (const value of values ?? []) {
      const token = this.tokens.get(value);
      if (token && token.expiresAtMs >= expiredBeforeMs) continue;
      this.tokens.delete(value);
      values?.delete(value);
    }
  }

  /** Everything worth keeping across restarts; tokens already expired at nowMs are left out. */
  snapshot(nowMs: number): Snapshot {
    return {
      version: 1,
      accounts: [...this.accounts.values()],
      apps: [...this.apps.values()],
      users: [...this.users.values()],
      tokens: [...this.tokens.values()].filter((token) => token.expiresAtMs > nowMs),
      meetings: [...this.meetings.values()],
      hostWrites: [...this.hostWrites.values()],
    };
  }

  restore(snapshot: Snapshot): void {
    this.clear();
    for (const account of snapshot.accounts) this.accounts.set(account.id, account);
    for (const app of snapshot.apps) this.apps.set(app.clientId, app);
    for (const user of snapshot.users) this.indexUser(user);
    for (const token of snapshot.tokens) this.addToken(token);
    for (const meeting of snapshot.meetings) this.indexMeeting(meeting);
    for (const writes of snapshot.hostWrites) this.hostWrites.set(writes.hostId, writes);
  }

  clear(): void {
    this.accounts.clear();
    this.apps.clear();
    this.users.clear();
    this.usersByAccount.clear();
    this.tokens.clear();
    this.tokensByClient.clear();
    this.meetings.clear();
    this.meetingsByHost.clear();
    this.hostWrites.clear();
    this.onChange();
  }
}
