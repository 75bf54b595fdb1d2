import { createLayout, describeParams, FEATURES, neuronName, type FeatureName, type ParamInfo, type StepTrace } from "@/lib/engine";
import type { Phase } from "@/lib/protocol";
import { activationRange, cssRgb, divergingRgb, toSigned } from "@/app/_lib/colour-scale";

/** CSS colour of a positive weight. */
export const POSITIVE_STROKE = "var(--pos)";
/** CSS colour of a negative weight. */
export const NEGATIVE_STROKE = "var(--neg)";
/** Dash pattern of a negative weight (positive weights are solid), so colour never carries the sign alone. */
export const NEGATIVE_DASH = "7 5";
/** Thinnest edge (w = 0), in viewBox units. */
export const MIN_EDGE_WIDTH = 1;
/** Thickest edge (|w| → ∞), in viewBox units. */
export const MAX_EDGE_WIDTH = 9;

/** How one weight is stroked. */
export interface WeightStroke {
  width: number;
  colour: string;
  /** SVG dash array, or null for a solid line. */
  dash: string | null;
  sign: "+" | "−";
  opacity: number;
}

/**
 * Stroke of a weight: sign → colour AND dash (solid +, dashed −), |w| → width, strictly increasing and
 * bounded (1 + 8·tanh(|w|/2)), on an absolute scale so widths compare across steps.
 */
export function weightStroke(w: number): WeightStroke {
  const m = Number.isFinite(w) ? Math.abs(w) : 10;
  const negative = w < 0;
  return {
    width: MIN_EDGE_WIDTH + (MAX_EDGE_WIDTH - MIN_EDGE_WIDTH) * Math.tanh(m / 2),
    colour: negative ? NEGATIVE_STROKE : POSITIVE_STROKE,
    dash: negative ? NEGATIVE_DASH : null,
    sign: negative ? "−" : "+",
    opacity: 0.45 + 0.55 * Math.tanh(m),
  };
}

/** A neuron as drawn. */
export interface DiagramNode {
  id: string;
  layer: number;
  index: number;
  x: number;
  y: number;
  r: number;
  /** x1, a1, ŷ … */
  label: string;
  /** Its value for the current example, or null when there is no trace. */
  value: number | null;
  /** Fill colour for that value. */
  fill: string;
  /** Hidden neurons of a 2-input network draw a heatmap of what they detect. */
  heatmap: boolean;
  /** The neuron's bias, if it has one. */
  bias: DiagramParam | null;
  onPath: boolean;
}

/** A parameter as drawn: an edge (weight) or a bias knob. */
export interface DiagramParam {
  index: number;
  name: string;
  kind: "weight" | "bias";
  value: number;
  stroke: WeightStroke;
  /** |∂L/∂θ| relative to the largest this step (0…1), drawn as a halo in the backward phase. */
  gradShare: number;
  onPath: boolean;
}

/** A weight's edge. */
export interface DiagramEdge extends DiagramParam {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** The signal w·a it carries for the current example (forward phase), or null. */
  signal: number | null;
}

/** Everything the SVG needs. */
export interface DiagramModel {
  width: number;
  height: number;
  nodes: DiagramNode[];
  edges: DiagramEdge[];
  /** Direction values flow in the current phase (for the animated overlay). */
  flow: "forward" | "backward" | null;
}

/** Inputs of `buildDiagramModel`. */
export interface DiagramInput {
  sizes: readonly number[];
  /** θ to draw (layout order). */
  params: ArrayLike<number>;
  trace?: StepTrace | null;
  /** Which example of the trace's batch to show. */
  exampleIndex?: number;
  phase?: Phase | null;
  /** θ index of the selected parameter: its chain-rule path is highlighted. */
  selected?: number | null;
  activation: { hidden: string; output: string };
  /** The network's input features (config `features`): inputs are named by them (x1², sin(x1) …), and hidden neurons of any feature list draw a heatmap over the 2-D plane. */
  features?: readonly FeatureName[];
  width?: number;
  height?: number;
  /** Largest neuron radius (26 on a laptop; the projector draws larger). */
  maxRadius?: number;
}

/** Maps parameters and a step trace to a drawing: positions, strokes, colours, dashes, highlights. */
export function buildDiagramModel(input: DiagramInput): DiagramModel {
  const { sizes, params, trace } = input;
  const width = input.width ?? 640;
  const height = input.height ?? 380;
  const layout = createLayout(sizes);
  const infos = describeParams(layout);
  const last = sizes.length - 1;
  const example = trace?.examples[Math.min(input.exampleIndex ?? 0, (trace?.examples.length ?? 1) - 1)] ?? null;
  const path = input.selected != null && infos[input.selected] ? chainPath(sizes, infos[input.selected]) : null;
  const maxGrad = trace ? trace.grad.reduce((m, g) => Math.max(m, Number.isFinite(g) ? Math.abs(g) : 0), 0) : 0;
  const showGrad = input.phase === "backward" || input.phase === "update";

  const tallest = Math.max(...sizes);
  const padY = 34;
  const r = Math.max(5, Math.min(input.maxRadius ?? 26, width / 20, (height - 2 * padY) / (tallest * 2.6)));
  // Room for the output's bias knob (top right of the neuron) inside the picture, however large r is.
  const padX = Math.max(56, Math.ceil(r * 1.4) + 4);
  const pos = (l: number, i: number): [number, number] => {
    const x = padX + (l * (width - 2 * padX)) / Math.max(1, last);
    const gap = (height - 2 * padY) / sizes[l];
    return [x, padY + gap * (i + 0.5)];
  };

  const toParam = (p: ParamInfo): DiagramParam => {
    const value = params[p.index];
    const g = trace ? trace.grad[p.index] : 0;
    return {
      index: p.index,
      name: p.name,
      kind: p.kind,
      value,
      stroke: weightStroke(value),
      gradShare: showGrad && maxGrad > 0 && Number.isFinite(g) ? Math.abs(g) / maxGrad : 0,
      onPath: path?.params.has(p.index) ?? false,
    };
  };

  const biasOf = new Map<string, DiagramParam>();
  const edges: DiagramEdge[] = [];
  for (const p of infos) {
    if (p.kind === "bias") {
      biasOf.set(`${p.layer + 1}:${p.to}`, toParam(p));
      continue;
    }
    const [x1, y1] = pos(p.layer, p.from);
    const [x2, y2] = pos(p.layer + 1, p.to);
    const a = example ? example.a[p.layer][p.from] : null;
    edges.push({ ...toParam(p), x1: x1 + r, y1, x2: x2 - r, y2, signal: a === null ? null : params[p.index] * a });
  }

  const nodes: DiagramNode[] = [];
  for (let l = 0; l <= last; l++) {
    const range = activationRange(l === last ? input.activation.output : input.activation.hidden);
    for (let i = 0; i < sizes[l]; i++) {
      const [x, y] = pos(l, i);
      const value = example ? example.a[l][i] : null;
      nodes.push({
        id: `n${l}-${i}`,
        layer: l,
        index: i,
        x,
        y,
        r,
        label: l === 0 && input.features?.[i] ? FEATURES[input.features[i]].label : neuronName(sizes, l, i),
        value,
        fill: value === null ? "var(--surface-2)" : cssRgb(divergingRgb(l === 0 ? Math.tanh(value) : toSigned(value, range))),
        heatmap: l > 0 && l < last && (sizes[0] === 2 || input.features !== undefined) && sizes[l] <= 16,
        bias: biasOf.get(`${l}:${i}`) ?? null,
        onPath: path?.nodes.has(`${l}:${i}`) ?? false,
      });
    }
  }
  const flow = input.phase === "forward" ? "forward" : input.phase === "backward" ? "backward" : null;
  return { width, height, nodes, edges, flow };
}

/**
 * The chain-rule path of a parameter: the neurons and parameters its gradient is a product over —
 * from its own link, through its receiving neuron, along every later weight to the outputs.
 */
export function chainPath(sizes: readonly number[], p: ParamInfo): { params: Set<number>; nodes: Set<string> } {
  const layout = createLayout(sizes);
  const infos = describeParams(layout);
  const params = new Set<number>([p.index]);
  const nodes = new Set<string>([`${p.layer + 1}:${p.to}`]);
  if (p.kind === "weight") nodes.add(`${p.layer}:${p.from}`);
  // Neurons reached from the receiving neuron; weights between reached neurons carry the gradient back.
  let reached = new Set<number>([p.to]);
  for (let l = p.layer + 1; l < sizes.length - 1; l++) {
    const next = new Set<number>();
    for (const q of infos) {
      if (q.kind !== "weight" || q.layer !== l || !reached.has(q.from)) continue;
      params.add(q.index);
      next.add(q.to);
      nodes.add(`${l + 1}:${q.to}`);
    }
    reached = next;
  }
  return { params, nodes };
}
