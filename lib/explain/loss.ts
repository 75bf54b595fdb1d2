import { BCE_EPSILON, type LossName } from "../engine/loss";
import type { ExampleTrace } from "../engine/trace";
import { aName, deltaName, dOutName, eq, isSoftmaxOutput, zName, type ExplainContext } from "./context";
import { CE_NOTE, softmaxDeltaEquation } from "./softmax";

/** How each loss is written, given the printed forms of y and ŷ (names or numbers). */
const NOTATION: Record<LossName, { loss(y: string, yhat: string): string; der(y: string, yhat: string): string }> = {
  mse: { loss: (y, yhat) => `(${y} − ${yhat})²`, der: (y, yhat) => `2(${yhat} − ${y})` },
  "mse-seed-sign": { loss: (y, yhat) => `(${y} − ${yhat})²`, der: (y, yhat) => `2(${y} − ${yhat})` },
  bce: { loss: (y, yhat) => `−[${y}·ln ${yhat} + (1 − ${y})·ln(1 − ${yhat})]`, der: (y, yhat) => `(${yhat} − ${y}) / (${yhat}·(1 − ${yhat}))` },
  ce: { loss: (y, yhat) => `−${y}·ln ${yhat}`, der: (y, yhat) => `−${y} / ${yhat}` },
};

/** What one example's loss is called in the prose. */
const LOSS_WORDS: Record<LossName, { each: string; one: string }> = {
  mse: { each: "Each example's squared error", one: "The squared error of the prediction:" },
  "mse-seed-sign": { each: "Each example's squared error", one: "The squared error of the prediction:" },
  bce: { each: "Each example's binary cross-entropy", one: "The binary cross-entropy of the prediction (ŷ read as the probability of class 1):" },
  ce: { each: "Each example's cross-entropy (a term with y_k = 0 is 0)", one: "The cross-entropy of the prediction (ŷ_k read as the probability of class k; a term with y_k = 0 is 0):" },
};

/** Why binary cross-entropy pairs with a sigmoid output, and what the engine does at ŷ = 0 or 1. */
const BCE_NOTE =
  "> **Cross-entropy and the sigmoid.** The chain rule multiplies ∂L/∂ŷ by the output's slope σ'(zo) = ŷ·(1 − ŷ), " +
  "which is exactly the denominator of ∂L/∂ŷ, so the output neuron's error is simply δo = ŷ − y. The engine computes " +
  "it that way: it stays accurate when the sigmoid saturates, where ∂L/∂ŷ alone is huge and σ'(zo) tiny. " +
  `In the loss and in ∂L/∂ŷ, ŷ is clamped to [${BCE_EPSILON}, 1 − ${BCE_EPSILON}], so a saturated output costs at most ` +
  `−ln ${BCE_EPSILON} ≈ ${(-Math.log(BCE_EPSILON)).toFixed(1)} instead of an infinite loss.`;

/** The one note about the seed document's sign slip, for the correct loss. */
const SEED_SLIP_NOTE =
  "> **A note on the seed document.** It writes dL/dŷ = 2(y − ŷ). Differentiating L = (y − ŷ)² by ŷ gives " +
  "−2(y − ŷ) = 2(ŷ − y), so the seed's version has the wrong sign: plugged into θ ← θ − η·∂L/∂θ it moves " +
  "every parameter uphill and the loss climbs. Every number here uses the correct 2(ŷ − y).";

/** The same note when the run uses the slip on purpose (loss `mse-seed-sign`). */
const SEED_SLIP_DEMO_NOTE =
  "> **This run uses the seed document's sign slip on purpose** (loss `mse-seed-sign`): it takes dL/dŷ = 2(y − ŷ), " +
  "the wrong sign, so this step climbs the loss. The correct derivative of (y − ŷ)² is 2(ŷ − y).";

/** Section "Loss": each example's loss with numbers, the batch mean, and the regularisation penalty. */
export function explainLoss(ctx: ExplainContext, n: number): string {
  const { trace, fmt } = ctx;
  const out = [ctx.heading(1, `${n}. Loss`)];
  const batched = trace.examples.length > 1;
  const words = LOSS_WORDS[ctx.config.loss];
  out.push(batched ? `${words.each}, then the mean over the batch of ${trace.examples.length}:` : words.one);
  out.push(trace.examples.map((ex) => `- ${batched ? `example #${ex.index}: ` : ""}${eq(lossEquation(ctx, ex))}`).join("\n"));
  if (batched) {
    const sum = trace.examples.map((ex) => fmt.term(ex.loss)).join(" + ");
    out.push(`Mean: ${eq(`L = (${sum}) / ${trace.examples.length} = ${fmt.num(trace.loss)}`)}`);
  }
  const penalty = penaltyEquation(ctx);
  if (penalty) out.push(penalty);
  return out.join("\n\n");
}

/** Section "Gradient at the output": ∂L/∂ŷ = 2(ŷ − y) with numbers, and the seed's sign slip, once. */
export function explainOutputGradient(ctx: ExplainContext, n: number): string {
  const { trace, fmt, sizes, last } = ctx;
  const notation = NOTATION[ctx.config.loss];
  const batched = trace.examples.length > 1;
  const out = [ctx.heading(1, `${n}. How the loss changes with the output`)];
  const lines: string[] = [];
  for (const ex of trace.examples) {
    for (let k = 0; k < sizes[last]; k++) {
      const symbolic = notation.der(yName(ctx, k), aName(ctx, last, k));
      const numeric = notation.der(fmt.term(ex.y[k]), fmt.term(ex.a[last][k]));
      lines.push(`- ${batched ? `example #${ex.index}: ` : ""}${eq(`${dOutName(ctx, k)} = ${symbolic} = ${numeric} = ${fmt.num(ex.dLdyhat[k])}`)}`);
    }
  }
  out.push(lines.join("\n"));
  if (trace.simplifiedOutputDelta) {
    out.push(
      isSoftmaxOutput(ctx)
        ? "With the softmax output, each output neuron's error δ_k = ∂L/∂zo_k (summed over every ŷ_j that zo_k moves) simplifies to ŷ_k − y_k:"
        : "With the sigmoid output, the output neuron's error δ = ∂L/∂ŷ · σ'(z) simplifies to ŷ − y:",
    );
    out.push(simplifiedDeltaLines(ctx).join("\n"));
  }
  out.push(NOTES[ctx.config.loss]);
  return out.join("\n\n");
}

const NOTES: Record<LossName, string> = { mse: SEED_SLIP_NOTE, "mse-seed-sign": SEED_SLIP_DEMO_NOTE, bce: BCE_NOTE, ce: CE_NOTE };

/** δo = ∂L/∂ŷ · σ'(zo) = ŷ − y with the numbers, for each example and output. */
function simplifiedDeltaLines(ctx: ExplainContext): string[] {
  const { trace, sizes, last } = ctx;
  const batched = trace.examples.length > 1;
  const lines: string[] = [];
  for (const ex of trace.examples) {
    for (let k = 0; k < sizes[last]; k++) {
      lines.push(`- ${batched ? `example #${ex.index}: ` : ""}${eq(simplifiedDeltaEquation(ctx, ex, k))}`);
    }
  }
  return lines;
}

/** `δo = ∂L/∂ŷ · σ'(zo) = ŷ − y = 0.7 − 1 = −0.3` for output k of one example. */
export function simplifiedDeltaEquation(ctx: ExplainContext, ex: ExampleTrace, k: number): string {
  if (isSoftmaxOutput(ctx)) return softmaxDeltaEquation(ctx, ex, k);
  const { fmt, last } = ctx;
  const yhat = aName(ctx, last, k);
  return `${deltaName(ctx, last, k)} = ${dOutName(ctx, k)} · σ'(${zName(ctx, last, k)}) = ${yhat} − ${yName(ctx, k)} = ${fmt.term(ex.a[last][k])} − ${fmt.term(ex.y[k])} = ${fmt.num(ex.delta[last][k])}`;
}

function lossEquation(ctx: ExplainContext, ex: ExampleTrace): string {
  const { fmt, sizes, last } = ctx;
  const notation = NOTATION[ctx.config.loss];
  const symbolic: string[] = [];
  const numeric: string[] = [];
  for (let k = 0; k < sizes[last]; k++) {
    symbolic.push(notation.loss(yName(ctx, k), aName(ctx, last, k)));
    numeric.push(notation.loss(fmt.term(ex.y[k]), fmt.term(ex.a[last][k])));
  }
  if (ctx.config.loss === "ce") return `L = −(${symbolic.map((t) => t.slice(1)).join(" + ")}) = −(${numeric.map((t) => t.slice(1)).join(" + ")}) = ${fmt.num(ex.loss)}`;
  return `L = ${symbolic.join(" + ")} = ${numeric.join(" + ")} = ${fmt.num(ex.loss)}`;
}

function penaltyEquation(ctx: ExplainContext): string | null {
  const { trace, fmt } = ctx;
  const reg = trace.regularization;
  if (reg.kind === "none") return null;
  const weights = ctx.params.filter((p) => p.kind === "weight").map((p) => trace.before[p.index]);
  const lambda = fmt.factor(reg.rate);
  // L2: ½λΣw² (its gradient is λw); L1: λΣ|w| (its gradient is λ·sign(w)). Biases are not penalised.
  const equation =
    reg.kind === "l2"
      ? `penalty = ½·λ·Σw² = ½·${lambda}·${fmt.factor(weights.reduce((s, w) => s + w * w, 0))} = ${fmt.num(trace.penalty)}`
      : `penalty = λ·Σ|w| = ${lambda}·${fmt.factor(weights.reduce((s, w) => s + Math.abs(w), 0))} = ${fmt.num(trace.penalty)}`;
  return `${reg.kind.toUpperCase()} regularisation adds a penalty on the weights (not the biases), so the trainer descends on L + penalty = ${fmt.num(trace.loss + trace.penalty)}:\n\n- ${eq(equation)}`;
}

function yName(ctx: ExplainContext, k: number): string {
  return ctx.sizes[ctx.last] === 1 ? "y" : `y${k + 1}`;
}
