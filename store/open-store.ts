import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../common/config.js';
import type { SecretBox } from '../common/crypto.js';
import { describeDatabaseUrl } from './postgres-database.js';
import { createPostgresStore } from './postgres-store.js';
import { createSqliteStore } from './sqlite-store.js';
import type { GreenroomStore } from './types.js';

/**
 * Opens the configured store: PostgreSQL when GREENROOM_DATABASE_URL is set (migrated before it
 * answers), otherwise the SQLite file in the data folder, the embedded default.
 */
export async function openStore(config: Config, secretBox: SecretBox): Promise<GreenroomStore> {
  if (config.GREENROOM_DATABASE_URL) {
    return createPostgresStore({ url: config.GREENROOM_DATABASE_URL, secretBox });
  }
  mkdirSync(config.GREENROOM_DATA_DIR, { recursive: true, mode: 0o700 });

  return createSqliteStore({
    filename: join(config.GREENROOM_DATA_DIR, 'greenroom.db'),
    secretBox,
  });
}

/** Where the store lives, as a log line may say it: the URL without its password, or the file. */
export function describeStore(config: Config): string {
  return config.GREENROOM_DATABASE_URL
    ? describeDatabaseUrl(config.GREENROOM_DATABASE_URL)
    : join(config.GREENROOM_DATA_DIR, 'greenroom.db');
}
