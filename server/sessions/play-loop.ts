import { describeStop, isStopReached, productionLimit, type StopCondition } from "@/lib/engine";
import type { StepInfo } from "@/lib/protocol";
import { log } from "../log";
import type { Clock, TimerHandle } from "./clock";
import type { RunState } from "./run-state";
import { commitBatch, lookaheadSteps } from "./step-pipeline";

/**
 * The play loop of one session: at `stepsPerSecond` it releases the next durable step and has the
 * pipeline compute a little ahead (R2), in batches of commitBatch steps, on the injected clock. It
 * also keeps `play { until }` (S1): when a released step reaches the condition, nothing more is
 * computed and a pause is queued.
 */
export class PlayLoop {
  private timer: TimerHandle | null = null;
  /** The refill of the pipeline due half a tick after a release (refill). */
  private refillTimer: TimerHandle | null = null;
  private nextTickAt = 0;
  /** Where play pauses by itself (`play { until }`, S1), or null. */
  private stop: StopCondition | null = null;
  /** The released step reached `stop`: nothing more is computed until the pause it queued has run. */
  private stopReached = false;

  constructor(
    private readonly run: RunState,
    private readonly clock: Clock,
  ) {}

  /** Sets where play pauses by itself (null: never); replaces an earlier condition. */
  pauseAt(until: StopCondition | null): void {
    this.stop = until;
    this.stopReached = false;
  }

  /** Starts ticking (the session has just become `playing`). */
  start(): void {
    this.nextTickAt = this.clock.now();
    this.tick();
  }

  /** Stops ticking; computed steps stay in the pipeline. */
  halt(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    if (this.refillTimer) this.clock.clearTimeout(this.refillTimer);
    this.timer = null;
    this.refillTimer = null;
  }

  /** A step was released while playing: pauses there if it reached the stop condition (S1). */
  released(info: StepInfo): void {
    const stop = this.stop;
    if (!stop || this.stopReached || this.run.state !== "playing") return;
    if (!isStopReached(stop, { step: info.step, epoch: info.epoch, trainLoss: info.trainLoss ?? NaN })) return;
    this.stopReached = true;
    // The same pause an instructor would send, logged, at the step that reached the condition; `stop`
    // stays set until then, so the loop computes nothing beyond it meanwhile.
    void this.run.chain
      .run(async () => {
        if (this.stop !== stop) return; // a later play replaced the condition
        this.pauseAt(null);
        this.run.reason = `stopped at ${describeStop(stop)} (step ${info.step})`; // the pause's state event carries it
        await this.run.pause();
      })
      .catch((err) => log.error({ err, sessionId: this.run.id }, "could not pause at the stop condition"));
  }

  private tick = (): void => {
    this.timer = null;
    const run = this.run;
    if (run.state !== "playing") return;
    const pipeline = run.pipeline;
    const info = pipeline.take();
    if (info) run.release(info);
    else if (pipeline.blocked && pipeline.backlog === 0) {
      // Queued behind any pending control: act only if nothing changed meanwhile.
      void run.chain
        .run(async () => {
          if (run.state === "playing" && run.pipeline === pipeline && pipeline.blocked && pipeline.backlog === 0) await run.enterDiverged();
        })
        .catch((err) => log.error({ err, sessionId: run.id }, "could not record a divergence"));
      return;
    }
    // With nothing computed (play has just started), at once; otherwise halfway to the next tick (from
    // when this one was due, however long its broadcast took), when the clients have read its frame:
    // the step's computation and its database write then do not compete with a broadcast for the CPU
    // (docs/benchmarks.md, issue 17).
    const interval = 1000 / run.stepsPerSecond;
    const now = this.clock.now();
    if (pipeline.backlog === 0) this.refill();
    else this.refillTimer ??= this.clock.setTimeout(this.refill, Math.max(0, this.nextTickAt + interval / 2 - now));
    this.nextTickAt += interval;
    if (this.nextTickAt < now - 1000) this.nextTickAt = now; // after a long stall, do not burst to catch up
    this.timer = this.clock.setTimeout(this.tick, Math.max(0, this.nextTickAt - now));
  };

  /** Computes ahead up to the lookahead, in batches of commitBatch steps (at 20 steps/s: two steps, one transaction, every other tick). */
  private refill = (): void => {
    this.refillTimer = null;
    const run = this.run;
    if (run.state !== "playing" || this.stopReached) return;
    const pipeline = run.pipeline;
    const lookahead = lookaheadSteps(run.stepsPerSecond);
    if (lookahead - pipeline.backlog >= commitBatch(run.stepsPerSecond)) pipeline.produce(productionLimit(this.stop, run.trainer, pipeline.backlog, lookahead));
  };
}
