import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { AccessStore } from '../store/types.js';

/**
 * The embedded default needs one operator key to be usable at all: on the first start (no
 * operator key yet) one is made and written, readable by its owner only, to
 * `<data>/operator-key`, which the start script prints. The log names the file, never the key.
 */
export async function ensureOperatorKey(
  store: AccessStore,
  dataDir: string,
  log: FastifyBaseLogger,
): Promise<void> {
  if ((await store.countOperatorKeys()) > 0) return;
  const { key, token } = await store.createApiKey({
    kind: 'operator',
    label: 'made on first start',
    eventIds: [],
  });
  const file = join(dataDir, 'operator-key');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  log.info({ keyId: key.id, file }, 'operator key made on first start');
}
