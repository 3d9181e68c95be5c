// Kept apart from store-backends.ts, which needs Vitest: worker threads of the race test open
// stores through this module with no test runner around them.
import type { SecretBox } from '../../common/crypto.js';
import { createPostgresStore } from '../../store/postgres-store.js';
import { createSqliteStore } from '../../store/sqlite-store.js';
import type { GreenroomStore } from '../../store/types.js';

/** Where a test's store lives; plain data, so a worker thread can open the same store. */
export type StoreLocation =
  { kind: 'sqlite'; filename: string } | { kind: 'postgres'; url: string };

export function openStoreAt(
  location: StoreLocation,
  secretBox: SecretBox,
  now?: () => number,
): Promise<GreenroomStore> {
  if (location.kind === 'postgres')
    return createPostgresStore({ url: location.url, secretBox, now });
  return Promise.resolve(createSqliteStore({ filename: location.filename, secretBox, now }));
}
