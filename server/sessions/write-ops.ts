import type { Hyper } from "@/lib/engine";

/** Metrics of one step, as stored. */
export interface StepRow {
  step: number;
  epoch: number;
  loss: number;
  trainLoss: number | null;
  trainAccuracy: number | null;
  testLoss: number | null;
  testAccuracy: number | null;
}

/** One durable write. The queue applies them in order; a session's writes never reorder. */
export type WriteOp =
  /** Per-step metrics; also moves the session's durable step to the last row. */
  | { kind: "steps"; sessionId: string; rows: StepRow[] }
  /** Moves the durable step without metrics (fast-forward). */
  | { kind: "advance"; sessionId: string; step: number }
  | { kind: "control"; sessionId: string; seq: number; step: number; action: string; payload: unknown }
  | { kind: "checkpoint"; sessionId: string; step: number; epoch: number; cursor: number; params: Float64Array; hyper: Hyper; controlSeq: number }
  | { kind: "state"; sessionId: string; state: string; ended: boolean }
  /** A new run (`cause`: the action that started it): the old run is kept; stores the new config and its step-0 checkpoint. */
  | { kind: "reset"; sessionId: string; cause: string; config: unknown; checkpoint: Extract<WriteOp, { kind: "checkpoint" }> }
  | { kind: "participant-join"; id: string; sessionId: string; name: string; role: string; joinedAt: Date }
  | { kind: "participant-leave"; id: string; leftAt: Date };

/** Ops a flush refused for good (not retried): their pushers are rejected with `error`. */
export interface FlushRejection {
  rejected: ReadonlySet<WriteOp>;
  error: Error;
}

/** Applies a batch of ops atomically, in order; may refuse some ops for good (multi-node fencing). */
export type FlushFn = (ops: WriteOp[]) => Promise<void | FlushRejection>;

/** The session an op belongs to (null for a participant's leave, which carries only its row id). */
export function sessionOf(op: WriteOp): string | null {
  return "sessionId" in op ? op.sessionId : null;
}

/** True for roster ops (join/leave), which a full queue may drop. */
export function isRosterOp(op: WriteOp): boolean {
  return op.kind === "participant-join" || op.kind === "participant-leave";
}
