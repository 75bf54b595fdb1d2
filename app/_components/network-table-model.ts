import { createLayout, describeParams, neuronName, type StepTrace } from "@/lib/engine";
import { formatValue } from "@/app/_lib/format";

/** One neuron as a row of the network's table: what the diagram draws, as text. */
export interface NeuronRow {
  name: string;
  /** Its activation on the example shown ("—" before any step). */
  activation: string;
  /** Its bias ("" for inputs). */
  bias: string;
  /** Incoming weights as "w11 = 0.52", in the order of the sending neurons. */
  weights: string[];
}

/** One layer of the table. */
export interface LayerTable {
  title: string;
  rows: NeuronRow[];
  /** Neurons left out of a layer wider than the table shows. */
  more: number;
}

/** Neurons a layer's table lists (the form accepts 64; the rest are counted). */
export const MAX_TABLE_NEURONS = 16;

/**
 * The network diagram's non-visual twin: for each layer, each neuron's activation on the step's
 * example, its bias and its incoming weights, from the same θ and trace the diagram draws.
 */
export function buildNetworkTable(sizes: readonly number[], params: ArrayLike<number>, trace: StepTrace | null, exampleIndex: number): LayerTable[] {
  const example = trace?.examples[Math.min(exampleIndex, trace.examples.length - 1)] ?? null;
  const infos = describeParams(createLayout(sizes));
  const last = sizes.length - 1;
  return sizes.map((size, l) => {
    const rows: NeuronRow[] = [];
    for (let i = 0; i < Math.min(size, MAX_TABLE_NEURONS); i++) {
      const incoming = l === 0 ? [] : infos.filter((p) => p.layer === l - 1 && p.to === i);
      const bias = incoming.find((p) => p.kind === "bias");
      rows.push({
        name: neuronName(sizes, l, i),
        activation: example ? formatValue(example.a[l][i], 3) : "—",
        bias: bias ? formatValue(params[bias.index], 3) : "",
        weights: incoming.filter((p) => p.kind === "weight").map((p) => `${p.name} = ${formatValue(params[p.index], 3)}`),
      });
    }
    const title = l === 0 ? "Inputs" : l === last ? "Output layer" : sizes.length === 3 ? "Hidden layer" : `Hidden layer ${l}`;
    return { title, rows, more: Math.max(0, size - MAX_TABLE_NEURONS) };
  });
}
