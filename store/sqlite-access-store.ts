import { randomBytes, timingSafeEqual } from 'node:crypto';
import type Database from 'better-sqlite3';
import {
  auditColumns,
  hashOf,
  parseApiToken,
  toAuditEntry,
  toKey,
  type AuditRow,
  type KeyRow,
} from './rows.js';
import { prepared } from './sqlite-statements.js';
import type { AccessStore, ApiKey, ApiKeyKind, AuditEntry } from './types.js';

/** API keys and the audit trail, over the SQLite store's open database. */
export function createSqliteAccessStore(db: Database.Database, now: () => number): AccessStore {
  return {
    createApiKey: (input) => Promise.resolve(insertKey(db, input, now())),
    verifyApiKey: (token) => Promise.resolve(verify(db, token)),
    listApiKeys: () =>
      Promise.resolve(
        prepared<[], KeyRow>(db, 'SELECT * FROM api_keys ORDER BY created_at_ms, id')
          .all()
          .map(toKey),
      ),
    revokeApiKey: (id) =>
      Promise.resolve(
        prepared(
          db,
          'UPDATE api_keys SET revoked_at_ms = ? WHERE id = ? AND revoked_at_ms IS NULL',
        ).run(now(), id).changes === 1,
      ),
    countOperatorKeys: () =>
      Promise.resolve(
        prepared<[], { n: number }>(
          db,
          `SELECT COUNT(*) AS n FROM api_keys WHERE kind = 'operator' AND revoked_at_ms IS NULL`,
        ).get()?.n ?? 0,
      ),
    recordAudit: (entry) => Promise.resolve(insertAudit(db, entry)),
    listAudit: (query) => Promise.resolve(selectAudit(db, query)),
  };
}

function insertKey(
  db: Database.Database,
  input: { kind: ApiKeyKind; label: string; eventIds: string[] },
  nowMs: number,
) {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  prepared(
    db,
    `INSERT INTO api_keys (id, kind, label, secret_hash, event_ids, created_at_ms)
       VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(id, input.kind, input.label, hashOf(secret), JSON.stringify(input.eventIds), nowMs);
  const key: ApiKey = { id, ...input, createdAtMs: nowMs, revokedAtMs: null };

  return { key, token: `grk_${id}_${secret}` };
}

function verify(db: Database.Database, token: string): ApiKey | null {
  const parsed = parseApiToken(token);
  if (!parsed) return null;
  const row = prepared<[string], KeyRow>(db, 'SELECT * FROM api_keys WHERE id = ?').get(parsed.id);
  if (!row || row.revoked_at_ms !== null) return null;
  // Compared in constant time, so timing tells nothing about how much of a guess was right.
  const same = timingSafeEqual(Buffer.from(row.secret_hash), Buffer.from(hashOf(parsed.secret)));

  return same ? toKey(row) : null;
}

function insertAudit(db: Database.Database, entry: Omit<AuditEntry, 'seq'>): void {
  prepared(
    db,
    `INSERT INTO audit_log
       (at_ms, key_id, method, route, event_id, status, request_id, target_key_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(...auditColumns(entry));
}

function selectAudit(
  db: Database.Database,
  query: { afterSeq: number; limit: number; eventId?: string },
): AuditEntry[] {
  const rows = query.eventId
    ? prepared<[number, string, number], AuditRow>(
        db,
        'SELECT * FROM audit_log WHERE seq > ? AND event_id = ? ORDER BY seq LIMIT ?',
      ).all(query.afterSeq, query.eventId, query.limit)
    : prepared<[number, number], AuditRow>(
        db,
        'SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?',
      ).all(query.afterSeq, query.limit);

  return rows.map(toAuditEntry);
}
