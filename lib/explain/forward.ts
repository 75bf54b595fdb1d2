import type { ExampleTrace } from "../engine/trace";
import { activationOf, aName, eq, exampleLabel, functionName, isSoftmaxOutput, zName, type ExplainContext } from "./context";
import { featureLine, softmaxLines } from "./softmax";

/** Section "Forward pass": every z = Σ w·a + b and a = f(z) with the numbers plugged in. */
export function explainForward(ctx: ExplainContext, n: number): string {
  const { trace } = ctx;
  const out = [ctx.heading(1, `${n}. Forward pass`)];
  out.push(
    ctx.seed
      ? "Each hidden neuron sums its weighted inputs plus its bias, `z_i = w_i1·x1 + w_i2·x2 + b_i`, and applies the activation, `a_i = f(z_i)`; the output neuron does the same with a1 and a2."
      : "Layer by layer, each neuron sums its weighted inputs plus its bias, `z = Σ_j w[i,j]·a[j] + b[i]`, and applies the activation, `a = f(z)`.",
  );
  const batched = trace.examples.length > 1;
  for (const ex of trace.examples) {
    if (batched) out.push(ctx.heading(2, capitalise(exampleLabel(ctx, ex))));
    else out.push(`This step uses ${exampleLabel(ctx, ex).replace(":", " of the training split:")}.`);
    const features = featureLine(ctx, ex);
    if (features) out.push(features);
    out.push(forwardLines(ctx, ex).join("\n"));
    if (isSoftmaxOutput(ctx)) out.push(`The output layer is a softmax: it turns the z of all ${ctx.sizes[ctx.last]} outputs into probabilities that sum to 1.`, softmaxLines(ctx, ex).join("\n"));
  }
  return out.join("\n\n");
}

function forwardLines(ctx: ExplainContext, ex: ExampleTrace): string[] {
  const { fmt, sizes, trace } = ctx;
  const lines: string[] = [];
  for (let l = 1; l < sizes.length; l++) {
    const f = activationOf(ctx, l);
    for (let i = 0; i < sizes[l]; i++) {
      const symbols: string[] = [];
      const numbers: string[] = [];
      for (let j = 0; j < sizes[l - 1]; j++) {
        const w = ctx.param(l - 1, i, j);
        symbols.push(`${w.name}·${aName(ctx, l - 1, j)}`);
        numbers.push(`${fmt.factor(trace.before[w.index])}·${fmt.factor(ex.a[l - 1][j])}`);
      }
      const b = ctx.param(l - 1, i, -1);
      symbols.push(b.name);
      numbers.push(fmt.term(trace.before[b.index]));
      const z = zName(ctx, l, i);
      lines.push(`- ${eq(`${z} = ${symbols.join(" + ")} = ${numbers.join(" + ")} = ${fmt.num(ex.z[l][i])}`)}`);
      if (l === ctx.last && isSoftmaxOutput(ctx)) continue; // softmax lines follow, over the whole layer
      lines.push(`- ${eq(`${aName(ctx, l, i)} = f(${z}) = ${functionName(f)}(${fmt.num(ex.z[l][i])}) = ${fmt.num(ex.a[l][i])}`)}`);
    }
  }
  return lines;
}

/** Upper-cases the first letter. */
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
