import type { ActivationName } from "./activations";
import { datasetShape } from "./datasets";
import { DEFAULT_FEATURES, type FeatureName } from "./features";
import { createLayout, flattenParams, initParams, nestParams, type Layout } from "./layout";
import type { LossName } from "./loss";
import { Mulberry32, mixSeed } from "./random";
import type { DatasetName, DatasetSpec, EngineConfig } from "./types";

/**
 * A live edit of the network or its data. Each one starts a new run whose config carries the edited
 * parameters explicitly (`params`), so replaying that run needs only its config: nothing here is
 * re-run to replay it. Layers are indexed as in `layers` (0 = inputs, the last = outputs).
 */
export type NetworkEdit =
  /** Appends a neuron to hidden layer `layer`. */
  | { kind: "add-neuron"; layer: number }
  | { kind: "remove-neuron"; layer: number; neuron: number }
  /** Inserts a hidden layer of `size` neurons at index `at` (between layers at − 1 and at). */
  | { kind: "add-layer"; at: number; size: number }
  | { kind: "remove-layer"; layer: number }
  | { kind: "activation"; hidden?: ActivationName; output?: ActivationName; loss?: LossName }
  | { kind: "features"; features: FeatureName[] }
  /** Regenerates the data (new noise, train/test ratio, seed, dataset or class count); outputs follow the targets. */
  | { kind: "data"; name?: DatasetName; noise?: number; testRatio?: number; seed?: number; classes?: number; output?: ActivationName; loss?: LossName }
  /** Sets θ[index] ("what if w11 were −2?"). */
  | { kind: "set-param"; index: number; value: number }
  /** The run again from its own initial parameters (the config unchanged). */
  | { kind: "restart" };

/** For each new layer: the old layer it was (−1 if new) and, per neuron, the old neuron (−1 if new). */
interface NeuronMap {
  layer: number[];
  neuron: number[][];
}

/**
 * The config of the run an edit starts, from the current config and parameters θ. Weights between two
 * neurons that were adjacent before keep their values; every other weight is drawn from the run's
 * init scheme with a generator seeded by `init.seed`; new biases are 0. The result is not validated:
 * pass it through `parseEngineConfig` (a removed last neuron or a softmax without ce is reported there).
 */
export function applyEdit(config: EngineConfig, theta: ArrayLike<number>, edit: NetworkEdit): EngineConfig {
  const layers = config.layers;
  const identity = (): NeuronMap => ({ layer: layers.map((_, l) => l), neuron: layers.map((n) => range(n)) });
  const map = identity();
  let next: EngineConfig = { ...config };
  switch (edit.kind) {
    case "restart":
      return config;
    case "set-param": {
      if (!Number.isInteger(edit.index) || edit.index < 0 || edit.index >= theta.length) throw new Error(`index: must be a parameter index 0..${theta.length - 1}, got ${edit.index}`);
      const params = Float64Array.from(theta);
      params[edit.index] = edit.value;
      return { ...config, params: nestParams(createLayout(layers), params) };
    }
    case "add-neuron":
      hidden(layers, edit.layer);
      next.layers = layers.map((n, l) => (l === edit.layer ? n + 1 : n));
      map.neuron[edit.layer].push(-1);
      break;
    case "remove-neuron":
      hidden(layers, edit.layer);
      if (!(edit.neuron >= 0 && edit.neuron < layers[edit.layer])) throw new Error(`neuron: must be 0..${layers[edit.layer] - 1}, got ${edit.neuron}`);
      next.layers = layers.map((n, l) => (l === edit.layer ? n - 1 : n));
      map.neuron[edit.layer].splice(edit.neuron, 1);
      break;
    case "add-layer":
      if (!(Number.isInteger(edit.at) && edit.at >= 1 && edit.at < layers.length)) throw new Error(`at: must be 1..${layers.length - 1}, got ${edit.at}`);
      next.layers = [...layers.slice(0, edit.at), edit.size, ...layers.slice(edit.at)];
      map.layer.splice(edit.at, 0, -1);
      map.neuron.splice(edit.at, 0, new Array<number>(edit.size).fill(-1));
      break;
    case "remove-layer":
      hidden(layers, edit.layer);
      next.layers = layers.filter((_, l) => l !== edit.layer);
      map.layer.splice(edit.layer, 1);
      map.neuron.splice(edit.layer, 1);
      break;
    case "activation": {
      const output = edit.output ?? config.activation.output;
      next = { ...next, activation: { hidden: edit.hidden ?? config.activation.hidden, output }, loss: edit.loss ?? lossFor(output, config.loss) };
      break;
    }
    case "features": {
      const before = config.features ?? DEFAULT_FEATURES;
      next.features = [...edit.features];
      next.layers = [edit.features.length, ...layers.slice(1)];
      map.neuron[0] = edit.features.map((f) => before.indexOf(f));
      break;
    }
    case "data": {
      next.dataset = regenerate(config.dataset, edit);
      const outputs = datasetShape(next.dataset).targetDim;
      const last = layers.length - 1;
      next.layers = layers.map((n, l) => (l === last ? outputs : n));
      map.neuron[last] = range(outputs).map((k) => (k < layers[last] ? k : -1));
      const output = edit.output ?? config.activation.output;
      next.activation = { ...config.activation, output };
      next.loss = edit.loss ?? lossFor(output, config.loss);
      break;
    }
  }
  return { ...next, params: nestParams(createLayout(next.layers), carryParams(config, theta, next, map)) };
}

/** θ for the new shape: kept where both ends of a weight survive and were adjacent, drawn otherwise. */
function carryParams(config: EngineConfig, theta: ArrayLike<number>, next: EngineConfig, map: NeuronMap): Float64Array {
  const old: Layout = createLayout(config.layers);
  const layout = createLayout(next.layers);
  const drawn = initParams(layout, { ...next.init, seed: mixSeed(next.init.seed, 0xed17) });
  const out = new Float64Array(layout.count);
  const { sizes } = layout;
  for (let l = 0; l < sizes.length - 1; l++) {
    const from = map.layer[l];
    const to = map.layer[l + 1];
    const adjacent = from >= 0 && to === from + 1;
    for (let i = 0; i < sizes[l + 1]; i++) {
      const oi = to >= 0 ? map.neuron[l + 1][i] : -1;
      for (let j = 0; j < sizes[l]; j++) {
        const oj = map.neuron[l][j];
        const k = layout.wOff[l] + i * sizes[l] + j;
        out[k] = adjacent && oi >= 0 && oj >= 0 ? theta[old.wOff[from] + oi * old.sizes[from] + oj] : drawn[k];
      }
      // a surviving neuron keeps its bias wherever its inputs now come from
      out[layout.bOff[l] + i] = oi >= 0 ? theta[old.bOff[to - 1] + oi] : 0;
    }
  }
  return out;
}

/** The loss that goes with a new output activation: ce for softmax, and off ce when leaving it. */
function lossFor(output: ActivationName, loss: LossName): LossName {
  if (output === "softmax") return "ce";
  return loss === "ce" ? "mse" : loss;
}

function regenerate(spec: DatasetSpec, edit: Extract<NetworkEdit, { kind: "data" }>): DatasetSpec {
  const base = "name" in spec ? spec : { name: edit.name ?? ("xor" as DatasetName), seed: spec.seed, noise: 0 };
  const next: DatasetSpec = { ...base, name: edit.name ?? base.name, seed: edit.seed ?? base.seed, noise: edit.noise ?? base.noise };
  const testRatio = edit.testRatio ?? ("points" in spec ? undefined : spec.testRatio);
  if (testRatio !== undefined) next.testRatio = testRatio;
  const classes = edit.classes ?? ("name" in spec ? spec.classes : undefined);
  if (classes !== undefined && classes > 2) next.classes = classes;
  else delete next.classes;
  return next;
}

function hidden(layers: readonly number[], l: number): void {
  if (!(Number.isInteger(l) && l >= 1 && l < layers.length - 1)) throw new Error(`layer: must be a hidden layer 1..${layers.length - 2}, got ${l}`);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, k) => k);
}

/** θ of a config as the trainer starts it (explicit params, or drawn from init). */
export function initialTheta(config: EngineConfig): Float64Array {
  const layout = createLayout(config.layers);
  return config.params ? flattenParams(layout, config.params) : initParams(layout, config.init);
}
