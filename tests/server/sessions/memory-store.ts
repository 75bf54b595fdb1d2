import type { Hyper } from "@/lib/engine";
import type { SessionRecord } from "@/server/data/history";
import type { StepRow, WriteOp } from "@/server/sessions/write-ops";
import type { ServerToClientEvents } from "@/lib/protocol";
import type { RoomPort } from "@/server/realtime/room";

/** An in-memory stand-in for the database: applies write ops like server/data/write-ops.ts does. */
export class MemoryStore {
  step = 0;
  run = 0;
  config: unknown;
  state = "paused";
  metrics = new Map<number, StepRow>();
  checkpoints = new Map<number, { step: number; epoch: number; cursor: number; params: Float64Array; hyper: Hyper; controlSeq: number }>();
  controls: { seq: number; step: number; action: string; payload: unknown }[] = [];
  /** Committed transactions, each a list of op kinds (for ordering assertions). */
  log: string[][] = [];
  /** How many step rows each committed `steps` op carried, in order. */
  rowsPerStepsOp: number[] = [];
  /** Resolve to let a flush commit; by default flushes commit at once. */
  gate: (() => Promise<void>) | null = null;

  constructor(config: unknown, initial: { params: Float64Array; hyper: Hyper }) {
    this.config = config;
    this.checkpoints.set(0, { step: 0, epoch: 0, cursor: 0, params: initial.params, hyper: initial.hyper, controlSeq: 0 });
  }

  /** The write queue's flush function. */
  flush = async (ops: WriteOp[]): Promise<void> => {
    if (this.gate) await this.gate();
    this.log.push(ops.map((o) => o.kind));
    for (const op of ops) {
      if (op.kind === "steps") {
        this.rowsPerStepsOp.push(op.rows.length);
        for (const r of op.rows) this.metrics.set(r.step, r);
        if (op.rows.length) this.step = op.rows[op.rows.length - 1].step;
      } else if (op.kind === "advance") this.step = op.step;
      else if (op.kind === "control") this.controls.push({ seq: op.seq, step: op.step, action: op.action, payload: op.payload });
      else if (op.kind === "checkpoint") this.checkpoints.set(op.step, { ...op, params: op.params.slice() });
      else if (op.kind === "state") this.state = op.state;
      else if (op.kind === "reset") {
        // Keeps only the current run (the database keeps every run; see tests/server/runs.integration.test.ts).
        this.metrics.clear();
        this.checkpoints.clear();
        this.run++;
        this.config = op.config;
        this.step = 0;
        this.checkpoints.set(op.checkpoint.step, { ...op.checkpoint, params: op.checkpoint.params.slice() }); // stored with the new run, atomically
      }
    }
  };

  /** What server/data/history.ts loadSessionRecord would return. */
  record(atStep = this.step): SessionRecord {
    const target = Math.min(atStep, this.step);
    const ck = [...this.checkpoints.values()].filter((c) => c.step <= target).sort((a, b) => b.step - a.step)[0];
    const lastReset = [...this.controls].reverse().find((c) => c.action === "reset")?.seq ?? 0;
    const lastSet = [...this.controls].reverse().find((c) => c.action === "set" && c.seq > lastReset && c.step <= target);
    return {
      id: "s1",
      title: "t",
      joinCode: "ABCDEF",
      keyHash: "",
      config: this.config,
      state: this.state,
      run: this.run,
      currentRun: this.run,
      step: this.step,
      checkpoint: ck,
      controls: this.controls.filter((c) => c.seq > ck.controlSeq),
      lastSeq: this.controls.at(-1)?.seq ?? 0,
      lastSetStep: lastSet?.step ?? 0,
    };
  }
}

/** A RoomPort that records what was sent. */
export class FakeRoom implements RoomPort {
  events: { to: "room" | "instructors"; event: keyof ServerToClientEvents; args: unknown[] }[] = [];
  broadcast: RoomPort["broadcast"] = (event, ...args) => void this.events.push({ to: "room", event, args });
  toInstructors: RoomPort["toInstructors"] = (event, ...args) => void this.events.push({ to: "instructors", event, args });

  /** Payloads of one event type, in order. */
  of<E extends keyof ServerToClientEvents>(event: E): Parameters<ServerToClientEvents[E]>[0][] {
    return this.events.filter((e) => e.event === event).map((e) => e.args[0] as Parameters<ServerToClientEvents[E]>[0]);
  }
}
