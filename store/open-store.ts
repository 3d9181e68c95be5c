import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../common/config.js';
import type { SecretBox } from '../common/crypto.js';
import { createSqliteStore } from './sqlite-store.js';
import type { GreenroomStore } from './types.js';

/** Opens the configured store: the SQLite file in the data folder on the embedded default. */
export function openStore(config: Config, secretBox: SecretBox): GreenroomStore {
  mkdirSync(config.GREENROOM_DATA_DIR, { recursive: true, mode: 0o700 });

  return createSqliteStore({
    filename: join(config.GREENROOM_DATA_DIR, 'greenroom.db'),
    secretBox,
  });
}
