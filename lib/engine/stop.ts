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
