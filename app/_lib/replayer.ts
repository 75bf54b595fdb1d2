import { RunReplay, type EngineConfig, type HyperChange, type StepTrace, type TrainerState } from "@/lib/engine";
import type { SessionSnapshot } from "@/lib/protocol";

export type { HyperChange } from "@/lib/engine";

/** Steps between the replayer's saved states (scrubbing back never re-runs more than this). */
export const REPLAY_CHECKPOINT_EVERY = 500;

/**
 * Recomputes any step of one stored run locally with the shared replay (lib/engine/replay.ts): from
 * the nearest saved state it runs forward to θ_{k−1}, applying the run's logged hyperparameter changes
 * at their steps, then traces step k. Deterministic bit for bit, like the server's rebuild.
 */
export class Replayer {
  private readonly replay: RunReplay;
  private readonly states = new Map<number, TrainerState>();
  /** The step traced last, with its trace (the replay page checks its loss against the recorded one). */
  lastTraced: { step: number; trace: StepTrace } | null = null;

  constructor(
    readonly config: EngineConfig,
    changes: readonly HyperChange[] = [],
  ) {
    this.replay = RunReplay.start(config, changes);
    this.states.set(0, this.replay.save());
  }

  /** The trainer's state after `step` updates (θ_step, with the changes logged up to it), or null if training diverged before it. */
  stateAfter(step: number): TrainerState | null {
    const r = this.replay;
    let from = Math.floor(step / REPLAY_CHECKPOINT_EVERY) * REPLAY_CHECKPOINT_EVERY;
    while (!this.states.has(from)) from -= REPLAY_CHECKPOINT_EVERY;
    if (!(r.step <= step && r.step >= from)) r.seek(this.states.get(from)!);
    while (r.step < step) {
      const target = Math.min(step, (Math.floor(r.step / REPLAY_CHECKPOINT_EVERY) + 1) * REPLAY_CHECKPOINT_EVERY);
      if (!r.advanceTo(target)) return null;
      if (r.step % REPLAY_CHECKPOINT_EVERY === 0) this.states.set(r.step, r.save());
    }
    return r.save();
  }

  /** Step k (≥ 1) traced, with the state before it; null if the run diverged before it. */
  traceStep(k: number): { before: TrainerState; trace: StepTrace } | null {
    const before = this.stateAfter(k - 1);
    if (!before) return null;
    const trace = this.replay.trainer.stepTraced();
    this.lastTraced = { step: k, trace };
    return { before, trace };
  }

  /** A snapshot of step k as the session store takes it (so replay reuses every live panel). */
  snapshotAt(k: number, meta: { sessionId: string; title: string; joinCode: string }): SessionSnapshot | null {
    const base = { protocol: 1, ...meta, role: "student" as const, config: this.config, stepsPerSecond: 0, phase: null, divergedAt: null, reason: null, history: [], participants: 0 };
    if (k === 0) {
      const s = this.stateAfter(0)!;
      return { ...base, state: "paused", hyper: s.hyper, hyperSince: 0, hypers: [{ since: 0, hyper: s.hyper }], step: 0, epoch: 0, cursor: s.cursor, params: Array.from(s.params), previous: null };
    }
    const r = this.traceStep(k);
    if (!r) return null;
    const after = this.replay.trainer.exportState();
    return {
      ...base,
      state: r.trace.diverged ? "diverged" : "paused",
      hyper: r.before.hyper,
      hyperSince: k - 1,
      hypers: [{ since: k - 1, hyper: r.before.hyper }],
      step: k,
      epoch: r.trace.epoch,
      cursor: after.cursor,
      params: r.trace.after,
      previous: { params: Array.from(r.before.params), cursor: r.before.cursor, batch: r.trace.batchSize, hyper: r.before.hyper },
    };
  }
}
