/**
 * Longest stretch of training one session runs before giving the event loop a turn (at least one
 * step is always taken, so a step longer than this is one slice).
 */
export const SLICE_MS = 8;

/**
 * Waits for the next turn of the event loop (setImmediate: after pending I/O and timers). Every
 * session that trains in slices queues here in FIFO order, so each busy session gets one slice per
 * turn: one session's `step 1000` or fast-forward cannot starve another's play loop or an HTTP request.
 */
export function nextSlice(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
