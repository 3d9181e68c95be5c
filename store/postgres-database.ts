import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';

/** What the PostgreSQL store's functions run SQL through: the pool, or one transaction. */
export interface Sql {
  rows<R>(text: string, params?: unknown[]): Promise<R[]>;
  one<R>(text: string, params?: unknown[]): Promise<R | undefined>;
  /** Runs a statement; answers how many rows it inserted, updated or deleted. */
  run(text: string, params?: unknown[]): Promise<number>;
}

export interface PostgresDatabase extends Sql {
  /**
   * Runs `work` in one SERIALIZABLE transaction. PostgreSQL aborts a transaction that could not
   * have run one after the other with those it overlapped (40001) or that deadlocked (40P01);
   * it is then run again from the start on fresh data, so `work` must only touch the database.
   */
  serializable<T>(work: (sql: Sql) => Promise<T>): Promise<T>;
  /** One connection for work that must hold a session-level lock (migrations). */
  withConnection<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const RETRYABLE_CODES = new Set(['40001', '40P01']);
/** Enough for 50 concurrent saves on one event; each retry waits a little longer, at random. */
const MAX_ATTEMPTS = 30;
const MAX_BACKOFF_MS = 200;

/** BIGINT (milliseconds, counts) as numbers: every value Greenroom stores fits in 2^53. */
const types = new pg.TypeOverrides();
types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

export function connectPostgres(url: string, poolSize = 10): PostgresDatabase {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types });
  // An idle connection dropped by the server must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const sql = sqlOver(pool);

  return {
    ...sql,
    serializable: (work) => serializable(pool, work),
    async withConnection(work) {
      const client = await pool.connect();
      try {
        return await work(client);
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

function sqlOver(target: pg.Pool | pg.PoolClient): Sql {
  return {
    rows: async <R>(text: string, params: unknown[] = []) =>
      (await target.query(text, params)).rows as R[],
    one: async <R>(text: string, params: unknown[] = []) =>
      (await target.query(text, params)).rows[0] as R | undefined,
    run: async (text, params = []) => (await target.query(text, params)).rowCount ?? 0,
  };
}

async function serializable<T>(pool: pg.Pool, work: (sql: Sql) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
      const result = await work(sqlOver(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      broken = await rollback(client);
      if (!isRetryable(error) || attempt === MAX_ATTEMPTS) throw error;
    } finally {
      client.release(broken);
    }
    await delay(Math.random() * Math.min(MAX_BACKOFF_MS, 2 ** attempt));
  }
}

/** Answers the error that made the connection unusable, so the pool discards it. */
async function rollback(client: pg.PoolClient): Promise<Error | undefined> {
  try {
    await client.query('ROLLBACK');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

export function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_CODES.has(code);
}

/** The URL as it may be logged: user, host, port and database, never the password. */
export function describeDatabaseUrl(url: string): string {
  const parsed = new URL(url);
  parsed.password = '';
  parsed.search = '';

  return parsed.toString();
}
