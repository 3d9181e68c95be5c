import { randomUUID } from 'node:crypto';
import { fingerprint, maskSecret, type SecretBox } from '../common/crypto.js';
import { migratePostgres } from './migrate-postgres.js';
import { createPostgresAccessStore } from './postgres-access-store.js';
import { connectPostgres, type PostgresDatabase, type Sql } from './postgres-database.js';
import { createPostgresHostStore } from './postgres-host-store.js';
import { createPostgresIdempotencyStore } from './postgres-idempotency-store.js';
import {
  appendPostgresNotification,
  createPostgresNotificationStore,
} from './postgres-notification-store.js';
import { createPostgresScanStore } from './postgres-scan-store.js';
import { createPostgresSessionStore } from './postgres-session-store.js';
import { createPostgresWebhookStore } from './postgres-webhook-store.js';
import { toCredentials, toToken, type ConnectionRow, type CredentialsRow } from './rows.js';
import type {
  ConnectionSummary,
  CredentialsInput,
  GreenroomStore,
  StoredCredentials,
  StoredToken,
  TokenInput,
} from './types.js';

export interface PostgresStoreOptions {
  /** A postgres:// URL; it may hold a password, so it is never logged. */
  url: string;
  secretBox: SecretBox;
  now?: () => number;
  poolSize?: number;
}

/**
 * The PostgreSQL store, for several API and worker processes on several machines. Every write
 * that reads first or spans statements runs SERIALIZABLE and is retried on a serialization
 * failure, which gives the same guarantee SQLite's one-writer-at-a-time transactions give.
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<GreenroomStore> {
  const db = connectPostgres(options.url, options.poolSize);
  try {
    await migratePostgres(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  const box = options.secretBox;
  const now = options.now ?? Date.now;

  return {
    ...createPostgresHostStore(db, now),
    ...createPostgresScanStore(db, now),
    ...createPostgresSessionStore(db, box, now),
    ...createPostgresAccessStore(db, now),
    ...createPostgresIdempotencyStore(db, box, now),
    ...createPostgresNotificationStore(db),
    ...createPostgresWebhookStore(db, box, now),
    saveCandidateCredentials: (input) => insertCredentials(db, box, input, now()),
    readCredentials: (credentialsId) => selectCredentials(db, box, credentialsId),
    commitToken: (token) => db.serializable((sql) => upsertConnection(sql, box, token, now())),
    discardCredentials: (credentialsId) =>
      db.serializable((sql) => deleteUnusedCredentials(sql, credentialsId)),
    readActiveToken: (eventId) => selectToken(db, box, eventId),
    readConnection: (eventId) => selectConnection(db, eventId),
    soonestTokenExpiryMs: async (afterMs) =>
      (
        await db.one<{ soonest: number | null }>(
          'SELECT MIN(expires_at_ms) AS soonest FROM zoom_connections WHERE expires_at_ms > $1',
          [afterMs],
        )
      )?.soonest ?? null,
    resealSecrets: () => db.serializable((sql) => resealAll(sql, box)),
    eraseEvent: (eventId) => db.serializable((sql) => eraseEventRows(sql, eventId, now())),
    close: () => db.close(),
  };
}

async function insertCredentials(
  db: PostgresDatabase,
  box: SecretBox,
  input: CredentialsInput,
  nowMs: number,
): Promise<string> {
  const id = `cred_${randomUUID()}`;
  await db.run(
    `INSERT INTO zoom_credentials
       (id, event_id, account_id, client_id, client_secret_sealed, created_at_ms)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [id, input.eventId, input.accountId, input.clientId, box.seal(input.clientSecret), nowMs],
  );

  return id;
}

async function selectCredentials(
  db: PostgresDatabase,
  box: SecretBox,
  credentialsId: string,
): Promise<StoredCredentials | null> {
  const row = await db.one<CredentialsRow>('SELECT * FROM zoom_credentials WHERE id = $1', [
    credentialsId,
  ]);
  if (!row) return null;

  return toCredentials(row, box);
}

async function upsertConnection(
  sql: Sql,
  box: SecretBox,
  token: TokenInput,
  nowMs: number,
): Promise<{ fingerprint: string }> {
  const tokenFingerprint = fingerprint(token.accessToken);
  const previous = await sql.one<{ credentials_id: string }>(
    'SELECT credentials_id FROM zoom_connections WHERE event_id = $1',
    [token.eventId],
  );
  await sql.run(
    `INSERT INTO zoom_connections (event_id, credentials_id, access_token_sealed, token_preview,
       token_fingerprint, scopes, minted_at_ms, expires_at_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (event_id) DO UPDATE SET credentials_id = excluded.credentials_id,
       access_token_sealed = excluded.access_token_sealed, token_preview = excluded.token_preview,
       token_fingerprint = excluded.token_fingerprint, scopes = excluded.scopes,
       minted_at_ms = excluded.minted_at_ms, expires_at_ms = excluded.expires_at_ms`,
    [
      token.eventId,
      token.credentialsId,
      box.seal(token.accessToken),
      maskSecret(token.accessToken),
      tokenFingerprint,
      token.scopes.join(' '),
      token.mintedAtMs,
      token.expiresAtMs,
    ],
  );
  // Replaced credentials are of no further use; keeping them would only keep a secret around.
  if (previous && previous.credentials_id !== token.credentialsId) {
    await deleteUnusedCredentials(sql, previous.credentials_id);
  }
  if (previous?.credentials_id !== token.credentialsId) {
    // The first token minted with new credentials is what proves them: they are saved now.
    const saved = await sql.one<{ account_id: string; client_id: string }>(
      'SELECT account_id, client_id FROM zoom_credentials WHERE id = $1',
      [token.credentialsId],
    );
    await appendPostgresNotification(sql, 'integration.credentials_saved', token.eventId, nowMs, {
      accountId: saved?.account_id ?? null,
      clientId: saved?.client_id ?? null,
    });
  }

  return { fingerprint: tokenFingerprint };
}

async function deleteUnusedCredentials(sql: Sql, credentialsId: string): Promise<void> {
  await sql.run(
    `DELETE FROM zoom_credentials WHERE id = $1
       AND NOT EXISTS (SELECT 1 FROM zoom_connections WHERE credentials_id = $1)`,
    [credentialsId],
  );
}

async function selectToken(
  db: PostgresDatabase,
  box: SecretBox,
  eventId: string,
): Promise<StoredToken | null> {
  const row = await db.one<ConnectionRow>('SELECT * FROM zoom_connections WHERE event_id = $1', [
    eventId,
  ]);
  if (!row) return null;

  return toToken(row, box);
}

async function selectConnection(
  db: PostgresDatabase,
  eventId: string,
): Promise<ConnectionSummary | null> {
  const row = await db.one<
    { credentials_id: string; account_id: string; client_id: string } & Partial<ConnectionRow>
  >(
    `SELECT c.credentials_id, k.account_id, k.client_id, c.token_preview, c.expires_at_ms
       FROM zoom_connections c JOIN zoom_credentials k ON k.id = c.credentials_id
      WHERE c.event_id = $1`,
    [eventId],
  );
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

/** One transaction: a crash half-way leaves every value readable by the ring as it was. */
async function resealAll(sql: Sql, box: SecretBox): Promise<number> {
  const older = (sealed: string) => box.sealedWithOlderKey?.(sealed) ?? false;
  const tables = [
    { table: 'zoom_credentials', key: 'id', column: 'client_secret_sealed' },
    { table: 'zoom_connections', key: 'event_id', column: 'access_token_sealed' },
    // Tables keyed by several columns are addressed by the row's physical id in the transaction.
    { table: 'idempotency_keys', key: 'ctid', column: 'answer_sealed' },
    { table: 'sessions', key: 'ctid', column: 'zoom_join_url' },
    { table: 'zoom_meeting_writes', key: 'ctid', column: 'join_url' },
    { table: 'webhook_subscriptions', key: 'id', column: 'secret_sealed' },
    { table: 'webhook_subscriptions', key: 'id', column: 'previous_secret_sealed' },
  ];
  let resealed = 0;
  for (const { table, key, column } of tables) {
    const rows = await sql.rows<{ id: string; sealed: string | null }>(
      `SELECT ${key}::text AS id, ${column} AS sealed FROM ${table} WHERE ${column} <> ''`,
    );
    for (const row of rows) {
      if (!row.sealed || !older(row.sealed)) continue;
      const cast = key === 'ctid' ? '::tid' : '';
      await sql.run(`UPDATE ${table} SET ${column} = $1 WHERE ${key}${cast} = $2${cast}`, [
        box.seal(box.open(row.sealed)),
        row.id,
      ]);
      resealed += 1;
    }
  }

  return resealed;
}

async function eraseEventRows(sql: Sql, eventId: string, nowMs: number): Promise<void> {
  const connected = await sql.one<{ n: number }>(
    'SELECT COUNT(*)::int AS n FROM zoom_credentials WHERE event_id = $1',
    [eventId],
  );
  if (connected?.n) {
    await appendPostgresNotification(sql, 'integration.disconnected', eventId, nowMs, {});
  }
  await sql.run('DELETE FROM zoom_connections WHERE event_id = $1', [eventId]);
  await sql.run('DELETE FROM zoom_credentials WHERE event_id = $1', [eventId]);
}
