import { RunReplay, toArray, type HyperChange, type Trainer } from "@/lib/engine";
import type { StepInfo } from "@/lib/protocol";
import type { StepRow } from "./write-ops";

/** A hyperparameter change waiting for the trainer to reach its step (see lib/engine/replay.ts). */
export type ScheduledChange = HyperChange;

/**
 * The live session's side of the one replay module: computes steps as wire-ready StepInfo (evaluating
 * the splits at each epoch's end) on a RunReplay, which applies hyperparameter changes at the step they
 * were logged for, exactly as every replay of the run will.
 */
export class StepSource {
  readonly replay: RunReplay;

  constructor(trainer: Trainer, changes: readonly HyperChange[] = []) {
    this.replay = new RunReplay(trainer, changes);
  }

  /** The trainer (ahead of what was broadcast while playing). */
  get trainer(): Trainer {
    return this.replay.trainer;
  }

  /** Queues a change for step count `step` (applied at once if the trainer is already there). */
  schedule(change: HyperChange): void {
    this.replay.schedule(change);
  }

  /** Changes still waiting (after a recovery, these were logged for steps not yet durable). */
  get pending(): readonly HyperChange[] {
    return this.replay.pending;
  }

  /** Step count at which the next scheduled change applies (Infinity if none). */
  nextChangeStep(): number {
    return this.replay.nextChangeStep();
  }

  /** Applies every scheduled change whose step has come. */
  applyDue(): void {
    this.replay.applyDue();
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
}

/** The stored form of a step's metrics. */
export function toStepRow(s: StepInfo): StepRow {
  return { step: s.step, epoch: s.epoch, loss: s.loss, trainLoss: s.trainLoss, trainAccuracy: s.trainAccuracy, testLoss: s.testLoss, testAccuracy: s.testAccuracy };
}
