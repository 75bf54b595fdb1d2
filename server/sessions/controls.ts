import { randomInt } from "node:crypto";
import { describeStop, isStopReached, type Point, type StopCondition } from "@/lib/engine";
import { AppError, ErrorCode } from "@/lib/errors";
import type { Control, TeachingInfo } from "@/lib/protocol";
import { runFastForward } from "./fast-forward";
import { editRun, replaceRun, resetRun } from "./new-run";
import type { RunState } from "./run-state";

/** What a control may change outside the run. */
export interface ControlHooks {
  /** A `preset` or `data` control changed the preset note the room sees (T1). */
  onPreset: (preset: TeachingInfo["preset"]) => void;
  /** The session has ended. */
  onEnded: () => void;
}

/** What a poll's reveal needs from the step it ran (Q7). */
export interface RevealedStep {
  /** The step that ran (or would have run, when it diverged). */
  step: number;
  diverged: boolean;
  before: number[];
  after: number[];
  /** The examples of the step's batch. */
  examples: Point[];
}

/** Applies one instructor control to the run (inside the control chain; docs/protocol.md lists them). */
export async function applyControl(run: RunState, c: Control, hooks: ControlHooks): Promise<void> {
  switch (c.action) {
    case "play":
      return play(run, c.stepsPerSecond, c.until ?? null);
    case "pause":
      return run.pause();
    case "step":
      return stepNow(run, c.count);
    case "phase":
      return run.walk.next();
    case "reset":
      return resetRun(run, c.seed ?? randomInt(0, 2 ** 32 - 1));
    case "preset":
    case "data":
      return replaceRun(run, c, hooks.onPreset);
    case "edit":
      return editRun(run, c);
    case "set":
      return set(run, c);
    case "fastForward":
      return runFastForward(run, c.epochs);
    case "end":
      await run.halt();
      await run.walk.commit();
      await run.log(c);
      await Promise.all([run.checkpoint(), run.persistState("finished")]);
      run.state = "finished";
      run.reason = null;
      run.broadcastState();
      hooks.onEnded();
  }
}

/** Runs `check`, then exactly one step through the normal durable path, and says what it did (a poll's reveal, Q7). */
export async function revealOneStep(run: RunState, check: () => void): Promise<RevealedStep> {
  if (run.state === "playing" || run.fastForwarding) throw new AppError(ErrorCode.CONFLICT, "the session is playing; pause it first");
  check();
  await run.walk.commit();
  run.source.applyDue();
  const t = run.trainer;
  const batch = t.nextBatchSize();
  const examples: Point[] = [];
  for (let k = 0; k < batch; k++) examples.push(t.data.train.points[t.order[t.cursor + k]]);
  const before = run.view.position.params;
  const step = run.view.position.step + 1;
  await stepNow(run, 1);
  const diverged = run.view.position.step !== step;
  return { step, diverged, before, after: run.view.position.params, examples };
}

async function play(run: RunState, stepsPerSecond: number, until: StopCondition | null): Promise<void> {
  const at = run.view.position;
  if (until && isStopReached(until, { step: at.step, epoch: at.epoch, trainLoss: NaN })) throw new AppError(ErrorCode.BAD_REQUEST, `until: ${describeStop(until)} is already reached (step ${at.step})`);
  const wasPlaying = run.state === "playing";
  run.stepsPerSecond = stepsPerSecond;
  run.loop.pauseAt(until);
  await run.walk.commit();
  await run.log(until ? { action: "play", stepsPerSecond, until } : { action: "play", stepsPerSecond });
  if (!wasPlaying) {
    run.pipeline.blocked = false; // from diverged: try again (a changed learning rate may help)
    run.state = "playing";
    run.reason = null;
    run.persistState().catch(() => undefined);
    run.loop.start();
  }
  run.broadcastState();
}

async function stepNow(run: RunState, count: number): Promise<void> {
  if (run.state === "playing") throw new AppError(ErrorCode.CONFLICT, "the session is playing; pause it before stepping");
  let left = count;
  if (run.walk.active) {
    await run.walk.commit();
    left--;
  }
  await run.log({ action: "step", count });
  run.pipeline.blocked = false;
  for (const info of await run.pipeline.run(left)) run.release(info);
  if (run.pipeline.blocked) return run.enterDiverged();
  if (run.state === "diverged") {
    run.state = "paused";
    run.reason = null;
    run.broadcastState();
  }
}

async function set(run: RunState, c: Extract<Control, { action: "set" }>): Promise<void> {
  const { action: _, ...change } = c;
  const n = run.trainer.data.train.n;
  if (change.batchSize !== undefined && change.batchSize > n) throw new AppError(ErrorCode.BAD_REQUEST, `batchSize: must be ≤ the training split size ${n}, got ${change.batchSize}`);
  const step = run.trainer.step;
  // Log and apply in the same tick: the play loop cannot compute a step in between, and the log op
  // is queued before any step computed with the new values (the queue is first in, first out).
  const logged = run.log(c, step);
  run.source.schedule({ step, change });
  run.view.recordHyper(step, run.trainer.hyper);
  await logged;
  if (run.state === "diverged") {
    run.state = "paused";
    run.reason = null;
    run.pipeline.blocked = false;
    run.persistState().catch(() => undefined);
  }
  run.broadcastState();
}
