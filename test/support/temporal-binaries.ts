import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const TOOLS_BIN = fileURLToPath(new URL('../../.tools/python/bin/', import.meta.url));

/** The pinned Temporal executables: the project's own copies, else those on PATH. */
export function temporalExecutable(name: 'temporal' | 'temporal-test-server'): string {
  const local = `${TOOLS_BIN}${name}`;
  if (existsSync(local)) return local;
  try {
    return execFileSync('which', [name], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`${name} not found: run npm test, which installs it into .tools/python`);
  }
}
