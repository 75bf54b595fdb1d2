import { FEATURES } from "../engine/features";
import { describeSchedule } from "../engine/schedule";
import { aName, activationOf, eq, type ExplainContext } from "./context";

/** Title and set-up: the network, its activations, the loss and the hyperparameters of this step. */
export function explainHeader(ctx: ExplainContext): string {
  const { sizes, last, trace, fmt } = ctx;
  const hidden = activationOf(ctx, 1);
  const output = activationOf(ctx, last);
  const count = ctx.params.length;
  const shape = sizes.join("-");
  const description = ctx.seed
    ? `The seed document's ${shape} network: inputs x1, x2 → hidden neurons a1, a2 → output ŷ, ${count} parameters.`
    : `A ${shape} network: ${sizes[0]} inputs, ${last > 1 ? `${hiddenLayers(sizes.slice(1, last))}, ` : ""}${sizes[last]} ${sizes[last] === 1 ? "output" : "outputs"}; ${count} parameters.`;
  const lossFormula = sizes[last] === 1 || ctx.config.loss === "ce" ? ctx.loss.formula : ctx.config.loss === "bce" ? "L = Σ_k −[y_k·ln ŷ_k + (1 − y_k)·ln(1 − ŷ_k)]" : "L = Σ_k (y_k − ŷ_k)²";
  const features = ctx.config.features;
  const reg = trace.regularization;
  const scheduled = ctx.config.lrSchedule !== undefined && ctx.config.lrSchedule.kind !== "constant";
  const settings = [
    `Learning rate η = ${fmt.num(trace.learningRate)}${scheduled ? ` (this step's rate; schedule ${describeSchedule(ctx.config.lrSchedule)} from base η = ${fmt.num(ctx.config.learningRate)})` : ""}`,
    `batch of ${trace.examples.length} ${trace.examples.length === 1 ? "example" : "examples"}`,
    reg.kind === "none" ? "no regularisation" : `${reg.kind.toUpperCase()} regularisation with λ = ${fmt.num(reg.rate)}`,
  ];
  const lines = [
    features ? `- Inputs: the features ${features.map((f) => eq(FEATURES[f].label)).join(", ")} of each point (x1, x2)` : null,
    last > 1 ? `- Hidden activation: ${eq(hidden.formula)}, slope ${eq(hidden.derFormula)}` : null,
    `- Output activation: ${eq(output.formula)}, slope ${eq(output.derFormula)}`,
    `- Loss: ${eq(lossFormula)}`,
    `- ${settings.join(", ")}`,
  ].filter((line): line is string => line !== null);
  return [ctx.heading(0, `Backpropagation, step ${trace.step}`), description, lines.join("\n")].join("\n\n");
}

/** The parameters before the step, with what each one connects. */
export function explainParameters(ctx: ExplainContext): string {
  const { fmt, trace } = ctx;
  const rows = ctx.params.map((p) => {
    const to = aName(ctx, p.layer + 1, p.to);
    const role = p.kind === "weight" ? `${aName(ctx, p.layer, p.from)} → ${to}` : `bias of ${to}`;
    return `| ${p.name} | ${role} | ${fmt.num(trace.before[p.index])} |`;
  });
  return [ctx.heading(1, "Parameters before the step"), ["| parameter | connects | value |", "|---|---|---:|", ...rows].join("\n")].join("\n\n");
}

function hiddenLayers(sizes: readonly number[]): string {
  if (sizes.length === 1) return `a hidden layer of ${sizes[0]} ${sizes[0] === 1 ? "neuron" : "neurons"}`;
  return `hidden layers of ${sizes.slice(0, -1).join(", ")} and ${sizes[sizes.length - 1]} neurons`;
}
