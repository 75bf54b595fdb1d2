import type { StepRow } from "../sessions/write-ops";

/** A stored step's metrics as exported. */
export interface MetricRow extends StepRow {
  run: number;
  at: string;
}

const COLUMNS = ["run", "step", "epoch", "loss", "trainLoss", "trainAccuracy", "testLoss", "testAccuracy", "at"] as const;

/** The CSV header line. */
export const CSV_HEADER = COLUMNS.join(",") + "\n";

/** One metrics row as a CSV line; empty cells where a metric was not measured at that step. */
export function csvLine(r: MetricRow): string {
  return COLUMNS.map((c) => (r[c] === null ? "" : String(r[c]))).join(",") + "\n";
}

/** Metrics as CSV with a header row. */
export function metricsCsv(rows: MetricRow[]): string {
  return CSV_HEADER + rows.map(csvLine).join("");
}
