/**
 * Temporal admits at most 10 Updates in flight per workflow and refuses the rest outright. The
 * API keeps a little below that per event, queueing the excess in this process, so a platform
 * saving a whole programme at once waits its turn instead of hearing "unavailable".
 * Limitation: the count is per API process; several processes can still exceed the server's
 * limit together, which the gateway then absorbs by retrying the refused Updates.
 */
export class UpdateSlots {
  private readonly inFlight = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(private readonly perKey: number) {}

  /** Runs the work once a slot is free, or answers null when the deadline passes first. */
  async run<T>(key: string, deadlineMs: number, work: () => Promise<T>): Promise<T | null> {
    if (!(await this.acquire(key, deadlineMs))) return null;
    try {
      return await work();
    } finally {
      this.release(key);
    }
  }

  private async acquire(key: string, deadlineMs: number): Promise<boolean> {
    if ((this.inFlight.get(key) ?? 0) < this.perKey) {
      this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
      return true;
    }
    return new Promise<boolean>((resolve) => {
      const queue = this.waiting.get(key) ?? [];
      this.waiting.set(key, queue);
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      // The slot is handed over by release(), so the count stays as it was.
      const timer = setTimeout(
        () => {
          queue.splice(queue.indexOf(wake), 1);
          resolve(false);
        },
        Math.max(0, deadlineMs - Date.now()),
      );
      queue.push(wake);
    });
  }

  private release(key: string): void {
    const next = this.waiting.get(key)?.shift();
    if (next) return next();
    const count = (this.inFlight.get(key) ?? 1) - 1;
    if (count > 0) this.inFlight.set(key, count);
    else this.inFlight.delete(key);
    if (this.waiting.get(key)?.length === 0) this.waiting.delete(key);
  }
}
