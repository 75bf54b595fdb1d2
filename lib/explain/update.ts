import { ACTIVATIONS } from "../engine/activations";
import { createLayout } from "../engine/layout";
import { Network } from "../engine/network";
import { eq, type ExplainContext } from "./context";

/** Section "Regularisation": each weight's data gradient plus the penalty's gradient, shown apart. */
export function explainRegularization(ctx: ExplainContext, n: number): string {
  const { trace, fmt } = ctx;
  const reg = trace.regularization;
  // L2's penalty ½λw² has gradient λ·w; L1's λ|w| has gradient λ·sign(w).
  const term = reg.kind === "l2" ? (name: string) => `λ·${name}` : (name: string) => `λ·sign(${name})`;
  const lines = ctx.params
    .filter((p) => p.kind === "weight")
    .map((p) => {
      const w = trace.before[p.index];
      const factor = reg.kind === "l2" ? w : Math.sign(w);
      const sum = `${fmt.num(trace.gradData[p.index])} + ${fmt.factor(reg.rate)}·${fmt.factor(factor)}`;
      return `- ${eq(`∂L/∂${p.name} + ${term(p.name)} = ${sum} = ${fmt.num(trace.grad[p.index])}`)}`;
    });
  return [
    ctx.heading(1, `${n}. Regularisation (${reg.kind.toUpperCase()}, λ = ${fmt.num(reg.rate)})`),
    `The penalty adds ${reg.kind === "l2" ? "λ·w" : "λ·sign(w)"} to each weight's gradient, pulling the weight towards 0; the biases keep their data gradient.`,
    lines.join("\n"),
  ].join("\n\n");
}

/** Section "Update": θ ← θ − η·∂L/∂θ for every parameter, as a table. */
export function explainUpdate(ctx: ExplainContext, n: number): string {
  const { trace, fmt } = ctx;
  const eta = fmt.factor(trace.learningRate);
  const gradient = trace.regularization.kind === "none" ? "∂L/∂θ" : "∂L/∂θ + penalty term";
  const rows = ctx.params.map((p) => {
    const before = trace.before[p.index];
    const grad = trace.grad[p.index];
    const after = trace.diverged ? "rejected" : fmt.num(trace.after[p.index]);
    return `| ${p.name} | ${fmt.num(before)} | ${fmt.num(grad)} | ${fmt.term(before)} − ${eta}·${fmt.factor(grad)} | ${after} |`;
  });
  return [
    ctx.heading(1, `${n}. Update`),
    `Gradient descent moves every parameter a step against its gradient: ${eq("θ ← θ − η·∂L/∂θ")}, with learning rate η = ${fmt.num(trace.learningRate)}.`,
    [`| parameter | θ before | ${gradient} | θ − η·∂L/∂θ | θ after |`, "|---|---:|---:|---|---:|", ...rows].join("\n"),
  ].join("\n\n");
}

/** Section "Result": whether the step was applied, and the batch's loss before and after it. */
export function explainResult(ctx: ExplainContext): string {
  const { trace, fmt } = ctx;
  const out = [ctx.heading(1, "Result")];
  if (trace.diverged) {
    out.push(
      `**Diverged at step ${trace.step}.** The loss or a new parameter is not a finite number, so the trainer rejected this update and θ keeps its values from before the step. ` +
        "A smaller learning rate, or a bounded activation such as sigmoid or tanh, usually avoids this.",
    );
    return out.join("\n\n");
  }
  const after = batchLoss(ctx, trace.after);
  const change = after - trace.loss;
  const why = ctx.config.loss === "mse-seed-sign" ? "the sign slip climbs the loss" : "this step overshot";
  const verdict = change < 0 ? `down by ${fmt.num(-change)}` : change > 0 ? `up by ${fmt.num(change)}: ${why}` : "unchanged";
  out.push(
    `Step ${trace.step} applied; ${trace.epoch} ${trace.epoch === 1 ? "epoch" : "epochs"} completed. ` +
      `On the same ${trace.examples.length === 1 ? "example" : "batch"}, the loss goes from ${fmt.num(trace.loss)} before the update to ${fmt.num(after)} after it (${verdict}).`,
  );
  return out.join("\n\n");
}

/** Mean data loss of the traced batch under parameters θ. */
function batchLoss(ctx: ExplainContext, theta: readonly number[]): number {
  const { config, trace, sizes, last } = ctx;
  const net = new Network(createLayout(sizes), ACTIVATIONS[config.activation.hidden], ACTIVATIONS[config.activation.output]);
  const params = Float64Array.from(theta);
  let sum = 0;
  for (const ex of trace.examples) {
    const yhat = net.forward(params, ex.x, 0);
    for (let k = 0; k < sizes[last]; k++) sum += ctx.loss.fn(yhat[k], ex.y[k]);
  }
  return sum / trace.examples.length;
}
