import { Trainer, type EngineConfig } from "@/lib/engine";
import { editedConfig } from "@/lib/edit-schema";
import { AppError, ErrorCode } from "@/lib/errors";
import type { Control, TeachingInfo } from "@/lib/protocol";
import { runFor } from "../teaching/runs";
import type { LoggedControl } from "./journal";
import type { RunState } from "./run-state";
import { StepPipeline } from "./step-pipeline";
import { StepSource } from "./step-source";

/** `reset`: a new run of the same config with the logged seed (R8). */
export function resetRun(run: RunState, seed: number): Promise<void> {
  return startRun(run, { ...run.config, init: { ...run.config.init, seed } }, { action: "reset", seed });
}

/** `preset` and `data`: a new run from another config (D1); the room sees the preset's note, if any. */
export function replaceRun(run: RunState, c: Extract<Control, { action: "preset" | "data" }>, onPreset: (preset: TeachingInfo["preset"]) => void): Promise<void> {
  const { config, preset } = runFor(run.config, c);
  return startRun(run, config, c, () => onPreset(preset));
}

/** `edit`: a new run from the edited config, the current weights that still fit carried over (E1–E4). */
export async function editRun(run: RunState, c: Extract<Control, { action: "edit" }>): Promise<void> {
  await run.halt();
  await run.walk.commit(); // a step walked phase by phase is part of the weights being edited
  let config: EngineConfig;
  try {
    config = editedConfig(run.config, run.trainer.theta, c.edit);
  } catch (error) {
    throw new AppError(ErrorCode.BAD_REQUEST, `edit: ${(error as Error).message}`);
  }
  await startRun(run, config, c);
}

/**
 * Starts a new run at step 0 from `config`, logging `logged` (the run before it is kept, V1); `before`
 * runs just before everyone gets the snapshot. The new run becomes visible only once it is stored.
 */
async function startRun(run: RunState, config: EngineConfig, logged: LoggedControl, before?: () => void): Promise<void> {
  await run.halt();
  run.walk.drop();
  await run.log(logged);
  const source = new StepSource(new Trainer(config));
  const pipeline = new StepPipeline(source, run.journal);
  // Stored with its step-0 checkpoint, atomically.
  await Promise.all([run.journal.newRun(logged.action, config, pipeline.checkpointOp()), run.persistState("paused")]);
  run.replaceEngine(config, source, pipeline);
  before?.();
  run.room.broadcast("session:snapshot", run.snapshot("student"));
}
