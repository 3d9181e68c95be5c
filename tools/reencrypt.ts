// Seals every stored secret again with the current encryption key, after a rotation.
// Usage: GREENROOM_ENCRYPTION_KEY=<new> GREENROOM_PREVIOUS_ENCRYPTION_KEYS=<old,…> \
//   npm run reencrypt
import { loadConfig } from '../common/config.js';
import { loadSecretBox } from '../common/encryption-key.js';
import { openStore } from '../store/open-store.js';

const config = loadConfig();
const store = await openStore(config, loadSecretBox(config));
try {
  const resealed = await store.resealSecrets();
  // Counts only: the secrets themselves never reach the terminal.
  console.log(`resealed ${resealed} secrets with the current key`);
} finally {
  await store.close();
}
