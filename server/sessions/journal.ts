import type { EngineConfig, TrainerState } from "@/lib/engine";
import type { RosterEntry, SessionState } from "@/lib/protocol";
import type { Clock } from "./clock";
import type { WriteQueue } from "./write-queue";
import type { StepRow, WriteOp } from "./write-ops";

/** A control as logged: its action and payload (a control the client sent, or one the session made, like S1's pause). */
export type LoggedControl = { action: string } & Record<string, unknown>;

/** A checkpoint write: where the engine stands, and the last control it has seen. */
export type CheckpointOp = Extract<WriteOp, { kind: "checkpoint" }>;

/**
 * What one session stores, in order: the only place that builds its write ops. Every op goes into the
 * shared write queue (first in, first out), and each call resolves once its op is committed. It also
 * numbers the control log: a control's sequence number is taken when it is logged.
 */
export class Journal {
  private seq: number;

  constructor(
    private readonly sessionId: string,
    private readonly queue: WriteQueue,
    private readonly clock: Clock,
    controlSeq: number,
  ) {
    this.seq = controlSeq;
  }

  /** Sequence number of the last control logged. */
  get controlSeq(): number {
    return this.seq;
  }

  /** Logs a control (or a control-shaped record) as applying at step count `step`. */
  control(payload: LoggedControl, step: number): Promise<void> {
    const { action, ...rest } = payload;
    this.seq++;
    return this.queue.push({ kind: "control", sessionId: this.sessionId, seq: this.seq, step, action, payload: rest });
  }

  /** Stores the session's state (`finished` also marks it ended). */
  state(state: SessionState): Promise<void> {
    return this.queue.push({ kind: "state", sessionId: this.sessionId, state, ended: state === "finished" });
  }

  /** Stores the metrics of steps; the last row's step becomes the durable step. */
  steps(rows: StepRow[]): Promise<void> {
    return this.queue.push({ kind: "steps", sessionId: this.sessionId, rows });
  }

  /** Moves the durable step without metrics (fast-forward). */
  advance(step: number): Promise<void> {
    return this.queue.push({ kind: "advance", sessionId: this.sessionId, step });
  }

  /** A checkpoint of the engine at `at`, built now (stored by `checkpoint` or with `newRun`). */
  checkpointOf(at: TrainerState): CheckpointOp {
    return { kind: "checkpoint", sessionId: this.sessionId, step: at.step, epoch: at.epoch, cursor: at.cursor, params: Float64Array.from(at.params), hyper: at.hyper, controlSeq: this.seq };
  }

  /** Stores a checkpoint built by `checkpointOf`. */
  checkpoint(op: CheckpointOp): Promise<void> {
    return this.queue.push(op);
  }

  /** Starts a new run (the old one is kept) from `config`, with its step-0 checkpoint, atomically. */
  newRun(cause: string, config: EngineConfig, checkpoint: CheckpointOp): Promise<void> {
    return this.queue.push({ kind: "reset", sessionId: this.sessionId, cause, config, checkpoint });
  }

  /** Records that someone joined (droppable: a full queue refuses it, and nobody waits for it). */
  joined(entry: RosterEntry): void {
    const op: WriteOp = { kind: "participant-join", id: entry.id, sessionId: this.sessionId, name: entry.name, role: entry.role, joinedAt: new Date(entry.joinedAt) };
    this.queue.push(op).catch(() => undefined);
  }

  /** Records that someone left (droppable, like `joined`). */
  left(entry: RosterEntry): void {
    this.queue.push({ kind: "participant-leave", id: entry.id, leftAt: new Date(this.clock.now()) }).catch(() => undefined);
  }
}
