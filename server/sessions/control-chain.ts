import { AppError, ErrorCode } from "@/lib/errors";
import type { Clock, TimerHandle } from "./clock";

/** A request still waiting this long is answered `UNAVAILABLE` if the database has stopped answering (R23). */
export const REQUEST_CHECK_MS = 3_000;
/** The database counts as stopped once the write queue has made no progress for this long. */
export const STALLED_AFTER_MS = 2_000;
/** After the first check, a waiting request looks again this often. */
const RECHECK_MS = 250;

/** The answer to a request that never started: nothing changed. */
export const NOT_STARTED_MESSAGE = "the database is unreachable, so nothing can be stored; try again when it is back (nothing was lost)";
/** The answer to a request whose writes were already queued: they are stored, and it takes effect, once the database is back. */
export const QUEUED_MESSAGE = "the database stopped answering while this was being stored; it takes effect once the database is back (nothing was lost)";

interface Waiting {
  started: boolean;
  answered: boolean;
  timer: TimerHandle | null;
  reject: (err: AppError) => void;
}

/**
 * The queue every control of one session waits in: one runs at a time, in order, so a control sees the
 * state the one before it left. A request from a client never waits for a database that has stopped
 * answering: it is answered `UNAVAILABLE` when an outage is declared, or at its check if the write queue
 * has stalled meanwhile, so no request hangs for more than about 5 s (R23).
 */
export class ControlChain {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly waiting = new Set<Waiting>();

  constructor(
    private readonly clock: Clock,
    /** How long the database has made no progress on work it was given (0 while it keeps up). */
    private readonly stalledFor: () => number,
  ) {}

  /** Runs `fn` after everything queued before it (the session's own work: it waits as long as it takes). */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * A client's request: runs `fn` like `run`, but is answered `UNAVAILABLE` instead of waiting on a
   * database that stopped answering. Answered before its turn, it never runs (nothing changed); answered
   * while running, it goes on and takes effect once its writes are stored.
   */
  request<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const w: Waiting = { started: false, answered: false, timer: null, reject };
      this.waiting.add(w);
      const arm = (ms: number) => {
        w.timer = this.clock.setTimeout(check, ms);
        w.timer.unref?.(); // a watchdog: it never keeps the process alive by itself
      };
      const check = () => {
        w.timer = null;
        if (this.stalledFor() >= STALLED_AFTER_MS) this.answer(w);
        else arm(RECHECK_MS);
      };
      arm(REQUEST_CHECK_MS);
      const settle = (done: () => void) => {
        this.forget(w);
        if (!w.answered) done();
      };
      this.run(async () => {
        if (w.answered) return undefined as T;
        w.started = true;
        return fn();
      }).then(
        (value) => settle(() => resolve(value)),
        (err) => settle(() => reject(err)),
      );
    });
  }

  /** The database is away (an outage was declared): every request still waiting is answered now. */
  answerWaiting(): void {
    for (const w of [...this.waiting]) this.answer(w);
  }

  private answer(w: Waiting): void {
    if (w.answered) return;
    w.answered = true;
    this.forget(w);
    w.reject(new AppError(ErrorCode.UNAVAILABLE, w.started ? QUEUED_MESSAGE : NOT_STARTED_MESSAGE));
  }

  private forget(w: Waiting): void {
    if (w.timer) this.clock.clearTimeout(w.timer);
    w.timer = null;
    this.waiting.delete(w);
  }
}
