import type { ExampleTrace, ParamInfo, StepTrace } from "@/lib/engine";
import type { EngineConfig } from "@/lib/engine";
import type { Phase } from "@/lib/protocol";
import { slopeEquation } from "@/lib/explain/chain-common";
import { activationOf, aName, createContext, deltaName, dOutName, exampleGradient, functionName, slopeOf, zName, type ExplainContext } from "@/lib/explain/context";

/** Significant digits of the panel's numbers. */
export const EQUATION_DIGITS = 4;

/** The visible note about the seed document's sign slip. */
export const SEED_SIGN_NOTE = "∂L/∂ŷ = 2(ŷ − y). The seed document writes 2(y − ŷ) — that sign would make the update climb the loss.";

/** The note above the equations about ∂L/∂ŷ: the seed's sign slip corrected, the slip on purpose, or cross-entropy. */
export interface LossNote {
  /** The formula in bold. */
  formula: string;
  text: string;
  /** "warn" for the seed-slip note, "bad" when this run uses the slip, "info" otherwise. */
  tone: "warn" | "bad" | "info";
}

/** The loss note for a loss name (unknown names read as MSE). */
export function lossNote(loss: string): LossNote {
  if (loss === "mse-seed-sign") return { formula: "∂L/∂ŷ = 2(y − ŷ).", text: "This demo uses the seed document's sign slip on purpose: the true derivative is 2(ŷ − y), so every update climbs the loss.", tone: "bad" };
  if (loss === "bce") return { formula: "∂L/∂ŷ = (ŷ − y) / (ŷ(1 − ŷ)).", text: "Binary cross-entropy L = −[y·ln ŷ + (1 − y)·ln(1 − ŷ)]. With a sigmoid output f'(zo) = ŷ(1 − ŷ) cancels the denominator: δo = ŷ − y, so a confidently wrong output still gets a large gradient.", tone: "info" };
  if (loss === "ce") return { formula: "∂L/∂z_k = ŷ_k − y_k.", text: "Cross-entropy L = −Σ_k y_k ln ŷ_k over a softmax output: the softmax's Jacobian cancels the logarithm's 1/ŷ_k, so each output's δ is its probability minus its one-hot target.", tone: "info" };
  return { formula: "∂L/∂ŷ = 2(ŷ − y).", text: "The seed document writes 2(y − ŷ) — that sign would make the update climb the loss.", tone: "warn" };
}

/** One equation: its symbolic form, the same with numbers plugged in, and the result. */
export interface EquationLine {
  id: string;
  symbolic: string;
  numeric: string | null;
  result: string;
}

/** The equations of one phase of the step. */
export interface EquationSection {
  phase: Phase;
  title: string;
  lines: EquationLine[];
}

/** A gradient written as the seed's product of local derivatives, e.g. ∂L/∂w12 = ∂L/∂ŷ · f'(zo) · wo1 · f'(z1) · x2. */
export interface ChainProduct {
  param: string;
  symbols: string[];
  values: number[];
  /** The factors multiplied left to right. */
  product: number;
  /** This example's gradient as the engine computed it (δ·a); equals `product`. */
  exampleGradient: number;
  /** The step's gradient (mean over the batch, plus regularisation). */
  stepGradient: number;
  line: EquationLine;
  /** When the batch has several examples or a penalty: how the step's gradient is made of this one. */
  batchNote: string | null;
}

/** Everything the equation panel prints for one step. */
export interface EquationModel {
  step: number;
  /** `example #2: x = (1, 0), y = 1` (and its position in the batch). */
  exampleLabel: string;
  sections: EquationSection[];
  chain: ChainProduct | null;
  seedNote: string;
}

/** Builds the equations of a step for one example of its batch, with the selected parameter's chain product. */
export function buildEquationModel(config: EngineConfig, trace: StepTrace, options: { exampleIndex?: number; selected?: number | null } = {}): EquationModel {
  const ctx = createContext(config, trace, { digits: EQUATION_DIGITS });
  const k = Math.max(0, Math.min(options.exampleIndex ?? 0, trace.examples.length - 1));
  const ex = trace.examples[k];
  const { fmt } = ctx;
  const batch = trace.examples.length;
  const y = ex.y.length === 1 ? fmt.num(ex.y[0]) : fmt.vector(ex.y);
  const exampleLabel = `example #${ex.index}: x = ${fmt.vector(ex.x)}, y = ${y}${batch > 1 ? ` (${k + 1} of ${batch} in the batch)` : ""}`;
  const selected = options.selected != null ? ctx.params[options.selected] : undefined;
  return {
    step: trace.step,
    exampleLabel,
    sections: [forwardSection(ctx, ex), lossSection(ctx, ex), backwardSection(ctx, ex), updateSection(ctx, selected)],
    chain: selected ? chainProduct(ctx, ex, selected) : null,
    seedNote: `${lossNote(config.loss).formula} ${lossNote(config.loss).text}`,
  };
}

/** Neurons per layer written out before the panel says "…" (wide layers would flood a phone). */
const MAX_NEURONS = 4;
/** Terms of a weighted sum written out before "…". */
const MAX_TERMS = 4;

function forwardSection(ctx: ExplainContext, ex: ExampleTrace): EquationSection {
  const { fmt, sizes, last } = ctx;
  const lines: EquationLine[] = [];
  for (let l = 1; l <= last; l++) {
    const f = functionName(activationOf(ctx, l));
    for (let i = 0; i < Math.min(sizes[l], MAX_NEURONS); i++) {
      const terms = Array.from({ length: sizes[l - 1] }, (_, j) => ctx.param(l - 1, i, j));
      const shown = terms.slice(0, MAX_TERMS);
      const more = terms.length > MAX_TERMS ? " + …" : "";
      const bias = ctx.param(l - 1, i, -1);
      const z = zName(ctx, l, i);
      lines.push({
        id: `z-${l}-${i}`,
        symbolic: `${z} = ${shown.map((p) => `${p.name}·${aName(ctx, l - 1, p.from)}`).join(" + ")}${more} + ${bias.name}`,
        numeric: `${shown.map((p) => `${fmt.factor(ctx.trace.before[p.index])}·${fmt.factor(ex.a[l - 1][p.from])}`).join(" + ")}${more} + ${fmt.term(ctx.trace.before[bias.index])}`,
        result: fmt.num(ex.z[l][i]),
      });
      lines.push({ id: `a-${l}-${i}`, symbolic: `${aName(ctx, l, i)} = ${f}(${z})`, numeric: `${f}(${fmt.num(ex.z[l][i])})`, result: fmt.num(ex.a[l][i]) });
    }
    if (sizes[l] > MAX_NEURONS) lines.push({ id: `more-${l}`, symbolic: `… ${sizes[l] - MAX_NEURONS} more neurons in this layer`, numeric: null, result: "" });
  }
  return { phase: "forward", title: "Forward pass", lines };
}

function lossSection(ctx: ExplainContext, ex: ExampleTrace): EquationSection {
  const { fmt, sizes, last, trace } = ctx;
  const outs = Array.from({ length: sizes[last] }, (_, k) => k);
  const yName = (k: number) => (sizes[last] === 1 ? "y" : `y${k + 1}`);
  const bce = isBce(ctx);
  const lines: EquationLine[] = [
    bce
      ? {
          id: "loss",
          symbolic: `L = ${outs.map((k) => `−[${yName(k)}·ln ${aName(ctx, last, k)} + (1 − ${yName(k)})·ln(1 − ${aName(ctx, last, k)})]`).join(" + ")}`,
          numeric: outs.map((k) => `−[${fmt.factor(ex.y[k])}·ln${fmt.factor(ex.a[last][k])} + (1 − ${fmt.term(ex.y[k])})·ln(1 − ${fmt.term(ex.a[last][k])})]`).join(" + "),
          result: fmt.num(ex.loss),
        }
      : {
          id: "loss",
          symbolic: `L = ${outs.map((k) => `(${yName(k)} − ${aName(ctx, last, k)})²`).join(" + ")}`,
          numeric: outs.map((k) => `(${fmt.term(ex.y[k])} − ${fmt.term(ex.a[last][k])})²`).join(" + "),
          result: fmt.num(ex.loss),
        },
  ];
  if (trace.examples.length > 1) {
    lines.push({ id: "loss-mean", symbolic: `L(batch) = mean of ${trace.examples.length} example losses`, numeric: `(${trace.examples.map((e) => fmt.term(e.loss)).join(" + ")}) / ${trace.examples.length}`, result: fmt.num(trace.loss) });
  }
  return { phase: "loss", title: "Loss", lines };
}

/** True when the run's loss is binary cross-entropy. */
function isBce(ctx: ExplainContext): boolean {
  return ctx.config.loss === "bce";
}

/** ∂L/∂ŷ_k of the run's loss, symbolic and with numbers: 2(ŷ − y), the seed's 2(y − ŷ), or (ŷ − y)/(ŷ(1 − ŷ)). */
function outputGradient(ctx: ExplainContext, name: string, yhat: string, y: string, a: number, t: number): { symbolic: string; numeric: string } {
  const { fmt } = ctx;
  if (isBce(ctx)) return { symbolic: `${name} = (${yhat} − ${y}) / (${yhat}(1 − ${yhat}))`, numeric: `(${fmt.term(a)} − ${fmt.term(t)}) / (${fmt.term(a)}·(1 − ${fmt.term(a)}))` };
  if (ctx.config.loss === "mse-seed-sign") return { symbolic: `${name} = 2(${y} − ${yhat})  (the seed's slip)`, numeric: `2(${fmt.term(t)} − ${fmt.term(a)})` };
  return { symbolic: `${name} = 2(${yhat} − ${y})`, numeric: `2(${fmt.term(a)} − ${fmt.term(t)})` };
}

function backwardSection(ctx: ExplainContext, ex: ExampleTrace): EquationSection {
  const { fmt, sizes, last, trace } = ctx;
  const lines: EquationLine[] = [];
  for (let k = 0; k < sizes[last]; k++) {
    const y = sizes[last] === 1 ? "y" : `y${k + 1}`;
    const yhat = aName(ctx, last, k);
    lines.push({ id: `dout-${k}`, ...outputGradient(ctx, dOutName(ctx, k), yhat, y, ex.a[last][k], ex.y[k]), result: fmt.num(ex.dLdyhat[k]) });
  }
  for (let l = last; l >= 1; l--) {
    for (let i = 0; i < Math.min(sizes[l], MAX_NEURONS); i++) {
      const slope = slopeEquation(ctx, ex, l, i).split(" = ");
      lines.push({ id: `slope-${l}-${i}`, symbolic: slope.slice(0, -2).join(" = ") || slope[0], numeric: slope.length > 2 ? slope[slope.length - 2] : null, result: slope[slope.length - 1] });
      const d = deltaName(ctx, l, i);
      const f = `f'(${zName(ctx, l, i)})`;
      if (l === last && trace.simplifiedOutputDelta) {
        const y = sizes[last] === 1 ? "y" : `y${i + 1}`;
        lines.push({ id: `delta-${l}-${i}`, symbolic: `${d} = ${dOutName(ctx, i)} · σ'(${zName(ctx, l, i)}) = ${aName(ctx, l, i)} − ${y}`, numeric: `${fmt.term(ex.a[l][i])} − ${fmt.term(ex.y[i])}`, result: fmt.num(ex.delta[l][i]) });
      } else if (l === last) {
        lines.push({ id: `delta-${l}-${i}`, symbolic: `${d} = ${dOutName(ctx, i)} · ${f}`, numeric: `${fmt.factor(ex.dLdyhat[i])}·${fmt.factor(slopeOf(ctx, ex, l, i))}`, result: fmt.num(ex.delta[l][i]) });
      } else {
        const outs = Array.from({ length: Math.min(sizes[l + 1], MAX_TERMS) }, (_, k) => ctx.param(l, k, i));
        const more = sizes[l + 1] > MAX_TERMS ? " + …" : "";
        lines.push({
          id: `delta-${l}-${i}`,
          symbolic: `${d} = (${outs.map((p) => `${p.name}·${deltaName(ctx, l + 1, p.to)}`).join(" + ")}${more}) · ${f}`,
          numeric: `(${outs.map((p) => `${fmt.factor(trace.before[p.index])}·${fmt.factor(ex.delta[l + 1][p.to])}`).join(" + ")}${more})·${fmt.factor(slopeOf(ctx, ex, l, i))}`,
          result: fmt.num(ex.delta[l][i]),
        });
      }
    }
  }
  for (const p of ctx.params.slice(0, 12)) {
    const d = deltaName(ctx, p.layer + 1, p.to);
    const a = p.kind === "weight" ? aName(ctx, p.layer, p.from) : null;
    lines.push({
      id: `grad-${p.index}`,
      symbolic: `∂L/∂${p.name} = ${a ? `${d}·${a}` : d}`,
      numeric: a ? `${fmt.factor(ex.delta[p.layer + 1][p.to])}·${fmt.factor(ex.a[p.layer][p.from])}` : null,
      result: fmt.num(exampleGradient(ex, p)),
    });
  }
  return { phase: "backward", title: "Backward pass (chain rule)", lines };
}

function updateSection(ctx: ExplainContext, selected: ParamInfo | undefined): EquationSection {
  const { fmt, trace } = ctx;
  const eta = fmt.factor(trace.learningRate);
  const shown = ctx.params.length <= 12 ? ctx.params : selected ? [selected] : ctx.params.slice(0, 6);
  const lines: EquationLine[] = shown.map((p) => ({
    id: `update-${p.index}`,
    symbolic: `${p.name} ← ${p.name} − η·∂L/∂${p.name}`,
    numeric: `${fmt.term(trace.before[p.index])} − ${eta}·${fmt.factor(trace.grad[p.index])}`,
    result: fmt.num(trace.after[p.index]),
  }));
  return { phase: "update", title: `Update (η = ${fmt.num(trace.learningRate)})`, lines };
}

/**
 * The selected parameter's gradient as a product of local derivatives, multiplied left to right in the
 * engine's own order so the printed result is the engine's number bit for bit.
 */
export function chainProduct(ctx: ExplainContext, ex: ExampleTrace, p: ParamInfo): ChainProduct {
  const { fmt, last, trace } = ctx;
  const symbols: string[] = [];
  const values: number[] = [];
  const outLink = p.layer === last - 1;
  if (outLink || ctx.seed) {
    const k = outLink ? p.to : 0;
    if (trace.simplifiedOutputDelta) {
      // Cross-entropy on a sigmoid output: ∂L/∂ŷ · σ'(zo) is one factor, ŷ − y (the engine's δo).
      symbols.push(`(${aName(ctx, last, k)} − ${ctx.sizes[last] === 1 ? "y" : `y${k + 1}`})`);
      values.push(ex.delta[last][k]);
    } else {
      symbols.push(dOutName(ctx, k), `f'(${zName(ctx, last, k)})`);
      values.push(ex.dLdyhat[k], slopeOf(ctx, ex, last, k));
    }
    if (!outLink) {
      const wo = ctx.param(last - 1, 0, p.to);
      symbols.push(wo.name, `f'(${zName(ctx, p.layer + 1, p.to)})`);
      values.push(trace.before[wo.index], slopeOf(ctx, ex, p.layer + 1, p.to));
    }
  } else {
    // Deeper networks: the error reaching neuron i is Σ_k w_ki·δ_k, summed in the engine's k order.
    const l = p.layer + 1;
    let s = 0;
    for (let k = 0; k < ctx.sizes[l + 1]; k++) s = k === 0 ? trace.before[ctx.param(l, 0, p.to).index] * ex.delta[l + 1][0] : s + trace.before[ctx.param(l, k, p.to).index] * ex.delta[l + 1][k];
    symbols.push(`Σₖ w·δ(${l + 1})`, `f'(${zName(ctx, l, p.to)})`);
    values.push(s, slopeOf(ctx, ex, l, p.to));
  }
  if (p.kind === "weight") {
    symbols.push(aName(ctx, p.layer, p.from));
    values.push(ex.a[p.layer][p.from]);
  }
  // + 0: the engine accumulates gradients into +0, which turns a −0 product into 0.
  const product = values.reduce((acc, v) => acc * v) + 0;
  const batch = trace.examples.length;
  const penalised = trace.gradPenalty[p.index] !== 0;
  const notes: string[] = [];
  if (batch > 1) notes.push(`The step uses the mean over its ${batch} examples: ∂L/∂${p.name} = ${fmt.num(trace.gradData[p.index])}`);
  if (penalised) notes.push(`plus the ${trace.regularization.kind.toUpperCase()} term ${fmt.num(trace.gradPenalty[p.index])}, so the update uses ${fmt.num(trace.grad[p.index])}`);
  return {
    param: p.name,
    symbols,
    values,
    product,
    exampleGradient: exampleGradient(ex, p),
    stepGradient: trace.grad[p.index],
    line: { id: `chain-${p.index}`, symbolic: `∂L/∂${p.name} = ${symbols.join(" · ")}`, numeric: values.map(fmt.factor).join("·"), result: fmt.num(product) },
    batchNote: notes.length > 0 ? `${notes.join(", ")}.` : null,
  };
}
