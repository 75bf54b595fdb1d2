import { Trainer, type TrainerState } from "./trainer";
import type { EngineConfig, Hyper } from "./types";

/** A logged hyperparameter change: applied when the trainer's step count equals `step`, so it shapes step `step + 1`. */
export interface HyperChange {
  step: number;
  change: Partial<Hyper>;
}

/** One entry of a session's control log, as stored (`payload` is the control without its action). */
export interface LoggedControl {
  step: number;
  action: string;
  payload: unknown;
}

/**
 * Controls that start a new run at step 0 (a run boundary). A control that replaces the run joins this
 * list, and the server, the replay and the run listing all follow.
 */
export const RUN_STARTING_ACTIONS: readonly string[] = ["reset", "preset", "data", "edit"];

/** True when a logged action starts a new run. */
export function startsRun(action: string): boolean {
  return RUN_STARTING_ACTIONS.includes(action);
}

/** The hyperparameter changes of one run's control log (its `set` controls), in log order. */
export function hyperChanges(log: readonly LoggedControl[]): HyperChange[] {
  const changes: HyperChange[] = [];
  for (const c of log) if (c.action === "set") changes.push({ step: c.step, change: hyperPart(c.payload) });
  return changes;
}

/** The hyperparameter fields of a logged `set` payload (anything else is ignored). */
function hyperPart(payload: unknown): Partial<Hyper> {
  const p = (payload ?? {}) as Partial<Hyper>;
  const change: Partial<Hyper> = {};
  if (p.learningRate !== undefined) change.learningRate = p.learningRate;
  if (p.batchSize !== undefined) change.batchSize = p.batchSize;
  if (p.regularization !== undefined) change.regularization = p.regularization;
  if (p.lrSchedule !== undefined) change.lrSchedule = p.lrSchedule;
  return change;
}

/**
 * A resumable replay of one run: a trainer plus the run's hyperparameter changes, each applied at the
 * step it was logged for. Invariant: every change logged at a step ≤ the trainer's step has been
 * applied. The engine is deterministic, so replaying the same (config, control log) gives the same
 * parameters bit for bit, wherever it runs (server rebuild, live steps, fast-forward, the browser).
 */
export class RunReplay {
  private readonly changes: HyperChange[];
  private next = 0;

  constructor(
    readonly trainer: Trainer,
    changes: readonly HyperChange[] = [],
  ) {
    this.changes = [...changes].sort((a, b) => a.step - b.step); // stable: equal steps keep log order
    this.applyDue();
  }

  /** A replay from step 0 of a run with this config. */
  static start(config: EngineConfig, changes: readonly HyperChange[] = []): RunReplay {
    return new RunReplay(new Trainer(config), changes);
  }

  /** A replay resumed at a saved state (a checkpoint); `changes` are those logged after it was taken. */
  static resume(config: EngineConfig, state: TrainerState, changes: readonly HyperChange[] = []): RunReplay {
    return new RunReplay(Trainer.restore(config, state), changes);
  }

  /** Updates applied so far. */
  get step(): number {
    return this.trainer.step;
  }

  /** Changes not applied yet (logged for steps beyond the trainer's). */
  get pending(): HyperChange[] {
    return this.changes.slice(this.next);
  }

  /** Step count at which the next change applies (Infinity if none). */
  nextChangeStep(): number {
    return this.next < this.changes.length ? this.changes[this.next].step : Number.POSITIVE_INFINITY;
  }

  /** Adds a change (a live `set`); applied at once if the trainer is already at its step. */
  schedule(change: HyperChange): void {
    let at = this.changes.length;
    while (at > this.next && this.changes[at - 1].step > change.step) at--;
    this.changes.splice(at, 0, change);
    this.applyDue();
  }

  /** Applies every change whose step has come. */
  applyDue(): void {
    const t = this.trainer;
    while (this.next < this.changes.length && this.changes[this.next].step <= t.step) t.setHyper(this.changes[this.next++].change);
  }

  /**
   * Runs up to `maxSteps` steps, applying changes at their steps; stops early when a step diverges
   * (the trainer keeps the last finite parameters). Returns how many steps were applied. Callers that
   * must yield (CPU slicing) call it repeatedly with small `maxSteps`.
   */
  advance(maxSteps: number): number {
    const t = this.trainer;
    let done = 0;
    while (done < maxSteps) {
      this.applyDue();
      const chunk = Math.min(maxSteps - done, this.nextChangeStep() - t.step);
      const applied = t.run(chunk);
      done += applied;
      if (applied < chunk) return done;
    }
    this.applyDue();
    return done;
  }

  /** Runs to step `target` (≥ the current step); false if a step diverged before it. */
  advanceTo(target: number): boolean {
    if (target < this.trainer.step) throw new Error(`replay: target step ${target} is before the trainer's step ${this.trainer.step}`);
    const count = target - this.trainer.step;
    return this.advance(count) === count;
  }

  /** Moves to a state saved by `save` (or a checkpoint) of the same run: it holds every change up to its step. */
  seek(state: TrainerState): void {
    this.trainer.seek(state);
    this.next = 0;
    while (this.next < this.changes.length && this.changes[this.next].step <= state.step) this.next++;
  }

  /** The trainer's state, including every change logged up to its step. */
  save(): TrainerState {
    this.applyDue();
    return this.trainer.exportState();
  }
}

/** The trainer of a run after `target` steps, replayed from step 0; null if a step diverged before it. */
export function replayRun(config: EngineConfig, log: readonly LoggedControl[], target: number): Trainer | null {
  const replay = RunReplay.start(config, hyperChanges(log));
  return replay.advanceTo(target) ? replay.trainer : null;
}
