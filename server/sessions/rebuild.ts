import { toArray, Trainer, type EngineConfig, type Hyper } from "@/lib/engine";
import type { SessionSnapshot } from "@/lib/protocol";
import type { SessionRecord } from "../data/history";
import { StepSource, type ScheduledChange } from "./step-source";

/** A trainer rebuilt at a step, with what the live session needs around it. */
export interface Rebuilt {
  trainer: Trainer;
  /** `set` changes logged for steps beyond the target. */
  pending: ScheduledChange[];
  /** How the target step was made (θ before it, cursor, batch), or null at the checkpoint itself. */
  previous: SessionSnapshot["previous"];
}

/**
 * Deterministic replay: restores the latest checkpoint at or before `target`, then trains forward to
 * `target`, applying each logged hyperparameter change at the step it was logged for. The engine is
 * deterministic, so the result is bit-identical to the run that logged those controls.
 */
export function rebuildAt(config: EngineConfig, record: SessionRecord, target: number): Rebuilt {
  const ck = record.checkpoint;
  if (target < ck.step) throw new Error(`rebuild: target step ${target} is before the checkpoint at ${ck.step}`);
  const trainer = Trainer.restore(config, { step: ck.step, epoch: ck.epoch, cursor: ck.cursor, params: ck.params, hyper: ck.hyper });
  const source = new StepSource(trainer);
  for (const c of record.controls) {
    if (c.action === "set") source.schedule({ step: c.step, change: hyperChange(c.payload) });
  }
  let previous: SessionSnapshot["previous"] = null;
  while (trainer.step < target) {
    source.applyDue();
    if (trainer.step === target - 1) previous = { params: toArray(trainer.theta), cursor: trainer.cursor, batch: trainer.nextBatchSize() };
    if (!trainer.stepOnce()) throw new Error(`rebuild: step ${trainer.step + 1} diverged during replay, but it was durable`);
  }
  return { trainer, pending: [...source.pending], previous };
}

/** The hyperparameter part of a logged `set` payload. */
function hyperChange(payload: unknown): Partial<Hyper> {
  const p = (payload ?? {}) as Partial<Hyper>;
  const change: Partial<Hyper> = {};
  if (p.learningRate !== undefined) change.learningRate = p.learningRate;
  if (p.batchSize !== undefined) change.batchSize = p.batchSize;
  if (p.regularization !== undefined) change.regularization = p.regularization;
  if (p.lrSchedule !== undefined) change.lrSchedule = p.lrSchedule;
  return change;
}
