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
  /** Removes the host unless a session maps it; one statement, so no assignment can slip in. */
  removeHost(eventId: string, hostId: string): Promise<HostRemoval>;
  createSession(eventId: string, title: string): Promise<SessionRef>;
  /** Maps the session to a licensed host; false when that host is gone or not licensed. */
  assignSessionHost(eventId: string, sessionId: string, hostId: string | null): Promise<boolean>;
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

export type GreenroomStore = IntegrationStore & HostStore & ZoomScanStore;
