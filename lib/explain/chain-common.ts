import type { ExampleTrace } from "../engine/trace";
import { activationOf, aName, eq, exampleGradient, slopeOf, zName, type ExplainContext } from "./context";

const VARIABLE = /\b[az]\b/g;
const HAS_VARIABLE = /\b[az]\b/;

/**
 * f'(z) of one neuron with the activation's derivative formula filled in, e.g.
 * `f'(z1) = σ'(z1) = a1·(1 − a1) = (0.549834)·(1 − (0.549834)) = 0.247516`.
 */
export function slopeEquation(ctx: ExplainContext, ex: ExampleTrace, l: number, i: number): string {
  const { fmt } = ctx;
  const [head, rhs = ""] = activationOf(ctx, l).derFormula.split(" = ");
  const z = zName(ctx, l, i);
  const a = aName(ctx, l, i);
  const parts = [`f'(${z})`];
  if (rhs.includes(" if ")) {
    // Piecewise slopes (ReLU, leaky ReLU) read best as the function at the number.
    parts.push(head.replace("(z)", `(${fmt.num(ex.z[l][i])})`));
  } else if (HAS_VARIABLE.test(rhs)) {
    const named = head.replace("(z)", `(${z})`);
    if (named !== parts[0]) parts.push(named);
    parts.push(rhs.replace(VARIABLE, (v) => (v === "a" ? a : z)));
    parts.push(rhs.replace(VARIABLE, (v) => fmt.factor(v === "a" ? ex.a[l][i] : ex.z[l][i])));
  }
  parts.push(fmt.num(slopeOf(ctx, ex, l, i)));
  return parts.join(" = ");
}

/** The slopes of the given (layer, neuron) pairs as a Markdown list. */
export function slopeList(ctx: ExplainContext, ex: ExampleTrace, neurons: Array<[number, number]>): string {
  return neurons.map(([l, i]) => `- ${eq(slopeEquation(ctx, ex, l, i))}`).join("\n");
}

/** For a batch: each parameter's gradient as the mean of its per-example values. */
export function explainBatchMean(ctx: ExplainContext, depth: number): string {
  const { trace, fmt } = ctx;
  const size = trace.examples.length;
  const lines = ctx.params.map((p) => {
    const values = trace.examples.map((ex) => fmt.term(exampleGradient(ex, p))).join(" + ");
    return `- ${eq(`∂L/∂${p.name} = (${values}) / ${size} = ${fmt.num(trace.gradData[p.index])}`)}`;
  });
  return [
    ctx.heading(depth, "Mean over the batch"),
    `The batch's gradient is the mean of the ${size} per-example gradients above (in the order the examples were drawn):`,
    lines.join("\n"),
  ].join("\n\n");
}

/** Runs one section body per example, under an example heading when the batch has several. */
export function perExample(ctx: ExplainContext, depth: number, body: (ex: ExampleTrace) => string[]): string[] {
  const batched = ctx.trace.examples.length > 1;
  const out: string[] = [];
  for (const ex of ctx.trace.examples) {
    if (batched) out.push(ctx.heading(depth, `Example #${ex.index}`));
    out.push(...body(ex));
  }
  if (batched) out.push(explainBatchMean(ctx, depth));
  return out;
}
