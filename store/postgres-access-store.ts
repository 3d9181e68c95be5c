import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { PostgresDatabase, Sql } from './postgres-database.js';
import {
  auditColumns,
  hashOf,
  parseApiToken,
  toAuditEntry,
  toKey,
  type AuditRow,
  type KeyRow,
} from './rows.js';
import type { AccessStore, ApiKey, ApiKeyKind, AuditEntry } from './types.js';

/** Any fixed number: audit appends hold it until they commit, so seq grows in commit order. */
const AUDIT_APPEND_LOCK_KEY = 71_402_028;

/** API keys and the audit trail of the PostgreSQL store. */
export function createPostgresAccessStore(db: PostgresDatabase, now: () => number): AccessStore {
  return {
    createApiKey: (input) => insertKey(db, input, now()),
    verifyApiKey: (token) => verify(db, token),
    listApiKeys: async () =>
      (await db.rows<KeyRow>('SELECT * FROM api_keys ORDER BY created_at_ms, id')).map(toKey),
    revokeApiKey: async (id) =>
      (await db.run(
        'UPDATE api_keys SET revoked_at_ms = $1 WHERE id = $2 AND revoked_at_ms IS NULL',
        [now(), id],
      )) === 1,
    countOperatorKeys: async () =>
      (
        await db.one<{ n: number }>(
          `SELECT COUNT(*) AS n FROM api_keys WHERE kind = 'operator' AND revoked_at_ms IS NULL`,
        )
      )?.n ?? 0,
    recordAudit: (entry) => db.serializable((sql) => insertAudit(sql, entry)),
    listAudit: (query) => selectAudit(db, query),
  };
}

async function insertKey(
  sql: Sql,
  input: { kind: ApiKeyKind; label: string; eventIds: string[] },
  nowMs: number,
) {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  await sql.run(
    `INSERT INTO api_keys (id, kind, label, secret_hash, event_ids, created_at_ms)
       VALUES ($1, $2, $3, $4, $5, $6)`,
    [id, input.kind, input.label, hashOf(secret), JSON.stringify(input.eventIds), nowMs],
  );
  const key: ApiKey = { id, ...input, createdAtMs: nowMs, revokedAtMs: null };

  return { key, token: `grk_${id}_${secret}` };
}

async function verify(sql: Sql, token: string): Promise<ApiKey | null> {
  const parsed = parseApiToken(token);
  if (!parsed) return null;
  const row = await sql.one<KeyRow>('SELECT * FROM api_keys WHERE id = $1', [parsed.id]);
  if (!row || row.revoked_at_ms !== null) return null;
  // Compared in constant time, so timing tells nothing about how much of a guess was right.
  const same = timingSafeEqual(Buffer.from(row.secret_hash), Buffer.from(hashOf(parsed.secret)));

  return same ? toKey(row) : null;
}

/**
 * Identity numbers are handed out at insert, not at commit: two appends could commit out of
 * order and a reader paging past the later one would never see the earlier. The lock, held to
 * the commit, makes appends one at a time, as they are on SQLite.
 */
async function insertAudit(sql: Sql, entry: Omit<AuditEntry, 'seq'>): Promise<void> {
  await sql.run('SELECT pg_advisory_xact_lock($1)', [AUDIT_APPEND_LOCK_KEY]);
  await sql.run(
    `INSERT INTO audit_log
       (at_ms, key_id, method, route, event_id, status, request_id, target_key_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [...auditColumns(entry)],
  );
}

async function selectAudit(
  sql: Sql,
  query: { afterSeq: number; limit: number; eventId?: string },
): Promise<AuditEntry[]> {
  const rows = query.eventId
    ? await sql.rows<AuditRow>(
        'SELECT * FROM audit_log WHERE seq > $1 AND event_id = $2 ORDER BY seq LIMIT $3',
        [query.afterSeq, query.eventId, query.limit],
      )
    : await sql.rows<AuditRow>('SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2', [
        query.afterSeq,
        query.limit,
      ]);

  return rows.map(toAuditEntry);
}
