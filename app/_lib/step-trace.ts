import type { EngineConfig, Hyper, StepTrace } from "@/lib/engine";
import { trainerFor } from "./trainer-cache";

/** How one step was made: θ before it, where its batch starts, how many examples it took. */
export interface StepOrigin {
  /** Number of the step these inputs produce (1 = the first update). */
  step: number;
  /** Completed epochs after the step. */
  epoch: number;
  cursor: number;
  batch: number;
  before: ArrayLike<number>;
  hyper: Hyper;
}

/**
 * Recomputes a step's full trace locally with the shared engine (the server sends only θ, cursor and
 * batch). Reuses the one cached Trainer of the config; the batch size is forced to the step's own so
 * an epoch's short last batch is reproduced exactly.
 */
export function computeStepTrace(config: EngineConfig, origin: StepOrigin): StepTrace {
  const trainer = trainerFor(config);
  const n = trainer.data.train.n;
  // The step that completes an epoch leaves the cursor at 0 and the epoch one higher.
  const epochBefore = origin.cursor + origin.batch >= n ? origin.epoch - 1 : origin.epoch;
  trainer.seek({
    step: origin.step - 1,
    epoch: Math.max(0, epochBefore),
    cursor: origin.cursor,
    params: origin.before,
    hyper: { ...origin.hyper, batchSize: Math.max(1, origin.batch) },
  });
  return trainer.stepTraced();
}

/** True when two parameter vectors are equal bit for bit (NaN equals NaN). */
export function sameParams(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) return false;
  return true;
}
