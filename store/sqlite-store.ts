import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { fingerprint, maskSecret, type SecretBox } from '../common/crypto.js';
import { migrateSqlite } from './migrate-sqlite.js';
import { createSqliteAccessStore } from './sqlite-access-store.js';
import { createSqliteIdempotencyStore } from './sqlite-idempotency-store.js';
import { appendNotification, createSqliteNotificationStore } from './sqlite-notification-store.js';
import { createSqliteHostStore } from './sqlite-host-store.js';
import { createSqliteScanStore } from './sqlite-scan-store.js';
import { createSqliteSessionStore, sealClearJoinLinks } from './sqlite-session-store.js';
import { toCredentials, toToken, type ConnectionRow, type CredentialsRow } from './rows.js';
import { createSqliteWebhookStore } from './sqlite-webhook-store.js';
import type {
  ConnectionSummary,
  CredentialsInput,
  GreenroomStore,
  StoredCredentials,
  StoredToken,
  TokenInput,
} from './types.js';

export interface SqliteStoreOptions {
  /** A file path, or ':memory:' for tests. */
  filename: string;
  secretBox: SecretBox;
  now?: () => number;
}

/** The SQLite store: one file, WAL mode so the API and workers can share it across processes. */
export function createSqliteStore(options: SqliteStoreOptions): GreenroomStore {
  const db = new Database(options.filename);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  migrateSqlite(db);
  const box = options.secretBox;
  sealClearJoinLinks(db, box);
  const now = options.now ?? Date.now;

  return {
    ...createSqliteHostStore(db, now),
    ...createSqliteScanStore(db, now),
    ...createSqliteSessionStore(db, box, now),
    ...createSqliteAccessStore(db, now),
    ...createSqliteIdempotencyStore(db, box, now),
    ...createSqliteNotificationStore(db),
    ...createSqliteWebhookStore(db, box, now),
    async saveCandidateCredentials(input) {
      return Promise.resolve(insertCredentials(db, box, input, now()));
    },
    async readCredentials(credentialsId) {
      return Promise.resolve(selectCredentials(db, box, credentialsId));
    },
    async commitToken(token) {
      return Promise.resolve(upsertConnection(db, box, token, now()));
    },
    async discardCredentials(credentialsId) {
      deleteUnusedCredentials(db, credentialsId);
      return Promise.resolve();
    },
    async readActiveToken(eventId) {
      return Promise.resolve(selectToken(db, box, eventId));
    },
    async readConnection(eventId) {
      return Promise.resolve(selectConnection(db, eventId));
    },
    async soonestTokenExpiryMs(afterMs) {
      return Promise.resolve(selectSoonestExpiry(db, afterMs));
    },
    async resealSecrets() {
      return Promise.resolve(resealAll(db, box));
    },
    async eraseEvent(eventId) {
      eraseEventRows(db, eventId, now());
      return Promise.resolve();
    },
    async close() {
      db.close();
      return Promise.resolve();
    },
  };
}

function insertCredentials(
  db: Database.Database,
  box: SecretBox,
  input: CredentialsInput,
  nowMs: number,
): string {
  const id = `cred_${randomUUID()}`;
  db.prepare(
    `INSERT INTO zoom_credentials
       (id, event_id, account_id, client_id, client_secret_sealed, created_at_ms)
     VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(id, input.eventId, input.accountId, input.clientId, box.seal(input.clientSecret), nowMs);

  return id;
}

function selectCredentials(
  db: Database.Database,
  box: SecretBox,
  credentialsId: string,
): StoredCredentials | null {
  const row = db
    .prepare<[string], CredentialsRow>('SELECT * FROM zoom_credentials WHERE id = ?')
    .get(credentialsId);
  if (!row) return null;

  return toCredentials(row, box);
}

function upsertConnection(
  db: Database.Database,
  box: SecretBox,
  token: TokenInput,
  nowMs: number,
): { fingerprint: string } {
  const tokenFingerprint = fingerprint(token.accessToken);
  db.transaction(() => {
    const previous = db
      .prepare<[string], { credentials_id: string }>(
        'SELECT credentials_id FROM zoom_connections WHERE event_id = ?',
      )
      .get(token.eventId);
    db.prepare(
      `INSERT INTO zoom_connections (event_id, credentials_id, access_token_sealed, token_preview,
         token_fingerprint, scopes, minted_at_ms, expires_at_ms)
       VALUES (@eventId, @credentialsId, @sealed, @preview, @fingerprint, @scopes,
               @minted, @expires)
       ON CONFLICT (event_id) DO UPDATE SET credentials_id = excluded.credentials_id,
         access_token_sealed = excluded.access_token_sealed, token_preview = excluded.token_preview,
         token_fingerprint = excluded.token_fingerprint, scopes = excluded.scopes,
         minted_at_ms = excluded.minted_at_ms, expires_at_ms = excluded.expires_at_ms`,
    ).run({
      eventId: token.eventId,
      credentialsId: token.credentialsId,
      sealed: box.seal(token.accessToken),
      preview: maskSecret(token.accessToken),
      fingerprint: tokenFingerprint,
      scopes: token.scopes.join(' '),
      minted: token.mintedAtMs,
      expires: token.expiresAtMs,
    });
    // Replaced credentials are of no further use; keeping them would only keep a secret around.
    if (previous && previous.credentials_id !== token.credentialsId) {
      deleteUnusedCredentials(db, previous.credentials_id);
    }
    if (previous?.credentials_id !== token.credentialsId) noteCredentialsSaved(db, token, nowMs);
  })();

  return { fingerprint: tokenFingerprint };
}

/** The first token minted with new credentials is what proves them: they are saved now. */
function noteCredentialsSaved(db: Database.Database, token: TokenInput, nowMs: number): void {
  const saved = db
    .prepare<[string], { account_id: string; client_id: string }>(
      'SELECT account_id, client_id FROM zoom_credentials WHERE id = ?',
    )
    .get(token.credentialsId);
  appendNotification(db, 'integration.credentials_saved', token.eventId, nowMs, {
    accountId: saved?.account_id ?? null,
    clientId: saved?.client_id ?? null,
  });
}

function deleteUnusedCredentials(db: Database.Database, credentialsId: string): void {
  db.prepare(
    `DELETE FROM zoom_credentials WHERE id = ?
       AND NOT EXISTS (SELECT 1 FROM zoom_connections WHERE credentials_id = ?)`,
  ).run(credentialsId, credentialsId);
}

function selectToken(db: Database.Database, box: SecretBox, eventId: string): StoredToken | null {
  const row = db
    .prepare<[string], ConnectionRow>('SELECT * FROM zoom_connections WHERE event_id = ?')
    .get(eventId);
  if (!row) return null;

  return toToken(row, box);
}

function selectSoonestExpiry(db: Database.Database, afterMs: number): number | null {
  // One row per connected event: a scan stays cheap at the scale one store serves.
  const row = db
    .prepare<[number], { soonest: number | null }>(
      'SELECT MIN(expires_at_ms) AS soonest FROM zoom_connections WHERE expires_at_ms > ?',
    )
    .get(afterMs);

  return row?.soonest ?? null;
}

function selectConnection(db: Database.Database, eventId: string): ConnectionSummary | null {
  const row = db
    .prepare<
      [string],
      { credentials_id: string; account_id: string; client_id: string } & Partial<ConnectionRow>
    >(
      `SELECT c.credentials_id, k.account_id, k.client_id, c.token_preview, c.expires_at_ms
         FROM zoom_connections c JOIN zoom_credentials k ON k.id = c.credentials_id
        WHERE c.event_id = ?`,
    )
    .get(eventId);
  if (!row) return null;

  return {
    eventId,
    credentialsId: row.credentials_id,
    accountId: row.account_id,
    clientId: row.client_id,
    tokenPreview: row.token_preview ?? null,
    tokenExpiresAtMs: row.expires_at_ms ?? null,
  };
}

/** Every sealed column: table, the column identifying a row, and the sealed column. */
const SEALED_COLUMNS = [
  ['zoom_credentials', 'id', 'client_secret_sealed'],
  ['zoom_connections', 'event_id', 'access_token_sealed'],
  ['idempotency_keys', 'rowid', 'answer_sealed'],
  ['sessions', 'rowid', 'zoom_join_url'],
  ['zoom_meeting_writes', 'rowid', 'join_url'],
  ['webhook_subscriptions', 'id', 'secret_sealed'],
  ['webhook_subscriptions', 'id', 'previous_secret_sealed'],
] as const;

/** One transaction: a crash half-way leaves every value readable by the ring as it was. */
function resealAll(db: Database.Database, box: SecretBox): number {
  const older = (sealed: string | null) => (sealed ? box.sealedWithOlderKey?.(sealed) : false);
  return db
    .transaction(() => {
      let resealed = 0;
      for (const [table, idColumn, sealedColumn] of SEALED_COLUMNS) {
        const rows = db
          .prepare<[], { id: string | number; sealed: string | null }>(
            `SELECT ${idColumn} AS id, ${sealedColumn} AS sealed FROM ${table}`,
          )
          .all();
        const update = db.prepare(`UPDATE ${table} SET ${sealedColumn} = ? WHERE ${idColumn} = ?`);
        for (const row of rows) {
          if (!row.sealed || !older(row.sealed)) continue;
          update.run(box.seal(box.open(row.sealed)), row.id);
          resealed += 1;
        }
      }
      return resealed;
    })
    .immediate();
}

function eraseEventRows(db: Database.Database, eventId: string, nowMs: number): void {
  db.transaction(() => {
    const connected = db
      .prepare<[string], { n: number }>(
        'SELECT COUNT(*) AS n FROM zoom_credentials WHERE event_id = ?',
      )
      .get(eventId);
    if (connected?.n) appendNotification(db, 'integration.disconnected', eventId, nowMs, {});
    db.prepare('DELETE FROM zoom_connections WHERE event_id = ?').run(eventId);
    db.prepare('DELETE FROM zoom_credentials WHERE event_id = ?').run(eventId);
  })();
}
