import type { StepRow } from "../sessions/write-ops";

/** A stored step's metrics as exported. */
export interface MetricRow extends StepRow {
  at: string;
}

const COLUMNS = ["step", "epoch", "loss", "trainLoss", "trainAccuracy", "testLoss", "testAccuracy", "at"] as const;

/** Metrics as CSV with a header row; empty cells where a metric was not measured at that step. */
export function metricsCsv(rows: MetricRow[]): string {
  const lines = [COLUMNS.join(",")];
  for (const r of rows) lines.push(COLUMNS.map((c) => (r[c] === null ? "" : String(r[c]))).join(","));
  return lines.join("\n") + "\n";
}
