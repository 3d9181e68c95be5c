import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import type { PostgresDatabase } from './postgres-database.js';

const MIGRATIONS_DIR = join(import.meta.dirname, 'migrations', 'postgres');
/** Any fixed number: every API and worker process starting at once waits for one to migrate. */
const MIGRATION_LOCK_KEY = 71_402_027;

/** Applies every migration file not yet recorded, each in its own transaction, in name order. */
export async function migratePostgres(db: PostgresDatabase): Promise<string[]> {
  return db.withConnection(async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY)');
      const { rows } = await client.query<{ name: string }>('SELECT name FROM schema_migrations');
      const applied = new Set(rows.map((row) => row.name));
      const pending = postgresMigrationNames().filter((name) => !applied.has(name));
      for (const name of pending) await applyMigration(client, name);

      return pending;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  });
}

export function postgresMigrationNames(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((name) => name.endsWith('.sql'))
    .sort();
}

async function applyMigration(client: pg.PoolClient, name: string): Promise<void> {
  const sql = readFileSync(join(MIGRATIONS_DIR, name), 'utf8');
  await client.query('BEGIN');
  try {
    await client.query(sql);
    await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [name]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}
