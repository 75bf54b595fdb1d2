import { hyperChanges, RunReplay, toArray, type EngineConfig, type HyperChange, type Trainer } from "@/lib/engine";
import type { SessionSnapshot } from "@/lib/protocol";
import type { SessionRecord } from "../data/history";

/** A trainer rebuilt at a step, with what the live session needs around it. */
export interface Rebuilt {
  trainer: Trainer;
  /** `set` changes logged for steps beyond the target. */
  pending: HyperChange[];
  /** How the target step was made (θ before it, cursor, batch, hyperparameters), or null at the checkpoint itself. */
  previous: SessionSnapshot["previous"];
}

/**
 * Deterministic replay (lib/engine/replay.ts) of the record's run: resumes at the latest checkpoint at
 * or before `target` with the run's controls logged after it, and trains forward to `target`. The
 * engine is deterministic, so the result is bit-identical to the run that logged those controls.
 */
export function rebuildAt(config: EngineConfig, record: SessionRecord, target: number): Rebuilt {
  const ck = record.checkpoint;
  if (target < ck.step) throw new Error(`rebuild: target step ${target} is before the checkpoint at ${ck.step}`);
  const replay = RunReplay.resume(config, { step: ck.step, epoch: ck.epoch, cursor: ck.cursor, params: ck.params, hyper: ck.hyper }, hyperChanges(record.controls));
  let previous: SessionSnapshot["previous"] = null;
  if (target > ck.step) {
    if (!replay.advanceTo(target - 1)) throw diverged(replay.step + 1);
    const t = replay.trainer;
    previous = { params: toArray(t.theta), cursor: t.cursor, batch: t.nextBatchSize(), hyper: { ...t.hyper, regularization: { ...t.hyper.regularization } } };
    if (!replay.advanceTo(target)) throw diverged(target);
  }
  return { trainer: replay.trainer, pending: replay.pending, previous };
}

function diverged(step: number): Error {
  return new Error(`rebuild: step ${step} diverged during replay, but it was durable`);
}
