import { AppError, ErrorCode } from "@/lib/errors";
import type { EngineConfig, Point } from "@/lib/engine";
import type { Control, PresetNote } from "@/lib/protocol";
import { parseTrustedEngineConfig, presetConfig, presetNote } from "@/lib/presets";
import { datasetShape } from "@/lib/engine";

/** Output activations whose values lie in [0, 1], so targets outside it can never be reached (D2). */
const UNIT_INTERVAL_OUTPUTS = new Set(["sigmoid"]);

/**
 * The new run of a `preset` or `data` control: the config to start from and the note the room sees.
 * Throws a BAD_REQUEST AppError naming the field when the points do not fit the network (D2).
 */
export function runFor(current: EngineConfig, c: Extract<Control, { action: "preset" | "data" }>): { config: EngineConfig; preset: PresetNote | null } {
  if (c.action === "preset") return { config: presetConfig(c.presetId), preset: presetNote(c.presetId) };
  return { config: configWithPoints(current, c.points, c.testRatio), preset: null };
}

/** `current` with its dataset replaced by `points` (same network, init and hyperparameters); batch size clamped to the new split. */
export function configWithPoints(current: EngineConfig, points: Point[], testRatio?: number): EngineConfig {
  // with input features the points are the raw (x1, x2) the features are computed from
  const inputs = current.features ? 2 : current.layers[0];
  const outputs = current.layers[current.layers.length - 1];
  points.forEach((p, k) => {
    if (p.x.length !== inputs) throw bad(`points[${k}].x: expected ${inputs} inputs (${current.features ? "x1, x2: the network's features are computed from them" : "the network's input layer"}), got ${p.x.length}`);
    if (p.y.length !== outputs) throw bad(`points[${k}].y: expected ${outputs} targets (the network's output layer), got ${p.y.length}`);
    if (UNIT_INTERVAL_OUTPUTS.has(current.activation.output) || current.loss === "bce") {
      const j = p.y.findIndex((v) => v < 0 || v > 1);
      if (j >= 0) throw bad(`points[${k}].y[${j}]: must be in [0, 1] for a ${current.activation.output} output, got ${p.y[j]}`);
    }
  });
  const dataset = { points, seed: current.dataset.seed, testRatio: testRatio ?? current.dataset.testRatio };
  const shape = datasetShape(dataset);
  if (shape.trainSize < 1) throw bad("testRatio: leaves no training examples");
  const { params: _, ...rest } = current;
  try {
    // Explicit initial params stay valid: the network is unchanged.
    return parseTrustedEngineConfig({ ...rest, params: current.params, dataset, batchSize: Math.min(current.batchSize, shape.trainSize) });
  } catch (err) {
    throw bad((err as Error).message);
  }
}

function bad(message: string): AppError {
  return new AppError(ErrorCode.BAD_REQUEST, message);
}
