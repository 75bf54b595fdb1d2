import { divergenceReason, type RunState } from "./run-state";
import { checkpointInterval } from "./step-pipeline";
import type { StepSource } from "./step-source";
import type { StepRow } from "./write-ops";
import { endTurn, takeTurn } from "./cpu-slice";

/** Longest stretch of training before yielding to the event loop (keeps sockets responsive). */
const SLICE_MS = 12;
/** Most multiply-adds in one uninterrupted run (bounds the time between cancellation checks). */
const CHUNK_WORK = 2_000_000;

/** Callbacks of a fast-forward. */
export interface FastForwardHooks {
  cancelled: () => boolean;
  /** Store at least every this many steps (so a trace or a recovery never replays more). */
  checkpointEvery: number;
  /** Stores the rows so far and a checkpoint at the trainer's current step. */
  persist: (rows: StepRow[]) => Promise<void>;
}

/**
 * Trains `epochs` whole epochs without per-step broadcast, in slices that yield to the event loop,
 * through the run's replay (lib/engine/replay.ts), which applies logged hyperparameter changes at
 * their exact steps. One metrics row per completed epoch;
 * a checkpoint at least every `checkpointEvery` steps. Stops early at divergence or cancellation.
 * Returns the rows not yet persisted.
 */
export async function fastForward(source: StepSource, epochs: number, hooks: FastForwardHooks): Promise<StepRow[]> {
  const t = source.trainer;
  const rows: StepRow[] = [];
  const target = t.epoch + epochs;
  let lastCheckpoint = t.step;
  // Training takes turns with every other session's heavy work (server/sessions/cpu-slice.ts).
  await takeTurn();
  let sliceStart = performance.now();
  try {
    while (t.epoch < target && !hooks.cancelled()) {
      source.applyDue(); // the batch size of the next step may change here
      const stepsToEpochEnd = Math.ceil((t.data.train.n - t.cursor) / t.hyper.batchSize);
      const maxChunk = Math.max(1, Math.floor(CHUNK_WORK / (t.layout.count * t.hyper.batchSize)));
      const toCheckpoint = hooks.checkpointEvery - (t.step - lastCheckpoint);
      // A change of batch size mid-chunk moves the epoch's end; chunks stop at changes so it is measured again.
      const chunk = Math.max(1, Math.min(stepsToEpochEnd, source.nextChangeStep() - t.step, maxChunk, toCheckpoint));
      const epoch = t.epoch;
      if (source.replay.advance(chunk) < chunk) break;
      if (t.epoch !== epoch) {
        const train = t.evaluate("train");
        const test = t.data.test.n > 0 ? t.evaluate("test") : null;
        rows.push({ step: t.step, epoch: t.epoch, loss: t.lastLoss, trainLoss: train.loss, trainAccuracy: train.accuracy, testLoss: test?.loss ?? null, testAccuracy: test?.accuracy ?? null });
      }
      if (t.step - lastCheckpoint >= hooks.checkpointEvery) {
        await hooks.persist(rows.splice(0));
        lastCheckpoint = t.step;
      }
      if (performance.now() - sliceStart > SLICE_MS) {
        endTurn(performance.now() - sliceStart);
        await takeTurn();
        sliceStart = performance.now();
      }
    }
  } finally {
    endTurn(performance.now() - sliceStart);
  }
  return rows;
}

/**
 * The `fastForward` control (R10): trains `epochs` whole epochs with no step frames, storing the epoch
 * rows and checkpoints as it goes, then everyone gets one snapshot. Pause, end, reset and shutdown
 * cancel it at its next slice.
 */
export async function runFastForward(run: RunState, epochs: number): Promise<void> {
  await run.halt();
  await run.walk.commit();
  await run.log({ action: "fastForward", epochs });
  run.fastForwarding = true;
  run.cancelFastForward = false;
  run.state = "playing";
  run.reason = `fast-forwarding ${epochs} epochs`;
  run.broadcastState();
  const t = run.trainer;
  const persist = (rows: StepRow[]) =>
    Promise.all([rows.length > 0 ? run.journal.steps(rows) : Promise.resolve(), run.journal.advance(t.step), run.pipeline.checkpoint()]).then(() => run.view.addRows(rows));
  try {
    const rest = await fastForward(run.source, epochs, {
      cancelled: () => run.cancelFastForward,
      checkpointEvery: checkpointInterval(t.layout.count, t.hyper.batchSize),
      persist,
    });
    run.state = t.divergedAt !== null ? "diverged" : "paused";
    run.reason = run.state === "diverged" ? divergenceReason(t.divergedAt!) : null;
    await Promise.all([persist(rest), run.persistState()]);
    run.view.jumpTo(t);
  } finally {
    run.fastForwarding = false;
  }
  run.room.broadcast("session:snapshot", run.snapshot("student"));
}
