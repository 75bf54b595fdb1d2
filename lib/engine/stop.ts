import type { Trainer } from "./trainer";

/**
 * When play pauses by itself: after a number of updates, after a number of completed epochs, or when
 * the mean training loss (evaluated at the end of each epoch, so it is the whole split's loss and not
 * one batch's) reaches a target.
 */
export type StopCondition = { kind: "steps"; count: number } | { kind: "epochs"; count: number } | { kind: "loss"; below: number };

/** Where a run stands, as far as a stop condition cares. */
export interface RunPosition {
  step: number;
  epoch: number;
  /** Mean training loss at the end of the last completed epoch (NaN if none yet). */
  trainLoss: number;
}

/** True when the run has reached the condition (and play should pause). */
export function isStopReached(stop: StopCondition, at: RunPosition): boolean {
  if (stop.kind === "steps") return at.step >= stop.count;
  if (stop.kind === "epochs") return at.epoch >= stop.count;
  return at.trainLoss <= stop.below;
}

/** Updates left before the condition can next be true: exact for steps, to the epoch's end otherwise. */
export function stepsUntilCheck(stop: StopCondition, t: Trainer): number {
  if (stop.kind === "steps") return Math.max(0, stop.count - t.step);
  return Math.ceil((t.data.train.n - t.cursor) / t.hyper.batchSize);
}

/**
 * Trains at most `maxSteps` updates, stopping at divergence or as soon as `stop` is reached; returns
 * how many updates ran and whether the condition holds. Same arithmetic as `Trainer.run`: only where
 * it pauses depends on the condition.
 */
export function runUntil(t: Trainer, maxSteps: number, stop: StopCondition): { steps: number; reached: boolean } {
  let done = 0;
  for (;;) {
    const position = { step: t.step, epoch: t.epoch, trainLoss: stop.kind === "loss" && t.cursor === 0 && t.step > 0 ? t.evaluate("train").loss : NaN };
    if (isStopReached(stop, position)) return { steps: done, reached: true };
    if (done >= maxSteps) return { steps: done, reached: false };
    const chunk = Math.min(maxSteps - done, Math.max(1, stepsUntilCheck(stop, t)));
    const applied = t.run(chunk);
    done += applied;
    if (applied < chunk) return { steps: done, reached: false };
  }
}

/**
 * How many computed-but-unreleased steps a play loop may hold (`limit` normally) so that it never
 * computes past the condition: exactly up to the step count; for epochs and loss, to the end of the
 * epoch that may satisfy it, and (loss) no further until that epoch's end has been released and its
 * training loss checked. `backlog` is the number of steps computed and not yet released.
 */
export function productionLimit(stop: StopCondition | null, t: Trainer, backlog: number, limit: number): number {
  if (stop === null) return limit;
  if (stop.kind === "steps") return Math.min(limit, backlog + Math.max(0, stop.count - t.step));
  if (stop.kind === "epochs") {
    if (t.epoch >= stop.count) return backlog;
    return t.epoch === stop.count - 1 ? Math.min(limit, backlog + stepsUntilCheck(stop, t)) : limit;
  }
  if (backlog > 0 && t.cursor === 0 && t.step > 0) return backlog; // an epoch end waits to be checked
  return Math.min(limit, backlog + stepsUntilCheck(stop, t));
}

/** The condition as the room reads it when play pauses there. */
export function describeStop(stop: StopCondition): string {
  if (stop.kind === "steps") return `step ${stop.count}`;
  if (stop.kind === "epochs") return `epoch ${stop.count}`;
  return `training loss ≤ ${stop.below}`;
}
