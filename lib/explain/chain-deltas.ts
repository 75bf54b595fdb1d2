import type { ExampleTrace } from "../engine/trace";
import { aName, deltaName, dOutName, eq, exampleGradient, isSoftmaxOutput, slopeOf, zName, type ExplainContext } from "./context";
import { perExample, slopeList } from "./chain-common";
import { simplifiedDeltaEquation } from "./loss";

/**
 * Section "Chain rule" for any network other than the seed's: the products of the seed's form share
 * their prefixes, so they are computed once per neuron as δ = ∂L/∂z, from the output back, and every
 * gradient is ∂L/∂w = δ_i · a_j (the neuron it feeds times the activation it carries).
 */
export function explainDeltaChain(ctx: ExplainContext, n: number): string {
  const out = [
    ctx.heading(1, `${n}. Chain rule: the gradient of every parameter`),
    "The chain-rule products of the seed document share their beginnings, so backpropagation computes them once per neuron as δ = ∂L/∂z, from the output back to the first hidden layer:",
    [
      !ctx.trace.simplifiedOutputDelta
        ? "- output neuron k: `δo_k = ∂L/∂ŷ_k · f'(zo_k)`"
        : isSoftmaxOutput(ctx)
          ? "- output neuron k: `δo_k = ∂L/∂zo_k = ŷ_k − y_k` (cross-entropy with a softmax output: the sum over the softmax's Jacobian collapses)"
          : "- output neuron k: `δo_k = ∂L/∂ŷ_k · σ'(zo_k) = ŷ_k − y_k` (binary cross-entropy with a sigmoid output: σ' cancels the derivative's denominator)",
      "- hidden neuron j: `δ_j = (Σ_i w[i,j]·δ_i) · f'(z_j)`, summing over the neurons i that j feeds",
      "- then every weight `∂L/∂w[i,j] = δ_i · a_j` and every bias `∂L/∂b[i] = δ_i`",
    ].join("\n"),
  ];
  const depth = ctx.trace.examples.length > 1 ? 3 : 2;
  out.push(...perExample(ctx, 2, (ex) => layerBlocks(ctx, ex, depth)));
  return out.join("\n\n");
}

function layerBlocks(ctx: ExplainContext, ex: ExampleTrace, depth: number): string[] {
  const { sizes, last } = ctx;
  const out: string[] = [];
  for (let l = last; l >= 1; l--) {
    const neurons = Array.from({ length: sizes[l] }, (_, i): [number, number] => [l, i]);
    out.push(ctx.heading(depth, l === last ? `Output layer (layer ${l})` : `Hidden layer ${l}`));
    if (!(l === last && isSoftmaxOutput(ctx))) out.push(slopeList(ctx, ex, neurons));
    out.push(neurons.map(([, i]) => `- ${eq(deltaEquation(ctx, ex, l, i))}`).join("\n"));
    out.push(gradientLines(ctx, ex, l - 1));
  }
  return out;
}

function deltaEquation(ctx: ExplainContext, ex: ExampleTrace, l: number, i: number): string {
  const { fmt, sizes, last, trace } = ctx;
  const slope = `f'(${zName(ctx, l, i)})`;
  const slopeValue = fmt.factor(slopeOf(ctx, ex, l, i));
  const result = fmt.num(ex.delta[l][i]);
  if (l === last) {
    if (trace.simplifiedOutputDelta) return simplifiedDeltaEquation(ctx, ex, i);
    return `${deltaName(ctx, l, i)} = ${dOutName(ctx, i)} · ${slope} = ${fmt.factor(ex.dLdyhat[i])} · ${slopeValue} = ${result}`;
  }
  const symbols: string[] = [];
  const numbers: string[] = [];
  for (let k = 0; k < sizes[l + 1]; k++) {
    const w = ctx.param(l, k, i);
    symbols.push(`${w.name}·${deltaName(ctx, l + 1, k)}`);
    numbers.push(`${fmt.factor(trace.before[w.index])}·${fmt.factor(ex.delta[l + 1][k])}`);
  }
  return `${deltaName(ctx, l, i)} = (${symbols.join(" + ")}) · ${slope} = (${numbers.join(" + ")}) · ${slopeValue} = ${result}`;
}

function gradientLines(ctx: ExplainContext, ex: ExampleTrace, link: number): string {
  const { fmt } = ctx;
  return ctx.params
    .filter((p) => p.layer === link)
    .map((p) => {
      const d = ex.delta[link + 1][p.to];
      const value = fmt.num(exampleGradient(ex, p));
      const delta = deltaName(ctx, link + 1, p.to);
      if (p.kind === "bias") return `- ${eq(`∂L/∂${p.name} = ${delta} = ${value}`)}`;
      const a = aName(ctx, link, p.from);
      return `- ${eq(`∂L/∂${p.name} = ${delta} · ${a} = ${fmt.factor(d)} · ${fmt.factor(ex.a[link][p.from])} = ${value}`)}`;
    })
    .join("\n");
}
