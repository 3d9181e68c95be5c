import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import type { SecretBox } from '../../common/crypto.js';
import type { GreenroomStore } from '../../store/types.js';
import { openStoreAt, type StoreLocation } from './store-location.js';

export { openStoreAt, type StoreLocation };

export interface StoreBackend {
  name: 'sqlite' | 'postgres';
  /** An empty store of the test's own: a new SQLite file, or the file's database emptied. */
  freshLocation(): Promise<StoreLocation>;
  /** A fresh store, opened. */
  open(secretBox: SecretBox, now?: () => number): Promise<GreenroomStore>;
}

/**
 * Both stores, for `describe.each`. Call once at the top of a test file: the file gets one
 * PostgreSQL database of its own (so files run in parallel), emptied for each fresh store and
 * dropped after the file, and SQLite files in a folder removed after the file.
 */
export function useStoreBackends(): StoreBackend[] {
  const sqliteDir = mkdtempSync(join(tmpdir(), 'greenroom-store-test-'));
  const database = new FileDatabase(inject('postgresUrl'));
  afterAll(async () => {
    rmSync(sqliteDir, { recursive: true, force: true });
    await database.drop();
  });
  const backend = (
    name: StoreBackend['name'],
    freshLocation: () => Promise<StoreLocation>,
  ): StoreBackend => ({
    name,
    freshLocation,
    open: async (secretBox, now) => openStoreAt(await freshLocation(), secretBox, now),
  });

  return [
    backend('sqlite', () =>
      Promise.resolve({ kind: 'sqlite', filename: join(sqliteDir, `${randomUUID()}.db`) }),
    ),
    backend('postgres', async () => ({ kind: 'postgres', url: await database.emptied() })),
  ];
}

/** An empty database of its own on the test run's server, for a stack's processes to share. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const database = new FileDatabase(inject('postgresUrl'));
  const url = await database.emptied();

  return { url, drop: () => database.drop() };
}

/** One database per test file, created on first use (the store migrates it when opened). */
class FileDatabase {
  private readonly name = `greenroom_test_${randomUUID().replaceAll('-', '')}`;
  private created = false;

  constructor(private readonly serverUrl: string) {}

  get url(): string {
    const url = new URL(this.serverUrl);
    url.pathname = `/${this.name}`;
    return url.toString();
  }

  /** Answers the database's URL once every table but the migrations' record is empty. */
  async emptied(): Promise<string> {
    if (!this.created) {
      await this.admin((client) => client.query(`CREATE DATABASE ${this.name}`));
      this.created = true;
      return this.url;
    }
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>(
        `SELECT tablename AS name FROM pg_tables
          WHERE schemaname = 'public' AND tablename <> 'schema_migrations'`,
      );
      const tables = rows.map((row) => `"${row.name}"`).join(', ');
      if (tables) await client.query(`TRUNCATE ${tables} RESTART IDENTITY CASCADE`);
    } finally {
      await client.end();
    }

    return this.url;
  }

  async drop(): Promise<void> {
    if (!this.created) return;
    await this.admin((client) => client.query(`DROP DATABASE ${this.name} WITH (FORCE)`));
  }

  private async admin(work: (client: pg.Client) => Promise<unknown>): Promise<void> {
    const client = new pg.Client({ connectionString: this.serverUrl });
    await client.connect();
    try {
      await work(client);
    } finally {
      await client.end();
    }
  }
}
