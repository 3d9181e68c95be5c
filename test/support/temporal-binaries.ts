import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const TOOLS = fileURLToPath(new URL('../../.tools/', import.meta.url));
const INSTALLED = {
  temporal: { env: 'TEMPORAL_BIN', path: `${TOOLS}temporal-cli/bin/temporal` },
  'temporal-test-server': {
    env: 'TEMPORAL_TEST_SERVER_BIN',
    path: `${TOOLS}temporal-test-server/bin/temporal-test-server`,
  },
};

/**
 * The pinned Temporal executables: as scripts/install.sh chose them (it exports their paths),
 * else the project's own copies, else those on PATH.
 */
export function temporalExecutable(name: 'temporal' | 'temporal-test-server'): string {
  const chosen = process.env[INSTALLED[name].env];
  if (chosen && existsSync(chosen)) return chosen;
  const local = INSTALLED[name].path;
  if (existsSync(local)) return local;
  try {
    return execFileSync('which', [name], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`${name} not found: run npm test, which installs it into .tools/`);
  }
}
