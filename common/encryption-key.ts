import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.js';
import { createKeyRing, generateKey, type SecretBox } from './crypto.js';

const KEY_FILE = 'encryption.key';

/**
 * The secret box for data at rest. A configured key wins; otherwise the embedded default keeps a
 * generated key in the data folder, readable by the owner only, so a restart can still decrypt.
 */
export function loadSecretBox(config: Config): SecretBox {
  const previous = (config.GREENROOM_PREVIOUS_ENCRYPTION_KEYS ?? '')
    .split(',')
    .filter(Boolean)
    .map((key) => Buffer.from(key, 'base64'));
  const current = config.GREENROOM_ENCRYPTION_KEY
    ? Buffer.from(config.GREENROOM_ENCRYPTION_KEY, 'base64')
    : readOrCreateKeyFile(config.GREENROOM_DATA_DIR);

  return createKeyRing(current, previous);
}

function readOrCreateKeyFile(dataDir: string): Buffer {
  const path = join(dataDir, KEY_FILE);
  if (existsSync(path)) return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = generateKey();
  // 'wx' fails if another process (API or worker) created the key first; then use theirs.
  try {
    writeFileSync(path, key.toString('base64'), { mode: 0o600, flag: 'wx' });
  } catch {
    return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  }

  return key;
}
