import type { StepInfo } from "@/lib/protocol";
import type { CheckpointOp, Journal } from "./journal";
import type { StepSource } from "./step-source";
import { toStepRow } from "./step-source";
import { endTurn, SLICE_MS, takeTurn } from "./cpu-slice";

/** How far (in seconds of play) the pipeline computes and persists ahead of what it has broadcast. */
export const LOOKAHEAD_S = 0.15;
/** From this speed on, a playing session computes and stores its steps two at a time (commitBatch). */
export const PAIRED_COMMITS_FROM = 10;
/** Most steps a session playing at the fastest speed (60/s) holds computed but unreleased. */
export const MAX_PLAY_BACKLOG = lookaheadSteps(60);

/**
 * How many steps a playing session computes and stores together: one transaction for two steps from
 * PAIRED_COMMITS_FROM steps/s, which halves the database's work per step where it competes with the
 * broadcasts for the CPU (docs/benchmarks.md, issue 17). Nothing is released earlier or later for it:
 * the lookahead grows by the same step, so each stored step still has about LOOKAHEAD_S to commit
 * (less the half tick by which the play loop defers the refill after a release).
 */
export function commitBatch(stepsPerSecond: number): number {
  return stepsPerSecond >= PAIRED_COMMITS_FROM ? 2 : 1;
}

/**
 * How many steps a playing session keeps computed ahead of release. This is also the bound on what it
 * holds in memory while the database does not answer: the play loop computes no further until those
 * steps are stored (a `step {count}` control holds at most `count` ≤ 1000).
 */
export function lookaheadSteps(stepsPerSecond: number): number {
  return Math.max(2, Math.ceil(stepsPerSecond * LOOKAHEAD_S)) + commitBatch(stepsPerSecond) - 1;
}

/** At most this many steps between checkpoints (and one at every pause). */
export const CHECKPOINT_EVERY_STEPS = 1000;
/** Replaying from a checkpoint costs at most about this many multiply-adds (bounds traces and recovery). */
const CHECKPOINT_WORK = 50_000_000;

/** Steps between checkpoints for a network of `paramCount` parameters and batches of `batchSize`. */
export function checkpointInterval(paramCount: number, batchSize: number): number {
  return Math.max(10, Math.min(CHECKPOINT_EVERY_STEPS, Math.floor(CHECKPOINT_WORK / (2 * paramCount * batchSize))));
}

/**
 * The durable-before-broadcast pipeline of one session. Steps are computed a little ahead, written in
 * batches through the session's journal (into the shared write queue), and only handed to `release`
 * (which broadcasts them) once committed, in order. So no client ever sees a step that a crash could take back.
 */
export class StepPipeline {
  /** Committed, not yet released. */
  private ready: StepInfo[] = [];
  /** Computed, write not yet committed. */
  private writing = 0;
  private lastWrite: Promise<void> = Promise.resolve();
  /** The trainer refused the next step (it would diverge). */
  blocked = false;
  /** Set at shutdown: a running `run` stops after its current turn. */
  cancelled = false;
  private lastCheckpointStep: number;

  constructor(
    readonly source: StepSource,
    private readonly journal: Journal,
  ) {
    this.lastCheckpointStep = source.trainer.step;
  }

  /** Steps computed but not yet released. */
  get backlog(): number {
    return this.ready.length + this.writing;
  }

  /** Computes up to `limit` steps ahead of release and queues their write; stops early (after at least one step) once `deadline` (performance.now()) has passed. */
  produce(limit: number, deadline = Number.POSITIVE_INFINITY): void {
    const infos: StepInfo[] = [];
    const extra: CheckpointOp[] = [];
    while (!this.blocked && this.backlog + infos.length < limit && (infos.length === 0 || performance.now() < deadline)) {
      const info = this.source.next();
      if (!info) {
        this.blocked = true;
        break;
      }
      infos.push(info);
      const t = this.source.trainer;
      if (info.step - this.lastCheckpointStep >= checkpointInterval(t.layout.count, t.hyper.batchSize)) extra.push(this.checkpointOp());
    }
    if (infos.length === 0) return;
    this.writing += infos.length;
    const committed = this.journal.steps(infos.map(toStepRow));
    for (const op of extra) this.journal.checkpoint(op).catch(() => undefined); // only fails once the queue is closed
    this.lastWrite = committed.then(
      () => {
        this.writing -= infos.length;
        this.ready.push(...infos);
      },
      () => {
        this.writing -= infos.length; // queue closed at shutdown: these steps were never released
      },
    );
  }

  /** The next committed step, if any. */
  take(): StepInfo | undefined {
    return this.ready.shift();
  }

  /** Waits for every computed step to be committed; returns them (in order) for release. */
  async settle(): Promise<StepInfo[]> {
    while (this.writing > 0) await this.lastWrite;
    return this.ready.splice(0);
  }

  /**
   * Computes `count` steps, commits them, and returns them for release (stops at divergence). The
   * work is cut into turns of about SLICE_MS (at least one step each) shared with every other
   * session's heavy work (server/sessions/cpu-slice.ts), so a `step {count: 1000}` of the largest
   * network never holds the process: other sessions' frames, sockets and HTTP requests run between.
   */
  async run(count: number): Promise<StepInfo[]> {
    const limit = this.backlog + count;
    while (!this.blocked && !this.cancelled && this.backlog < limit) {
      await takeTurn();
      const start = performance.now();
      try {
        this.produce(limit, start + SLICE_MS);
      } finally {
        endTurn(performance.now() - start);
      }
    }
    return this.settle();
  }

  /** A checkpoint of the trainer as it stands now (not stored yet). */
  checkpointOp(): CheckpointOp {
    this.source.applyDue(); // changes logged for this step belong in the checkpoint's hyper
    const s = this.source.trainer.exportState();
    this.lastCheckpointStep = s.step;
    return this.journal.checkpointOf(s);
  }

  /** Stores a checkpoint of the trainer as it stands now. */
  checkpoint(): Promise<void> {
    return this.journal.checkpoint(this.checkpointOp());
  }
}
