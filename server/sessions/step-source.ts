import { toArray, Trainer, type Hyper } from "@/lib/engine";
import type { StepInfo } from "@/lib/protocol";
import type { StepRow } from "./write-ops";

/** A hyperparameter change waiting for the trainer to reach its step. */
export interface ScheduledChange {
  /** Applied when the trainer's step count equals this (so it shapes step `step + 1`). */
  step: number;
  change: Partial<Hyper>;
}

/**
 * Wraps a Trainer for the session: computes steps as wire-ready StepInfo (evaluating the splits at
 * each epoch's end), and applies hyperparameter changes at the step they were logged for.
 */
export class StepSource {
  private scheduled: ScheduledChange[] = [];

  constructor(public trainer: Trainer) {}

  /** Queues a change for step count `step` (applied at once if the trainer is already there). */
  schedule(change: ScheduledChange): void {
    this.scheduled.push(change);
    this.scheduled.sort((a, b) => a.step - b.step);
    this.applyDue();
  }

  /** Changes still waiting (after a recovery, these were logged for steps not yet durable). */
  get pending(): readonly ScheduledChange[] {
    return this.scheduled;
  }

  /** Step count at which the next scheduled change applies (Infinity if none). */
  nextChangeStep(): number {
    return this.scheduled.length > 0 ? this.scheduled[0].step : Number.POSITIVE_INFINITY;
  }

  /** Computes the next step; null when the trainer rejects it as divergent. */
  next(): StepInfo | null {
    this.applyDue();
    const t = this.trainer;
    const cursor = t.cursor;
    const batch = t.nextBatchSize();
    const epoch = t.epoch;
    if (!t.stepOnce()) return null;
    return this.describe(cursor, batch, t.epoch !== epoch);
  }

  /** Describes the step the trainer just took (also used after a traced step). */
  describe(cursor: number, batch: number, epochDone: boolean): StepInfo {
    const t = this.trainer;
    const train = epochDone ? t.evaluate("train") : null;
    const test = epochDone && t.data.test.n > 0 ? t.evaluate("test") : null;
    return {
      step: t.step,
      epoch: t.epoch,
      cursor,
      batch,
      sentAt: 0,
      loss: t.lastLoss,
      trainLoss: train ? train.loss : null,
      trainAccuracy: train ? train.accuracy : null,
      testLoss: test ? test.loss : null,
      testAccuracy: test ? test.accuracy : null,
      params: toArray(t.theta),
    };
  }

  /** Applies every scheduled change whose step has come. */
  applyDue(): void {
    while (this.scheduled.length > 0 && this.scheduled[0].step <= this.trainer.step) {
      const { change } = this.scheduled.shift()!;
      this.trainer.setHyper(change);
    }
  }
}

/** The stored form of a step's metrics. */
export function toStepRow(s: StepInfo): StepRow {
  return { step: s.step, epoch: s.epoch, loss: s.loss, trainLoss: s.trainLoss, trainAccuracy: s.trainAccuracy, testLoss: s.testLoss, testAccuracy: s.testAccuracy };
}
