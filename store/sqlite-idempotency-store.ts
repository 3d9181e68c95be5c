import type Database from 'better-sqlite3';
import type { SecretBox } from '../common/crypto.js';
import { prepared } from './sqlite-statements.js';
import type { IdempotencyClaim, IdempotencyScope, IdempotencyStore } from './types.js';

/** How long an Idempotency-Key and its answer are kept. */
export const IDEMPOTENCY_KEY_LIFETIME_MS = 24 * 3_600_000;

export interface KeyRow {
  request_fingerprint: string;
  answer_status: number | null;
  answer_sealed: string | null;
}

const SCOPE = 'api_key_id = ? AND route = ? AND event_id = ? AND idempotency_key = ?';
const scopeValues = (scope: IdempotencyScope): string[] => [
  scope.apiKeyId,
  scope.route,
  scope.eventId,
  scope.idempotencyKey,
];

/** Idempotency keys over the SQLite store's open database; answers are sealed at rest. */
export function createSqliteIdempotencyStore(
  db: Database.Database,
  box: SecretBox,
  now: () => number,
): IdempotencyStore {
  return {
    claimIdempotencyKey: (scope, fingerprint) =>
      Promise.resolve(claim(db, box, scope, fingerprint, now())),
    recordIdempotentAnswer: (scope, answer) => {
      prepared(
        db,
        `UPDATE idempotency_keys SET answer_status = ?, answer_sealed = ?
          WHERE ${SCOPE} AND answer_status IS NULL`,
      ).run(answer.status, box.seal(answer.body), ...scopeValues(scope));
      return Promise.resolve();
    },
  };
}

/** One transaction, so two requests with the same key cannot both find it new. */
function claim(
  db: Database.Database,
  box: SecretBox,
  scope: IdempotencyScope,
  fingerprint: string,
  nowMs: number,
): IdempotencyClaim {
  return db
    .transaction((): IdempotencyClaim => {
      prepared(db, 'DELETE FROM idempotency_keys WHERE created_at_ms <= ?').run(
        nowMs - IDEMPOTENCY_KEY_LIFETIME_MS,
      );
      const row = prepared<string[], KeyRow>(
        db,
        `SELECT request_fingerprint, answer_status, answer_sealed FROM idempotency_keys
          WHERE ${SCOPE}`,
      ).get(...scopeValues(scope));
      if (!row) {
        prepared(
          db,
          `INSERT INTO idempotency_keys
             (api_key_id, route, event_id, idempotency_key, request_fingerprint, created_at_ms)
           VALUES (?, ?, ?, ?, ?, ?)`,
        ).run(...scopeValues(scope), fingerprint, nowMs);
        return { state: 'new' };
      }
      return claimOfKnownKey(row, fingerprint, box);
    })
    .immediate();
}

/** What a request finds when its key came before: the same request (answered or not) or another. */
export function claimOfKnownKey(
  row: KeyRow,
  fingerprint: string,
  box: SecretBox,
): IdempotencyClaim {
  if (row.request_fingerprint !== fingerprint) return { state: 'other_request' };
  if (row.answer_status === null || row.answer_sealed === null) return { state: 'unanswered' };
  return {
    state: 'answered',
    answer: { status: row.answer_status, body: box.open(row.answer_sealed) },
  };
}
