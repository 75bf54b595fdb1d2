import type { Trainer } from "@/lib/engine";
import type { StepRow } from "./write-ops";

/** Longest stretch of training before yielding to the event loop (keeps sockets responsive). */
const SLICE_MS = 12;

/**
 * Trains `epochs` whole epochs without per-step broadcast, yielding to the event loop every few
 * milliseconds. Returns one metrics row per completed epoch. Stops early at divergence or when
 * `cancelled()` turns true (always at an epoch boundary).
 */
export async function fastForward(t: Trainer, epochs: number, cancelled: () => boolean): Promise<StepRow[]> {
  const rows: StepRow[] = [];
  const target = t.epoch + epochs;
  let sliceStart = performance.now();
  while (t.epoch < target && !cancelled()) {
    const stepsToEpochEnd = Math.ceil((t.data.train.n - t.cursor) / t.hyper.batchSize);
    if (t.run(stepsToEpochEnd) < stepsToEpochEnd) break;
    const train = t.evaluate("train");
    const test = t.data.test.n > 0 ? t.evaluate("test") : null;
    rows.push({ step: t.step, epoch: t.epoch, loss: t.lastLoss, trainLoss: train.loss, trainAccuracy: train.accuracy, testLoss: test?.loss ?? null, testAccuracy: test?.accuracy ?? null });
    if (performance.now() - sliceStart > SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
  return rows;
}
