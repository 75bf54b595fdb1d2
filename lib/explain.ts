import type { StepTrace } from "./engine/trace";
import type { EngineConfig } from "./engine/types";
import { explainDeltaChain } from "./explain/chain-deltas";
import { explainSeedChain } from "./explain/chain-seed";
import { createContext, type ExplainOptions } from "./explain/context";
import { explainForward } from "./explain/forward";
import { explainHeader, explainParameters } from "./explain/header";
import { explainLoss, explainOutputGradient } from "./explain/loss";
import { explainRegularization, explainResult, explainUpdate } from "./explain/update";

export type { ExplainOptions } from "./explain/context";
export { formatNumber } from "./explain/format";

/**
 * The seed document's walkthrough of one training step as a Markdown handout, with every number of
 * that step plugged in: forward pass, loss, ∂L/∂ŷ, the chain rule for every parameter, the update.
 * Pure: it reads only the config and the trace (`Trainer.stepTraced()`), so it runs anywhere.
 */
export function explainStep(config: EngineConfig, trace: StepTrace, options: ExplainOptions = {}): string {
  const ctx = createContext(config, trace, options);
  const regularised = trace.regularization.kind !== "none";
  let n = 0;
  const sections = [
    explainHeader(ctx),
    explainParameters(ctx),
    explainForward(ctx, ++n),
    explainLoss(ctx, ++n),
    explainOutputGradient(ctx, ++n),
    ctx.seed ? explainSeedChain(ctx, ++n) : explainDeltaChain(ctx, ++n),
    regularised ? explainRegularization(ctx, ++n) : null,
    explainUpdate(ctx, ++n),
    explainResult(ctx),
  ];
  return `${sections.filter((s) => s !== null).join("\n\n")}\n`;
}
