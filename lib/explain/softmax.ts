import { FEATURES } from "../engine/features";
import { CE_SOFTMAX_DELTA_FORMULA } from "../engine/loss";
import type { ExampleTrace } from "../engine/trace";
import { aName, deltaName, eq, zName, type ExplainContext } from "./context";

/** Why softmax pairs with cross-entropy, and how the engine keeps it finite. */
export const CE_NOTE =
  "> **Softmax and cross-entropy.** Softmax turns the output layer's z into probabilities that sum to 1, and cross-entropy " +
  "charges −ln of the probability given to the right class. Every ŷ_j depends on every z_k, so the chain rule sums over the " +
  `outputs: ${CE_SOFTMAX_DELTA_FORMULA} (one-hot y sums to 1). The engine computes δ = ŷ − y directly. It subtracts the ` +
  "largest z before exponentiating, so no e^z overflows and the sum is at least 1 (never 0/0); a class given probability 0 " +
  "costs at most −ln 1e-12 ≈ 27.6.";

/**
 * Softmax lines of one example: the largest z, each e^(z − m), their sum, and each ŷ_k = e_k / Σ.
 * Recomputes the exponentials with Math.exp for display only; ŷ comes from the trace.
 */
export function softmaxLines(ctx: ExplainContext, ex: ExampleTrace): string[] {
  const { fmt, sizes, last } = ctx;
  const z = ex.z[last];
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const sum = e.reduce((s, v) => s + v, 0);
  const names = z.map((_, k) => zName(ctx, last, k));
  const lines = [`- ${eq(`m = max(${names.join(", ")}) = ${fmt.num(m)}`)} (subtracted before exponentiating: the result is the same, and nothing overflows)`];
  lines.push(`- ${eq(`Σ = ${names.map((n) => `e^(${n} − m)`).join(" + ")} = ${e.map((v) => fmt.term(v)).join(" + ")} = ${fmt.num(sum)}`)}`);
  for (let k = 0; k < sizes[last]; k++) {
    lines.push(`- ${eq(`${aName(ctx, last, k)} = softmax(zo)_${k + 1} = e^(${names[k]} − m) / Σ = ${fmt.num(e[k])} / ${fmt.num(sum)} = ${fmt.num(ex.a[last][k])}`)}`);
  }
  return lines;
}

/** `δo2 = ŷ2 − y2 = 0.3 − 1 = −0.7` for output k of one example with softmax and cross-entropy. */
export function softmaxDeltaEquation(ctx: ExplainContext, ex: ExampleTrace, k: number): string {
  const { fmt, last } = ctx;
  return `${deltaName(ctx, last, k)} = ∂L/∂${zName(ctx, last, k)} = ${aName(ctx, last, k)} − y${k + 1} = ${fmt.term(ex.a[last][k])} − ${fmt.term(ex.y[k])} = ${fmt.num(ex.delta[last][k])}`;
}

/** "The inputs are features of the point (x1, x2) = (0.3, −0.2): x1² = 0.09, …" for one example. */
export function featureLine(ctx: ExplainContext, ex: ExampleTrace): string | null {
  const { features } = ctx.config;
  if (!features || !ex.point) return null;
  const [x1, x2] = ex.point;
  const values = features.map((f, j) => `${FEATURES[f].label} = ${ctx.fmt.num(ex.x[j])}`).join(", ");
  return `The network's inputs are features of the point (x1, x2) = ${ctx.fmt.vector([x1, x2])}: ${eq(values)}.`;
}
