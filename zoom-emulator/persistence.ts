import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { snapshotSchema, type Snapshot } from './model.js';

/** Saves happen at most this often; bursts of changes collapse into one write. */
const SAVE_DEBOUNCE_MS = 1000;

/** Thrown at build when the state file exists but is not a snapshot this emulator wrote. */
export class StateFileError extends Error {
  override name = 'StateFileError';
}

/**
 * Writes through a temporary file and a rename so a crash never leaves half a file; mode 0600
 * because the file holds client secrets.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, text, { mode: 0o600 });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Reads the snapshot at path; undefined when there is no file yet. */
export async function loadSnapshot(path: string): Promise<Snapshot | undefined> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) return undefined;

  const parsed = snapshotSchema.safeParse(parseJson(text));
  if (!parsed.success) throw new StateFileError(`${path} is not a zoom emulator state file`);
  return parsed.data;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export interface Saver {
  /** Asks for a save within the debounce window. */
  schedule(): void;
  /** Saves now and waits for every pending write. */
  flush(): Promise<void>;
}

/** Debounced, serialised saves of whatever take() returns. */
export function createSaver(
  path: string,
  take: () => Snapshot,
  onError: (error: unknown) => void,
): Saver {
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  // Chaining keeps two writes from racing on the same temporary-and-rename sequence.
  const save = () => {
    timer = undefined;
    writing = writing.then(() => writeFileAtomic(path, JSON.stringify(take()))).catch(onError);
    return writing;
  };

  return {
    schedule() {
      if (timer) return;
      timer = setTimeout(() => void save(), SAVE_DEBOUNCE_MS);
      timer.unref();
    },
    async flush() {
      clearTimeout(timer);
      await save();
    },
  };
}
