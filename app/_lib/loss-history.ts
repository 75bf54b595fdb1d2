import type { StepSummary } from "@/lib/protocol";

/**
 * The loss curve as growing column arrays, uPlot's aligned-data layout: appending a step is O(1)
 * amortised, so 100,000+ points stay cheap. `version` changes whenever the columns do.
 */
export class LossHistory {
  steps: number[] = [];
  /** Mean loss of each step's batch (before its update); null where it was not finite. */
  batchLoss: (number | null)[] = [];
  /** Loss over the whole training split, on steps that complete an epoch (null elsewhere). */
  trainLoss: (number | null)[] = [];
  /** Loss over the test split, on steps that complete an epoch (null elsewhere). */
  testLoss: (number | null)[] = [];
  /** Lowest and highest batch loss of a stored bucket (the whole run before the live tail); null on live points. */
  low: (number | null)[] = [];
  high: (number | null)[] = [];
  version = 0;

  /** Number of points. */
  get length(): number {
    return this.steps.length;
  }

  /** Appends one step; a step not after the last one is ignored (replays after reconnecting). */
  append(s: StepSummary): void {
    const n = this.steps.length;
    if (n > 0 && s[0] <= this.steps[n - 1]) return;
    this.steps.push(s[0]);
    // The chart cannot scale to NaN or ±∞ (an empty test split, a diverged step): they become gaps.
    this.batchLoss.push(finiteOrNull(s[2]));
    this.trainLoss.push(finiteOrNull(s[3]));
    this.testLoss.push(finiteOrNull(s[5]));
    this.low.push(null);
    this.high.push(null);
    this.version++;
  }

  /**
   * Puts the stored run before the live tail: each bucket (mean, min, max of its steps, from the server)
   * that ends before the first point held becomes one point, so a long or fast-forwarded run is drawn
   * whole and its spikes survive. Buckets overlapping the tail are left out.
   */
  backfill(buckets: readonly { step: number; mean: number | null; min: number | null; max: number | null }[]): void {
    const first = this.steps.length > 0 ? this.steps[0] : Infinity;
    const before = buckets.filter((b) => b.step < first);
    if (before.length === 0) return;
    const nulls = before.map(() => null);
    this.steps = [...before.map((b) => b.step), ...this.steps];
    this.batchLoss = [...before.map((b) => finiteOrNull(b.mean)), ...this.batchLoss];
    this.trainLoss = [...nulls, ...this.trainLoss];
    this.testLoss = [...nulls, ...this.testLoss];
    this.low = [...before.map((b) => finiteOrNull(b.min)), ...this.low];
    this.high = [...before.map((b) => finiteOrNull(b.max)), ...this.high];
    this.version++;
  }

  /**
   * Merges a snapshot's recent history: points before its first step are kept (a resync after a gap),
   * everything from there on is replaced. A history that starts before ours replaces it all.
   */
  merge(history: readonly StepSummary[]): void {
    if (history.length === 0) return;
    const first = history[0][0];
    let keep = this.steps.length;
    while (keep > 0 && this.steps[keep - 1] >= first) keep--;
    this.steps.length = keep;
    this.batchLoss.length = keep;
    this.trainLoss.length = keep;
    this.testLoss.length = keep;
    this.low.length = keep;
    this.high.length = keep;
    for (const s of history) this.append(s);
    this.version++;
  }

  /** Forgets every point (a reset starts a new curve). */
  clear(): void {
    this.steps = [];
    this.batchLoss = [];
    this.trainLoss = [];
    this.testLoss = [];
    this.low = [];
    this.high = [];
    this.version++;
  }
}

function finiteOrNull(v: number | null): number | null {
  return v !== null && Number.isFinite(v) ? v : null;
}
