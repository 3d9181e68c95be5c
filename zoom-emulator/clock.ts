/** The emulator's notion of now: the wall clock shifted by an offset that tests may move. */
export interface Clock {
  now(): number;
  /** Jumps to nowMs; time keeps flowing from there at wall-clock speed. */
  set(nowMs: number): void;
  advance(ms: number): void;
  reset(): void;
}

/** Builds a clock on top of wallNow, which tests may replace to freeze the wall clock. */
export function createClock(wallNow: () => number = Date.now): Clock {
  let offsetMs = 0;

  return {
    now: () => wallNow() + offsetMs,
    set(nowMs) {
      offsetMs = nowMs - wallNow();
    },
    advance(ms) {
      offsetMs += ms;
    },
    reset() {
      offsetMs = 0;
    },
  };
}
