/**
 * Longest stretch of training one session runs in one turn (at least one step is always taken, so a
 * step longer than this is one turn).
 */
export const SLICE_MS = 8;
/** Longest pause after a turn (a single step of the largest network can take tens of ms). */
const MAX_PAUSE_MS = 100;

let busy = false;
const waiting: (() => void)[] = [];

/**
 * Waits until this session may train. Heavy training of every session (`step {count}`,
 * fast-forward) takes turns one at a time, in FIFO order, so each busy session gets an equal share;
 * after each turn the event loop is left alone for as long as the turn took, so training uses at most
 * about half of it and play loops, sockets and HTTP requests keep the rest. Pair every call with
 * `endTurn`.
 */
export function takeTurn(): Promise<void> {
  if (!busy) {
    busy = true;
    return Promise.resolve();
  }
  return new Promise((resolve) => waiting.push(resolve));
}

/** Ends a turn that used `usedMs` of CPU: the next waiting session trains after a pause as long. */
export function endTurn(usedMs: number): void {
  setTimeout(() => {
    const next = waiting.shift();
    if (next) next();
    else busy = false;
  }, Math.min(MAX_PAUSE_MS, Math.max(0, usedMs)));
}
