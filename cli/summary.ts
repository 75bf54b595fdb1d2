import type { Evaluation } from "../lib/engine/trainer";
import { formatNumber } from "../lib/explain";

/** How a training run ended. */
export interface TrainSummary {
  state: "trained" | "diverged";
  /** Step whose update was rejected as non-finite, or null. */
  divergedAt: number | null;
  steps: number;
  epochs: number;
  train: Evaluation & { examples: number };
  test: (Evaluation & { examples: number }) | null;
  params: Record<string, number>;
}

/** The summary as text lines: `key: value`, then the parameters at full precision. */
export function summaryLines(s: TrainSummary): string[] {
  const lines = [
    s.state === "trained" ? "state: trained" : `state: diverged at step ${s.divergedAt} (update rejected; parameters are those after step ${s.steps})`,
    `steps: ${s.steps}`,
    `epochs: ${s.epochs}`,
    `final loss: ${formatNumber(s.train.loss)} (mean over the ${s.train.examples} training examples)`,
    `train accuracy: ${accuracy(s.train.accuracy)}`,
    s.test ? `test loss: ${formatNumber(s.test.loss)} (${s.test.examples} examples)` : "test: no test split",
  ];
  if (s.test) lines.push(`test accuracy: ${accuracy(s.test.accuracy)}`);
  lines.push("params:", ...Object.entries(s.params).map(([name, v]) => `  ${name} = ${v}`));
  return lines;
}

/** The summary as one JSON line (`{"type":"summary",…}`), the last line of a JSON trace. */
export function summaryJson(s: TrainSummary): string {
  return JSON.stringify({ type: "summary", ...s });
}

/** A share as a percentage; NaN is a regression run, where only the loss means something. */
function accuracy(share: number): string {
  return Number.isNaN(share) ? "n/a (regression: see the loss)" : `${formatNumber(100 * share, 4)}%`;
}
