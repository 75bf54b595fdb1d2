import type { Clock, TimerHandle } from "@/server/sessions/clock";

/** A handle of a ManualClock timer (shaped like Node's, so `unref` works on it). */
class ManualTimer {
  constructor(readonly id: number) {}
  unref(): this {
    return this;
  }
}

/** Lets promise callbacks and immediates that are already due run (the in-memory store answers in microtasks). */
async function settle(): Promise<void> {
  for (let k = 0; k < 3; k++) await new Promise((r) => setImmediate(r));
}

/**
 * A clock that moves only when the test moves it: the session runtime's timers (play loop, away timer,
 * request checks, write-queue delays) run in time order as it advances, with promise work settled
 * between them, so a test of 10 minutes of play takes as long as its computing does.
 */
export class ManualClock implements Clock {
  private t: number;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return new ManualTimer(id) as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete((handle as unknown as ManualTimer).id);
  }

  /** Moves time forward by `ms` without running timers: synchronous work that takes that long (a broadcast to a big room). */
  spend(ms: number): void {
    this.t += ms;
  }

  /** Resolves after `ms` of this clock's time (a slow database, in a test's flush). */
  sleep(ms: number): Promise<void> {
    return new Promise((r) => this.setTimeout(r, ms));
  }

  /** Timers not yet run. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, running every timer due on the way in order (ties in the order they were set). */
  async advance(ms: number): Promise<void> {
    const until = this.t + ms;
    for (;;) {
      await settle();
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= until && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = Math.max(this.t, next[1].at);
      next[1].fn();
    }
    this.t = Math.max(this.t, until);
    await settle();
  }

  /** Advances in steps of `stepMs` until `done()` holds; throws after `maxMs` of this clock's time. */
  async until(done: () => boolean, what: string, maxMs = 60_000, stepMs = 50): Promise<void> {
    for (let waited = 0; !done(); waited += stepMs) {
      if (waited >= maxMs) throw new Error(`${what}: not reached after ${maxMs} ms of fake time`);
      await this.advance(stepMs);
    }
  }
}
