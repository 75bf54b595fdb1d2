import { ACTIVATIONS, type Activation } from "../engine/activations";
import { createLayout } from "../engine/layout";
import { LOSSES, type Loss } from "../engine/loss";
import { inputLabel, isIdentityFeatures } from "../engine/features";
import { describeParams, isSeedNetwork, neuronName, preActivationName, type ParamInfo } from "../engine/names";
import type { ExampleTrace, StepTrace } from "../engine/trace";
import type { EngineConfig } from "../engine/types";
import { createNumberFormat, type NumberFormat } from "./format";

/** Everything the explanation's sections share: the network's shape, its notation and the step's numbers. */
export interface ExplainContext {
  config: EngineConfig;
  trace: StepTrace;
  sizes: readonly number[];
  /** Index of the output layer. */
  last: number;
  /** True for the seed's 2-2-1: gradients are written as the seed's full chain-rule products. */
  seed: boolean;
  params: ParamInfo[];
  loss: Loss;
  /** Looks a parameter up by link l, receiving neuron i and sending neuron j (−1 for the bias). */
  param(l: number, i: number, j: number): ParamInfo;
  fmt: NumberFormat;
  /** A Markdown heading `depth` levels below the handout's title. */
  heading(depth: number, text: string): string;
}

/** Options of `explainStep`. */
export interface ExplainOptions {
  /** Significant digits of every printed number (default 6). */
  digits?: number;
  /** Markdown level of the title (default 1), for embedding the handout in a larger page. */
  headingLevel?: number;
}

/** Builds the shared context; throws if the trace does not belong to the config's network. */
export function createContext(config: EngineConfig, trace: StepTrace, options: ExplainOptions = {}): ExplainContext {
  const layout = createLayout(config.layers);
  if (trace.before.length !== layout.count) {
    throw new Error(`explainStep: the trace has ${trace.before.length} parameters, layers [${config.layers}] need ${layout.count}`);
  }
  const base = options.headingLevel ?? 1;
  const params = describeParams(layout);
  const byPosition = new Map(params.map((p) => [`${p.layer}:${p.to}:${p.from}`, p]));
  return {
    config,
    trace,
    sizes: layout.sizes,
    last: layout.sizes.length - 1,
    seed: isSeedNetwork(layout.sizes) && isIdentityFeatures(config.features),
    params,
    loss: LOSSES[config.loss],
    param: (l, i, j) => byPosition.get(`${l}:${i}:${j}`)!,
    fmt: createNumberFormat(options.digits),
    heading: (depth, text) => `${"#".repeat(Math.min(6, base + depth))} ${text}`,
  };
}

/** The activation of layer l (the output layer may differ from the hidden ones). */
export function activationOf(ctx: ExplainContext, l: number): Activation {
  return ACTIVATIONS[l === ctx.last ? ctx.config.activation.output : ctx.config.activation.hidden];
}

/** Short name of an activation as applied to a number: σ, tanh, ReLU, LeakyReLU, f. */
export function functionName(f: Activation): string {
  return f.formula.split(" = ")[0].replace("(z)", "");
}

/** f'(z) of neuron i in layer l for one example, exactly as the engine computed it. */
export function slopeOf(ctx: ExplainContext, ex: ExampleTrace, l: number, i: number): number {
  return activationOf(ctx, l).der(ex.z[l][i], ex.a[l][i]);
}

/** a1, x2, ŷ, a2[3] …; an input is named by its feature (x1², sin(x2)) when the config lists features. */
export function aName(ctx: ExplainContext, l: number, i: number): string {
  return l === 0 && ctx.config.features ? inputLabel(ctx.config.features, i) : neuronName(ctx.sizes, l, i);
}

/** True when the output layer is a softmax (its δ comes from cross-entropy as ŷ − y). */
export function isSoftmaxOutput(ctx: ExplainContext): boolean {
  return ctx.config.activation.output === "softmax";
}

/** z1, zo, z2[3] … */
export function zName(ctx: ExplainContext, l: number, i: number): string {
  return preActivationName(ctx.sizes, l, i);
}

/** δ1, δo, δ2[3] …: ∂L/∂z of that neuron. */
export function deltaName(ctx: ExplainContext, l: number, i: number): string {
  return `δ${zName(ctx, l, i).slice(1)}`;
}

/** ∂L/∂ŷ or ∂L/∂ŷ2 for output k. */
export function dOutName(ctx: ExplainContext, k: number): string {
  return `∂L/∂${aName(ctx, ctx.last, k)}`;
}

/** How an example is introduced: `example #2: x = (1, 0), y = 1`. */
export function exampleLabel(ctx: ExplainContext, ex: ExampleTrace): string {
  const y = ex.y.length === 1 ? ctx.fmt.num(ex.y[0]) : ctx.fmt.vector(ex.y);
  return `example #${ex.index}: x = ${ctx.fmt.vector(ex.x)}, y = ${y}`;
}

/** ∂L/∂θ of one parameter for one example: δ_i · a_j for a weight, δ_i for a bias. */
export function exampleGradient(ex: ExampleTrace, p: ParamInfo): number {
  const d = ex.delta[p.layer + 1][p.to];
  return p.kind === "weight" ? d * ex.a[p.layer][p.from] : d;
}

/** Wraps an equation in a code span so Markdown leaves its brackets and stars alone. */
export function eq(text: string): string {
  return `\`${text}\``;
}
