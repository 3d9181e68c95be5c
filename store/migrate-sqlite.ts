import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';

const MIGRATIONS_DIR = join(import.meta.dirname, 'migrations', 'sqlite');

/** Applies every migration file not yet recorded, each in its own transaction, in name order. */
export function migrateSqlite(db: Database): string[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY)');
  const applied = new Set(
    db
      .prepare<[], { name: string }>('SELECT name FROM schema_migrations')
      .all()
      .map((row) => row.name),
  );
  const pending = readdirSync(MIGRATIONS_DIR)
    .filter((name) => name.endsWith('.sql') && !applied.has(name))
    .sort();
  for (const name of pending) applyMigration(db, name);

  return pending;
}

function applyMigration(db: Database, name: string): void {
  const sql = readFileSync(join(MIGRATIONS_DIR, name), 'utf8');
  db.transaction(() => {
    db.exec(sql);
    db.prepare('INSERT INTO schema_migrations (name) VALUES (?)').run(name);
  })();
}
