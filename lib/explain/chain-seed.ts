import type { ParamInfo } from "../engine/names";
import type { ExampleTrace } from "../engine/trace";
import { aName, dOutName, eq, exampleGradient, slopeOf, zName, type ExplainContext } from "./context";
import { perExample, slopeList } from "./chain-common";

/**
 * Section "Chain rule" for the seed's 2-2-1 network, in the seed document's own form: each gradient is
 * the full product of local derivatives from the parameter to the loss, e.g.
 * ∂L/∂w11 = ∂L/∂ŷ · f'(zo) · wo1 · f'(z1) · x1.
 */
export function explainSeedChain(ctx: ExplainContext, n: number): string {
  const out = [
    ctx.heading(1, `${n}. Chain rule: the gradient of every parameter`),
    "Each gradient multiplies the local derivatives along the path from the parameter to the loss, exactly as in the seed document but with the corrected ∂L/∂ŷ. " +
      (ctx.trace.simplifiedOutputDelta
        ? "The output layer's share, ∂L/∂ŷ · σ'(zo), is common to every path; with binary cross-entropy it is exactly ŷ − y (σ'(zo) = ŷ(1 − ŷ) cancels the derivative's denominator), so the products below start with (ŷ − y); "
        : "The output layer's share, ∂L/∂ŷ · f'(zo), is common to every path; ") +
      "a hidden parameter's path also passes through the output weight wo_i and the hidden slope f'(z_i).",
  ];
  const depth = ctx.trace.examples.length > 1 ? 3 : 2;
  out.push(
    ...perExample(ctx, 2, (ex) => [
      "Slopes of the activations at this example:",
      slopeList(ctx, ex, [[2, 0], [1, 0], [1, 1]]),
      ctx.heading(depth, "Output layer: wo1, wo2, bo"),
      productLines(ctx, ex, (p) => p.layer === 1),
      ctx.heading(depth, "Hidden layer: w11, w12, w21, w22, b1, b2"),
      productLines(ctx, ex, (p) => p.layer === 0),
    ]),
  );
  return out.join("\n\n");
}

function productLines(ctx: ExplainContext, ex: ExampleTrace, pick: (p: ParamInfo) => boolean): string {
  const { fmt, trace } = ctx;
  return ctx.params
    .filter(pick)
    .map((p) => {
      // Output link: ∂L/∂ŷ · f'(zo) · a_j.  Hidden link: ∂L/∂ŷ · f'(zo) · wo_i · f'(z_i) · x_j.  Biases: the same without the last factor (∂z/∂b = 1).
      // With bce on a sigmoid output the share ∂L/∂ŷ · σ'(zo) is one factor, ŷ − y (the engine's δo).
      const simplified = trace.simplifiedOutputDelta;
      const symbols = simplified ? [`(${aName(ctx, 2, 0)} − y)`] : [dOutName(ctx, 0), `f'(${zName(ctx, 2, 0)})`];
      const values = simplified ? [ex.delta[2][0]] : [ex.dLdyhat[0], slopeOf(ctx, ex, 2, 0)];
      if (p.layer === 0) {
        const wo = ctx.param(1, 0, p.to);
        symbols.push(wo.name, `f'(${zName(ctx, 1, p.to)})`);
        values.push(trace.before[wo.index], slopeOf(ctx, ex, 1, p.to));
      }
      if (p.kind === "weight") {
        symbols.push(aName(ctx, p.layer, p.from));
        values.push(ex.a[p.layer][p.from]);
      }
      const product = `${symbols.join(" · ")} = ${values.map(fmt.factor).join(" · ")}`;
      return `- ${eq(`∂L/∂${p.name} = ${product} = ${fmt.num(exampleGradient(ex, p))}`)}`;
    })
    .join("\n");
}
