import type { Trainer } from "../lib/engine/trainer";
import type { EngineConfig } from "../lib/engine/types";
import { explainStep } from "../lib/explain";
import type { Command } from "./args";
import { EXIT_DIVERGED } from "./usage-error";

/** Runs `backprop explain`: steps 1 … N−1 on the fast path, then step N traced and explained. */
export function runExplain(
  cmd: Extract<Command, { kind: "explain" }>,
  config: EngineConfig,
  trainer: Trainer,
  out: { stdout(text: string): void; stderr(text: string): void },
): number {
  const before = cmd.step - 1;
  if (trainer.run(before) < before) {
    const at = trainer.divergedAt;
    out.stderr(`backprop: training diverged at step ${at}, before step ${cmd.step}; run backprop explain --step ${at} to see why\n`);
    return EXIT_DIVERGED;
  }
  out.stdout(explainStep(config, trainer.stepTraced()));
  return 0;
}
