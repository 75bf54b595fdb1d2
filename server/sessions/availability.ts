import { AppError, ErrorCode } from "@/lib/errors";
import { log } from "../log";
import { NOT_STARTED_MESSAGE } from "./control-chain";
import type { RunState } from "./run-state";

/** What everyone sees while the database does not answer. */
export const DATABASE_AWAY_REASON = "Paused: the database is unreachable; nothing was lost. Play again when it is back.";
/** What everyone sees once it answers again (play does not resume by itself: the instructor decides). */
export const DATABASE_BACK_REASON = "The database is back and every step is stored; the instructor can press play.";

/**
 * Whether a session can store anything, and what it does when it cannot: at shutdown (closed), while
 * the database is away (an outage: the session pauses and waits, R23), and for good once the database
 * refused one of its writes (it stops where clients are).
 */
export class Availability {
  /** Set at shutdown: no control is accepted any more. */
  closed = false;
  /** Set while the database is unavailable: whether the session was playing, and the reason it showed. */
  private outage: { wasPlaying: boolean; reason: string | null } | null = null;
  /** Set once the database refused one of this session's writes. */
  private refusedReason: string | null = null;

  constructor(
    private readonly run: RunState,
    /** False while the write queue says the database is unavailable. */
    private readonly databaseUp: () => boolean,
  ) {}

  /**
   * A client's request into the session (a control, a poll's reveal): refused at once if nothing can be
   * stored, else run in the control chain, where a shutdown or an end that came first refuses it.
   */
  request<T>(fn: () => Promise<T>): Promise<T> {
    const unwritable = this.unwritable();
    if (unwritable) return Promise.reject(unwritable);
    return this.run.chain.request(async () => {
      if (this.closed) throw closedError();
      if (this.run.state === "finished") throw new AppError(ErrorCode.CONFLICT, "the session has ended; it is read-only");
      return fn();
    });
  }

  /** Runs `fn` in the control chain, unless the server is shutting down (a poll opening, Q2). */
  exclusive<T>(fn: () => T | Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(closedError());
    return this.run.chain.request(async () => fn());
  }

  /** Server shutdown: nothing is accepted any more; stop playing, release what is durable, checkpoint, mark paused. */
  close(): Promise<void> {
    const run = this.run;
    this.closed = true;
    run.cancelFastForward = true;
    run.pipeline.cancelled = true; // a running `step {count}` stops after its current turn
    return run.chain.run(async () => {
      if (run.state === "finished" || this.refusedReason) return; // a refused session can store nothing more
      await run.halt();
      if (run.state === "playing") run.state = "paused";
      if (run.state === "paused") run.reason = "the server restarted; the instructor can press play";
      await Promise.all([run.checkpoint(), run.persistState()]);
      run.broadcastState();
    });
  }

  /** Why nothing can be stored for this session right now, or null. */
  unwritable(): AppError | null {
    if (this.closed) return closedError();
    if (this.refusedReason) return new AppError(ErrorCode.UNAVAILABLE, this.refusedReason);
    if (!this.databaseUp()) return new AppError(ErrorCode.UNAVAILABLE, NOT_STARTED_MESSAGE);
    return null;
  }

  /**
   * The database stopped answering (the write queue says so after its retries kept failing). Steps are
   * broadcast only once stored, so a playing session pauses now, with a reason everyone sees; the steps
   * it computed stay queued (a bounded few) and are released when stored. Requests still waiting for
   * their turn or their writes are answered `UNAVAILABLE` now.
   */
  lost(): void {
    const run = this.run;
    if (run.state === "finished" || this.outage || this.refusedReason) return;
    const wasPlaying = run.state === "playing" && !run.fastForwarding;
    this.outage = { wasPlaying, reason: run.reason };
    if (wasPlaying) {
      run.loop.halt();
      run.state = "paused";
      run.persistState().catch(() => undefined); // queued: stored when the database is back
    }
    run.reason = DATABASE_AWAY_REASON;
    run.broadcastState();
    run.chain.answerWaiting();
  }

  /** The database answers again: release the steps that are now stored, gap-free, and clear the reason. */
  back(): void {
    const outage = this.outage;
    if (!outage) return;
    this.outage = null;
    const run = this.run;
    void run.chain
      .run(async () => {
        // A control that was waiting for the database may have started play again: the loop releases then.
        if (run.state !== "playing") for (const info of await run.pipeline.settle()) run.release(info);
        if (run.reason === DATABASE_AWAY_REASON) run.reason = outage.wasPlaying && run.state === "paused" ? DATABASE_BACK_REASON : outage.reason;
        if (outage.wasPlaying) await run.checkpoint();
        run.broadcastState();
      })
      .catch((err) => log.error({ err, sessionId: run.id }, "could not resume after the database came back"));
  }

  /**
   * The database refused one of this session's writes for a reason of its own (not an outage): later
   * writes of the session are refused too, so it stops where clients are, visibly, and refuses controls.
   * Details go to the server log only.
   */
  refuse(): void {
    const run = this.run;
    if (this.refusedReason || run.state === "finished") return;
    run.loop.halt();
    if (run.state === "playing") run.state = "paused";
    this.outage = null;
    this.refusedReason = `Stopped: the database refused to store this session's data, so it stays at step ${run.view.position.step} (every step shown is stored). Controls are disabled; the session can still be exported.`;
    run.reason = this.refusedReason;
    run.broadcastState();
  }
}

/** The answer to anything asked of a session once the server is shutting down. */
export function closedError(): AppError {
  return new AppError(ErrorCode.UNAVAILABLE, "the server is restarting; try again in a moment");
}
