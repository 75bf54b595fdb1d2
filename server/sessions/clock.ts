/** A timer handle of the clock in use. */
export type TimerHandle = ReturnType<typeof setTimeout>;

/**
 * Time as the session runtime sees it (play loop, away timer, request checks, the write queue's
 * delays): injected, so tests run on fake time instead of sleeping. Timers keep the process alive like
 * Node's own; a watchdog that must not calls `unref` on its handle.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The process's own clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle),
};
