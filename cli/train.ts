import { describeParams } from "../lib/engine/names";
import type { Trainer } from "../lib/engine/trainer";
import type { Command } from "./args";
import { summaryJson, summaryLines, type TrainSummary } from "./summary";
import { csvHeader, csvRow, jsonStepLine, paramsByName } from "./trace-lines";
import { DEFAULT_EPOCHS } from "./usage";
import { EXIT_DIVERGED } from "./usage-error";

/** Lines are handed to the writer in chunks of this many, not one write per step. */
const LINES_PER_WRITE = 1000;

/** Runs `backprop train` on a ready trainer, writing to `write`; returns the exit code. */
export function runTrain(cmd: Extract<Command, { kind: "train" }>, trainer: Trainer, write: (text: string) => void): number {
  const names = describeParams(trainer.layout).map((p) => p.name);
  const stepsPerEpoch = Math.ceil(trainer.data.train.n / trainer.hyper.batchSize);
  const total = cmd.steps ?? (cmd.epochs ?? DEFAULT_EPOCHS) * stepsPerEpoch;
  let pending: string[] = [];
  const emit = (line: string) => {
    pending.push(line);
    if (pending.length >= LINES_PER_WRITE) flush();
  };
  const flush = () => {
    if (pending.length > 0) write(`${pending.join("\n")}\n`);
    pending = [];
  };

  if (cmd.trace === "csv") emit(csvHeader(names));
  while (trainer.step < total && trainer.divergedAt === null) {
    // Untraced steps take the fast path; with --trace, each K-th step is recorded.
    const chunk = cmd.trace ? Math.min(cmd.every, total - trainer.step) : total - trainer.step;
    const recorded = cmd.trace !== undefined && (trainer.step + chunk) % cmd.every === 0;
    if (!recorded) {
      trainer.run(chunk);
    } else if (cmd.trace === "csv") {
      if (trainer.run(chunk) === chunk) emit(csvRow(trainer.step, trainer.epoch, trainer.lastLoss, trainer.theta));
    } else if (trainer.run(chunk - 1) === chunk - 1) {
      const trace = trainer.stepTraced();
      if (!trace.diverged) emit(jsonStepLine(trace));
    }
  }

  const summary = summarise(trainer, names);
  if (cmd.trace === "json") emit(summaryJson(summary));
  else for (const line of summaryLines(summary)) emit(cmd.trace === "csv" ? `# ${line}` : line);
  flush();
  return summary.state === "trained" ? 0 : EXIT_DIVERGED;
}

function summarise(trainer: Trainer, names: string[]): TrainSummary {
  const { train, test } = trainer.data;
  return {
    state: trainer.divergedAt === null ? "trained" : "diverged",
    divergedAt: trainer.divergedAt,
    steps: trainer.step,
    epochs: trainer.epoch,
    train: { ...trainer.evaluate("train"), examples: train.n },
    test: test.n > 0 ? { ...trainer.evaluate("test"), examples: test.n } : null,
    params: paramsByName(names, trainer.theta),
  };
}
