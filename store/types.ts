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
