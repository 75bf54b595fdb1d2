import { LossHistory } from "./loss-history";
import type { StepSummary } from "@/lib/protocol";

/** A loss history filled from the recorded metrics, with listeners for the chart. */
export class ReplayHistory {
  readonly history = new LossHistory();
  private readonly listeners = new Set<() => void>();

  /** Registers a listener; returns the unsubscribe. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Appends recorded rows (in step order) and tells the chart. */
  add(rows: readonly StepSummary[]): void {
    for (const r of rows) this.history.append(r);
    this.listeners.forEach((l) => l());
  }

  /** The recorded batch loss of a step, if loaded. */
  lossAt(step: number): number | undefined {
    const { steps, batchLoss } = this.history;
    let lo = 0;
    let hi = steps.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (steps[mid] === step) return batchLoss[mid] ?? undefined;
      if (steps[mid] < step) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }
}
