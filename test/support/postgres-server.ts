import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, chownSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePort } from './free-port.js';

/** A PostgreSQL server of the test run's own: loopback only, in a folder removed on stop. */
export interface ThrowawayPostgres {
  /** A superuser URL to the `postgres` database; it holds the password, so it is never printed. */
  url: string;
  stop(): void;
}

const SERVER_USER = 'postgres';

/**
 * Starts a fresh server: initdb into a new folder under the temp folder, then pg_ctl start on a
 * free loopback port. PostgreSQL refuses to run as root, so as root both run as the `postgres`
 * system user (which Debian's package creates); otherwise as the current user.
 */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'greenroom-pg-'));
  const runAs = process.getuid?.() === 0 ? ['runuser', '-u', SERVER_USER, '--'] : [];
  const run = (args: string[]) => {
    const [command = '', ...rest] = [...runAs, ...args];
    execFileSync(command, rest, { stdio: 'pipe', cwd: dir });
  };
  const password = randomBytes(18).toString('base64url');
  try {
    prepareFolder(dir, password, runAs.length > 0);
    run([
      join(bin, 'initdb'),
      '-D',
      join(dir, 'data'),
      '-U',
      'greenroom',
      '--pwfile',
      join(dir, 'pw'),
      '--auth',
      'scram-sha-256',
      '--encoding',
      'UTF8',
      '--no-locale',
      '--no-sync',
    ]);
    rmSync(join(dir, 'pw'));
    const port = await startOnFreePort(run, bin, dir);
    const stop = () => stopServer(run, bin, dir);
    // Vitest runs the teardown even when tests fail; this covers a run interrupted before it.
    process.once('exit', stop);

    return { url: `postgres://greenroom:${password}@127.0.0.1:${port}/postgres`, stop };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** initdb and pg_ctl: on PATH, or in Debian's /usr/lib/postgresql/<version>/bin (newest). */
export function postgresBinDir(): string {
  const onPath = (process.env.PATH ?? '')
    .split(delimiter)
    .find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
  if (onPath) return onPath;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root).filter((version) => existsSync(join(root, version, 'bin', 'initdb')))
    : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) {
    throw new Error(
      'PostgreSQL is not installed (no initdb and pg_ctl): run scripts/test.sh, which installs ' +
        "Debian's postgresql package, or set GREENROOM_TEST_DATABASE_URL to a server of yours",
    );
  }

  return join(root, newest, 'bin');
}

function prepareFolder(dir: string, password: string, asServerUser: boolean): void {
  writeFileSync(join(dir, 'pw'), `${password}\n`, { mode: 0o600 });
  if (!asServerUser) return;
  const uid = Number(execFileSync('id', ['-u', SERVER_USER], { encoding: 'utf8' }));
  const gid = Number(execFileSync('id', ['-g', SERVER_USER], { encoding: 'utf8' }));
  chownSync(dir, uid, gid);
  chownSync(join(dir, 'pw'), uid, gid);
}

/** Another process may take the probed port before the server binds it: try fresh ones. */
async function startOnFreePort(
  run: (args: string[]) => void,
  bin: string,
  dir: string,
): Promise<number> {
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const options = [
      `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories=${dir}`,
      // A throwaway server: durability buys nothing, and parallel test files need connections.
      '-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300',
    ].join(' ');
    try {
      run([
        join(bin, 'pg_ctl'),
        '-D',
        join(dir, 'data'),
        '-l',
        join(dir, 'server.log'),
        '-w',
        '-o',
        options,
        'start',
      ]);
      return port;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

function stopServer(run: (args: string[]) => void, bin: string, dir: string): void {
  if (!existsSync(dir)) return;
  try {
    run([join(bin, 'pg_ctl'), '-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
