import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createSecretBox, generateKey } from '../../common/crypto.js';
import { postgresMigrationNames } from '../../store/migrate-postgres.js';
import { migrateSqlite } from '../../store/migrate-sqlite.js';
import { openStoreAt, useStoreBackends } from '../support/store-backends.js';

const postgres = useStoreBackends().find(({ name }) => name === 'postgres');

/** Every table and its columns, as `table.column` names in order. */
function sqliteColumns(): string[] {
  const db = new Database(':memory:');
  migrateSqlite(db);
  const tables = db
    .prepare<[], { name: string }>(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
    )
    .all();
  const columns = tables.flatMap(({ name }) =>
    db
      .prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${name}')`)
      .all()
      .map((column) => `${name}.${column.name}`),
  );
  db.close();

  return columns.sort();
}

async function postgresColumns(): Promise<string[]> {
  const location = await postgres?.freshLocation();
  if (location?.kind !== 'postgres') throw new Error('no PostgreSQL backend');
  await (await openStoreAt(location, createSecretBox(generateKey()))).close();
  const client = new pg.Client({ connectionString: location.url });
  await client.connect();
  const { rows } = await client.query<{ name: string }>(
    `SELECT table_name || '.' || column_name AS name FROM information_schema.columns
      WHERE table_schema = 'public'`,
  );
  await client.end();

  return rows.map((row) => row.name).sort();
}

describe('the PostgreSQL migrations', () => {
  it('mirror every SQLite migration, file by file', () => {
    const sqlite = readdirSync(join(import.meta.dirname, '../../store/migrations/sqlite'));
    expect(postgresMigrationNames()).toEqual(sqlite.filter((name) => name.endsWith('.sql')).sort());
  });

  it('make the same tables with the same columns', async () => {
    expect(await postgresColumns()).toEqual(sqliteColumns());
  });
});
