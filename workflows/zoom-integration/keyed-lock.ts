import * as wf from '@temporalio/workflow';

/** Runs work for one key at a time, so two saves of the same session never interleave. */
export class KeyedLock {
  private readonly held = new Set<string>();

  isHeld(key: string): boolean {
    return this.held.has(key);
  }

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    while (this.held.has(key)) await wf.condition(() => !this.held.has(key));
    this.held.add(key);
    try {
      return await work();
    } finally {
      this.held.delete(key);
    }
  }
}
