/** Credentials as the organiser saved them; the secret is decrypted only inside the store. */
export interface StoredCredentials {
  id: string;
  eventId: string;
  accountId: string;
  clientId: string;
  clientSecret: string;
  createdAtMs: number;
}

export interface CredentialsInput {
  eventId: string;
  accountId: string;
  clientId: string;
  clientSecret: string;
}

export interface TokenInput {
  eventId: string;
  credentialsId: string;
  accessToken: string;
  mintedAtMs: number;
  expiresAtMs: number;
  scopes: string[];
}

/** The event's current token; `accessToken` is decrypted, `preview` is safe to show. */
export interface StoredToken {
  eventId: string;
  credentialsId: string;
  accessToken: string;
  preview: string;
  fingerprint: string;
  mintedAtMs: number;
  expiresAtMs: number;
}

/** What an organiser may see of a connection: identifiers, never the secret. */
export interface ConnectionSummary {
  eventId: string;
  credentialsId: string;
  accountId: string;
  clientId: string;
  tokenPreview: string | null;
  tokenExpiresAtMs: number | null;
}

/** The repository behind Greenroom; SQLite by default, PostgreSQL when a URL is configured. */
export interface IntegrationStore {
  /** Keeps credentials aside until Zoom has minted a token with them. */
  saveCandidateCredentials(input: CredentialsInput): Promise<string>;
  readCredentials(credentialsId: string): Promise<StoredCredentials | null>;
  /** Stores a token and makes its credentials the event's active ones, in one transaction. */
  commitToken(token: TokenInput): Promise<{ fingerprint: string }>;
  discardCredentials(credentialsId: string): Promise<void>;
  readActiveToken(eventId: string): Promise<StoredToken | null>;
  readConnection(eventId: string): Promise<ConnectionSummary | null>;
  /** When the soonest token still valid after `afterMs` expires, across events; null if none. */
  soonestTokenExpiryMs(afterMs: number): Promise<number | null>;
  /** Seals again, with the current key, every secret sealed with an older one; answers how many. */
  resealSecrets(): Promise<number>;
  /** Erases every credential and token of the event. */
  eraseEvent(eventId: string): Promise<void>;
  close(): Promise<void>;
}

export interface Person {
  id: string;
  eventId: string;
  firstName: string;
  lastName: string;
  email: string;
  createdAtMs: number;
}

export interface PersonInput {
  eventId: string;
  firstName: string;
  lastName: string;
  email: string;
}

/** Zoom's view of a host: licensed and active, or what happened to it since. */
export type ZoomHostState = 'licensed' | 'unlicensed' | 'deactivated' | 'deleted';

export interface ZoomHost {
  eventId: string;
  /** Zoom's user id: the host's key. */
  hostId: string;
  personId: string;
  email: string;
  firstName: string;
  lastName: string;
  zoomState: ZoomHostState;
  expectedAttendees: number;
  capacity: number;
  webinarCapacity: number;
  createdAtMs: number;
  updatedAtMs: number;
}

/** What an add-host child commits once Zoom confirmed the user, its licence and capacity. */
export interface HostInput {
  eventId: string;
  hostId: string;
  /** Zoom's canonical email, used to match a person of the event. */
  email: string;
  firstName: string;
  lastName: string;
  expectedAttendees: number;
  capacity: number;
  webinarCapacity: number;
  /** Names to create the person with when no person of the event has this email. */
  personNames: { firstName: string; lastName: string };
}

export interface SessionRef {
  id: string;
  title: string;
}

export type HostRemoval =
  | { removed: true }
  | { removed: false; reason: 'not_found' }
  | { removed: false; reason: 'mapped'; sessions: SessionRef[] };

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** People, Zoom hosts and the sessions that map them. */
export interface HostStore {
  createPerson(input: PersonInput): Promise<Person | 'duplicate'>;
  listPeople(eventId: string): Promise<Person[]>;
  readPerson(eventId: string, personId: string): Promise<Person | null>;
  /** Adds the host, matching or creating its person, in one transaction; repeats are no-ops. */
  commitHost(input: HostInput): Promise<{ host: ZoomHost; created: boolean }>;
  readHost(eventId: string, hostId: string): Promise<ZoomHost | null>;
  listHosts(eventId: string, limit: number, cursor: string | null): Promise<Page<ZoomHost>>;
  /** Records capacities read from Zoom for a host that had none (an imported one). */
  recordHostCapacities(
    eventId: string,
    hostId: string,
    capacities: { capacity: number; webinarCapacity: number },
  ): Promise<void>;
  /** Removes the host unless a session maps it; one statement, so no assignment can slip in. */
  removeHost(eventId: string, hostId: string): Promise<HostRemoval>;
}

/** A Zoom user as an import or sync saw it; `present: false` means Zoom no longer knows it. */
export interface StagedZoomUser {
  id: string;
  present: boolean;
  email: string;
  firstName: string;
  lastName: string;
  type: number;
  status: string;
}

export interface ImportReport {
  added: number;
  updated: number;
  unchanged: number;
  skipped: { unlicensed: number; inactive: number };
}

export interface SyncReport {
  checked: number;
  updated: number;
  changed: { hostId: string; zoomState: ZoomHostState; sessions: SessionRef[] }[];
}

/** Staged scans and shared pacing of Zoom calls. */
export interface ZoomScanStore {
  stageZoomUsers(batchId: string, users: StagedZoomUser[]): Promise<void>;
  clearStaged(batchId: string): Promise<void>;
  /** Adds or updates hosts from the staged users in one transaction, then drops the batch. */
  commitImport(eventId: string, batchId: string): Promise<ImportReport>;
  /** Applies the staged state of each host in one transaction, then drops the batch. */
  commitSync(eventId: string, batchId: string): Promise<SyncReport>;
  /** Reserves the account's next call slot; answers how long to wait until it comes. */
  reserveZoomCall(accountId: string, category: string, perSecond: number): Promise<number>;
}

export type ZoomSessionKind = 'meeting' | 'webinar';

/** How a session streams: not at all, or through Zoom under one of the event's hosts. */
export type StreamSetting =
  | { source: 'off' }
  /** `hostId` is null while the event has no hosts; the organiser is told to add some. */
  | { source: 'zoom'; kind: ZoomSessionKind; hostId: string | null };

/** What an organiser plans for a session. */
export interface SessionPlan {
  title: string;
  /** Wall-clock time in `timeZone`, such as `2027-03-01T09:30`. */
  startLocal: string;
  timeZone: string;
  /** The instant `startLocal` names in `timeZone`; Zoom is sent this, in UTC. */
  startUtcMs: number;
  durationMinutes: number;
  expectedAttendees: number;
}

/** The meeting or webinar on Zoom behind a session; ids are strings (Zoom's are 64-bit). */
export interface ZoomMeetingRef {
  kind: ZoomSessionKind;
  meetingId: string;
  hostId: string;
  joinUrl: string;
}

export interface Session extends SessionPlan {
  id: string;
  eventId: string;
  stream: StreamSetting;
  zoom: ZoomMeetingRef | null;
  revision: number;
  createdAtMs: number;
  updatedAtMs: number;
}

/** A save that needs no Zoom call: a plan change with streaming off or without a host. */
export interface LocalSessionSave {
  eventId: string;
  sessionId: string;
  plan: SessionPlan;
  stream: StreamSetting;
  /** The revision the caller read, or null to create the session. */
  expectedRevision: number | null;
}

export type LocalSaveResult =
  | { kind: 'saved'; session: Session; meetingReleased: boolean }
  | { kind: 'not_found' }
  | { kind: 'conflict'; session: Session }
  | { kind: 'has_meeting' };

/** What a session sync commits once Zoom holds the meeting or webinar. */
export interface ZoomSessionCommit {
  eventId: string;
  sessionId: string;
  plan: SessionPlan;
  kind: ZoomSessionKind;
  hostId: string;
  meetingId: string;
  /** The revision the sync started from, or null when it creates the session. */
  expectedRevision: number | null;
}

export type ZoomCommitResult =
  | { kind: 'committed'; session: Session; replacedMeeting: boolean }
  /** The session changed or the host went while Zoom was called; the new meeting is released. */
  | { kind: 'lost_race'; reason: 'session_changed' | 'host_unusable' };

export interface PendingMeetingDeletion {
  kind: ZoomSessionKind;
  meetingId: string;
  sessionId: string;
  attempts: number;
}

/** The sessions of an event and the Zoom meetings behind them. */
export interface SessionStore {
  readSession(eventId: string, sessionId: string): Promise<Session | null>;
  listSessions(eventId: string, limit: number, cursor: string | null): Promise<Page<Session>>;
  /**
   * Saves a session without calling Zoom: its plan, with streaming off or waiting for a host.
   * A meeting it had is released for deletion in the same transaction; a session whose meeting
   * stays (still streaming through Zoom) must be saved through a sync instead: has_meeting.
   */
  saveSessionLocally(save: LocalSessionSave): Promise<LocalSaveResult>;
  /** Deletes the session and releases its meeting for deletion on Zoom, in one transaction. */
  deleteSession(eventId: string, sessionId: string): Promise<{ meetingReleased: boolean } | null>;
  /** Records a create about to be sent; answers an earlier record for the same session. */
  beginMeetingWrite(
    eventId: string,
    sessionId: string,
    kind: ZoomSessionKind,
    hostId: string,
  ): Promise<{ resumed: boolean }>;
  /**
   * Keeps what Zoom answered to a create, out of workflow history. When the create was given up
   * meanwhile (the session deleted), the meeting is released for deletion instead: false.
   */
  recordMeetingCreated(
    eventId: string,
    sessionId: string,
    meeting: { kind: ZoomSessionKind; meetingId: string; joinUrl: string },
  ): Promise<boolean>;
  /** Commits the meeting to the session if nothing changed meanwhile; otherwise releases it. */
  commitZoomSession(commit: ZoomSessionCommit): Promise<ZoomCommitResult>;
  /** The create in flight for a session, if any: its kind, host and the meeting, once known. */
  readMeetingWrite(
    eventId: string,
    sessionId: string,
  ): Promise<{ kind: ZoomSessionKind; hostId: string; meetingId: string | null } | null>;
  /** Queues a meeting found on Zoom for deletion, such as one whose create answer was lost. */
  releaseMeeting(
    eventId: string,
    sessionId: string,
    meeting: { kind: ZoomSessionKind; meetingId: string },
  ): Promise<void>;
  /** Gives up a create: the meeting it made, if any, is released for deletion. */
  abandonMeetingWrite(eventId: string, sessionId: string): Promise<void>;
  /** Meeting ids Greenroom already knows for a session: current, releasing or being written. */
  knownMeetingIds(eventId: string, sessionId: string): Promise<string[]>;
  listMeetingDeletions(eventId: string, limit: number): Promise<PendingMeetingDeletion[]>;
  finishMeetingDeletion(eventId: string, kind: ZoomSessionKind, meetingId: string): Promise<void>;
  countMeetingDeletionAttempt(
    eventId: string,
    kind: ZoomSessionKind,
    meetingId: string,
  ): Promise<void>;
  /** Counts one create or update for the host today (UTC); false when the day's budget is spent. */
  reserveHostDailyWrite(
    accountId: string,
    hostId: string,
    utcDay: string,
    limit: number,
  ): Promise<boolean>;
}

export type ApiKeyKind = 'operator' | 'organiser';

/** An API key as it may be shown: never its secret. */
export interface ApiKey {
  id: string;
  kind: ApiKeyKind;
  label: string;
  /** The events an organiser key reaches; empty for an operator key, which reaches all. */
  eventIds: string[];
  createdAtMs: number;
  revokedAtMs: number | null;
}

export interface AuditEntry {
  seq: number;
  atMs: number;
  keyId: string;
  method: string;
  route: string;
  eventId: string | null;
  status: number;
  requestId: string;
  /** The key a change to keys was aimed at (minted or revoked); null for other changes. */
  targetKeyId: string | null;
}

/** API keys, kept hashed, and the audit trail of changes made with them. */
export interface AccessStore {
  /** Makes a key; answers it with its secret, the only time the secret is seen. */
  createApiKey(input: {
    kind: ApiKeyKind;
    label: string;
    eventIds: string[];
  }): Promise<{ key: ApiKey; token: string }>;
  /** The key a presented token belongs to, or null: unknown, wrong secret or revoked. */
  verifyApiKey(token: string): Promise<ApiKey | null>;
  listApiKeys(): Promise<ApiKey[]>;
  revokeApiKey(id: string): Promise<boolean>;
  countOperatorKeys(): Promise<number>;
  recordAudit(entry: Omit<AuditEntry, 'seq'>): Promise<void>;
  /** Audit entries after a sequence number, oldest first; one event's or all. */
  listAudit(query: { afterSeq: number; limit: number; eventId?: string }): Promise<AuditEntry[]>;
}

/** Where an Idempotency-Key applies: one API key's key, on one route of one event. */
export interface IdempotencyScope {
  apiKeyId: string;
  /** Method and route pattern, e.g. `POST /events/:eventId/zoom/hosts`. */
  route: string;
  /** The event the route names; empty for routes that name none. */
  eventId: string;
  idempotencyKey: string;
}

export interface RecordedAnswer {
  status: number;
  body: string;
}

/** What a request carrying an Idempotency-Key finds. */
export type IdempotencyClaim =
  /** Nobody sent this key (in the last 24 hours): this request makes the change. */
  | { state: 'new' }
  /** An earlier request with it got no answer recorded (still running, or its process died). */
  | { state: 'unanswered' }
  | { state: 'answered'; answer: RecordedAnswer }
  /** The key was sent with another request (another body or path): refused. */
  | { state: 'other_request' };

/** Answers kept for 24 hours so that retries of a change apply it once. */
export interface IdempotencyStore {
  claimIdempotencyKey(scope: IdempotencyScope, fingerprint: string): Promise<IdempotencyClaim>;
  /** Keeps the first final answer; a later one (a concurrent duplicate's) changes nothing. */
  recordIdempotentAnswer(scope: IdempotencyScope, answer: RecordedAnswer): Promise<void>;
}

export const NOTIFICATION_TYPES = [
  'integration.status_changed',
  'integration.credentials_saved',
  'integration.disconnected',
  'host.zoom_state_changed',
  'session.zoom_meeting_created',
  'session.zoom_meeting_moved',
  'session.zoom_meeting_deleted',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** A change the platform is told about; the payload never holds a secret. */
export interface Notification {
  /** Feed order and cursor. */
  seq: number;
  /** Public id, stable across deliveries: a webhook's `webhook-id`. */
  id: string;
  type: NotificationType;
  eventId: string;
  atMs: number;
  payload: Record<string, unknown>;
}

export type NewNotification = Omit<Notification, 'seq'>;

/** The append-only feed of changes. */
export interface NotificationStore {
  /** Notifications after a cursor, oldest first; one event's or all. */
  listNotifications(query: {
    afterSeq: number;
    limit: number;
    eventId?: string;
  }): Promise<Notification[]>;
  /** Appends notices the integration workflow decided on; an id seen before is ignored. */
  recordNotifications(notifications: NewNotification[]): Promise<void>;
}

export const WEBHOOK_STATES = ['active', 'failing'] as const;
/** `failing`: a notification could not be delivered for a day; delivery waits for a resume. */
export type WebhookState = (typeof WEBHOOK_STATES)[number];

/** A receiver of the feed, as it may be shown: never its signing secrets. */
export interface WebhookSubscription {
  id: string;
  url: string;
  /** The notification types it receives; empty means every type. */
  eventTypes: NotificationType[];
  state: WebhookState;
  stateChangedAtMs: number;
  /** Why delivery stopped, when failing; never a secret or the receiver's URL. */
  failureReason: string | null;
  /** The last notification delivered (its `seq`). */
  cursorSeq: number;
  /** Until when the secret replaced by the last rotation still signs; null when none does. */
  previousSecretExpiresAtMs: number | null;
  createdAtMs: number;
}

/** Webhook subscriptions, their sealed signing secrets and their delivery cursors. */
export interface WebhookStore {
  /**
   * Makes a subscription that receives the notifications recorded from now on; answers it with
   * its signing secret, the only time the secret is seen.
   */
  createWebhook(input: {
    url: string;
    eventTypes: NotificationType[];
  }): Promise<{ subscription: WebhookSubscription; secret: string }>;
  readWebhook(id: string): Promise<WebhookSubscription | null>;
  /** Every subscription with how many notifications wait for it. */
  listWebhooks(): Promise<(WebhookSubscription & { pending: number })[]>;
  deleteWebhook(id: string): Promise<boolean>;
  /** A new secret signs from now on; the replaced one still signs for 24 hours. Null: no such. */
  rotateWebhookSecret(
    id: string,
  ): Promise<{ subscription: WebhookSubscription; secret: string } | null>;
  /** The secrets that sign now: the current one first, then the replaced one while it lasts. */
  readWebhookSecrets(id: string): Promise<string[]>;
  /** Notifications of the subscription's types after its cursor, oldest first. */
  listPendingWebhookNotifications(id: string, limit: number): Promise<Notification[]>;
  /** Moves the cursor forward to a delivered notification; never backwards. */
  advanceWebhookCursor(id: string, seq: number): Promise<void>;
  /** Records a state change; answers false when the subscription is gone. */
  setWebhookState(id: string, state: WebhookState, reason: string | null): Promise<boolean>;
}

export type GreenroomStore = IntegrationStore &
  HostStore &
  ZoomScanStore &
  SessionStore &
  AccessStore &
  IdempotencyStore &
  NotificationStore &
  WebhookStore;
