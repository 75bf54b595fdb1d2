import { Trainer, type EngineConfig, type Hyper, type StepTrace, type TrainerState } from "@/lib/engine";
import type { SessionSnapshot } from "@/lib/protocol";

/** A hyperparameter change the instructor made, applied before step `step + 1`. */
export interface HyperChange {
  step: number;
  change: Partial<Hyper>;
}

/** Steps between the replayer's saved states (scrubbing back never re-runs more than this). */
export const REPLAY_CHECKPOINT_EVERY = 500;

/**
 * Recomputes any step of a stored session locally from its config with the shared engine, which is
 * deterministic bit for bit: from the nearest saved state it runs forward to θ_{k−1}, applying the
 * recorded hyperparameter changes at their steps, then traces step k.
 */
export class Replayer {
  private readonly trainer: Trainer;
  private readonly states = new Map<number, TrainerState>();
  private readonly changes: HyperChange[];

  constructor(
    readonly config: EngineConfig,
    changes: HyperChange[] = [],
  ) {
    this.trainer = new Trainer(config);
    this.changes = [...changes].sort((a, b) => a.step - b.step);
    this.states.set(0, this.trainer.exportState());
  }

  /** The trainer's state after `step` updates (θ_step), or null if training diverged before it. */
  stateAfter(step: number): TrainerState | null {
    const t = this.trainer;
    let from = Math.floor(step / REPLAY_CHECKPOINT_EVERY) * REPLAY_CHECKPOINT_EVERY;
    while (!this.states.has(from)) from -= REPLAY_CHECKPOINT_EVERY;
    if (!(t.step <= step && t.step >= from)) t.seek(this.states.get(from)!);
    while (t.step < step) {
      for (const c of this.changes) if (c.step === t.step) t.setHyper(c.change);
      const nextChange = this.changes.find((c) => c.step > t.step)?.step ?? Infinity;
      const nextCheckpoint = (Math.floor(t.step / REPLAY_CHECKPOINT_EVERY) + 1) * REPLAY_CHECKPOINT_EVERY;
      const target = Math.min(step, nextChange, nextCheckpoint);
      if (t.run(target - t.step) < target - t.step) return null;
      if (t.step % REPLAY_CHECKPOINT_EVERY === 0) this.states.set(t.step, t.exportState());
    }
    for (const c of this.changes) if (c.step === t.step) t.setHyper(c.change);
    return t.exportState();
  }

  /** Step k (≥ 1) traced, with the state before it; null if the run diverged before it. */
  traceStep(k: number): { before: TrainerState; trace: StepTrace } | null {
    const before = this.stateAfter(k - 1);
    if (!before) return null;
    return { before, trace: this.trainer.stepTraced() };
  }

  /** A snapshot of step k as the session store takes it (so replay reuses every live panel). */
  snapshotAt(k: number, meta: { sessionId: string; title: string; joinCode: string }): SessionSnapshot | null {
    const base = { protocol: 1, ...meta, role: "student" as const, config: this.config, stepsPerSecond: 0, phase: null, divergedAt: null, reason: null, history: [], participants: 0 };
    if (k === 0) {
      const s = this.stateAfter(0)!;
      return { ...base, state: "paused", hyper: s.hyper, hyperSince: 0, step: 0, epoch: 0, cursor: s.cursor, params: Array.from(s.params), previous: null };
    }
    const r = this.traceStep(k);
    if (!r) return null;
    const after = this.trainer.exportState();
    return {
      ...base,
      state: r.trace.diverged ? "diverged" : "paused",
      hyper: r.before.hyper,
      hyperSince: k - 1,
      step: k,
      epoch: r.trace.epoch,
      cursor: after.cursor,
      params: r.trace.after,
      previous: { params: Array.from(r.before.params), cursor: r.before.cursor, batch: r.trace.batchSize },
    };
  }
}
