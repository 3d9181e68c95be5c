import type { SecretBox } from '../common/crypto.js';
import type { PostgresDatabase, Sql } from './postgres-database.js';
import {
  claimOfKnownKey,
  IDEMPOTENCY_KEY_LIFETIME_MS,
  type KeyRow,
} from './sqlite-idempotency-store.js';
import type { IdempotencyClaim, IdempotencyScope, IdempotencyStore } from './types.js';

const SCOPE = 'api_key_id = $1 AND route = $2 AND event_id = $3 AND idempotency_key = $4';
const scopeValues = (scope: IdempotencyScope) => [
  scope.apiKeyId,
  scope.route,
  scope.eventId,
  scope.idempotencyKey,
];

/** Idempotency keys of the PostgreSQL store; answers are sealed at rest. */
export function createPostgresIdempotencyStore(
  db: PostgresDatabase,
  box: SecretBox,
  now: () => number,
): IdempotencyStore {
  return {
    claimIdempotencyKey: (scope, fingerprint) =>
      db.serializable((sql) => claim(sql, box, scope, fingerprint, now())),
    recordIdempotentAnswer: async (scope, answer) => {
      await db.run(
        `UPDATE idempotency_keys SET answer_status = $5, answer_sealed = $6
          WHERE ${SCOPE} AND answer_status IS NULL`,
        [...scopeValues(scope), answer.status, box.seal(answer.body)],
      );
    },
  };
}

/** SERIALIZABLE, so two requests with the same key cannot both find it new. */
async function claim(
  sql: Sql,
  box: SecretBox,
  scope: IdempotencyScope,
  fingerprint: string,
  nowMs: number,
): Promise<IdempotencyClaim> {
  await sql.run('DELETE FROM idempotency_keys WHERE created_at_ms <= $1', [
    nowMs - IDEMPOTENCY_KEY_LIFETIME_MS,
  ]);
  const row = await sql.one<KeyRow>(
    `SELECT request_fingerprint, answer_status, answer_sealed FROM idempotency_keys
      WHERE ${SCOPE}`,
    scopeValues(scope),
  );
  if (!row) {
    await sql.run(
      `INSERT INTO idempotency_keys
         (api_key_id, route, event_id, idempotency_key, request_fingerprint, created_at_ms)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [...scopeValues(scope), fingerprint, nowMs],
    );
    return { state: 'new' };
  }
  return claimOfKnownKey(row, fingerprint, box);
}
