import { z } from "zod";
import { applyEdit, type NetworkEdit } from "./engine/edits";
import type { EngineConfig } from "./engine/types";
import { CONFIG_LOSS_NAMES } from "./engine/loss";
import { activationNameSchema, DATASET_NAMES, featuresSchema, hiddenActivationNameSchema, MAX_LAYER_SIZE, MAX_LAYERS, parseEngineConfig } from "./schemas";
import { MAX_CLASSES } from "./engine/more-datasets";

const layerIndex = z.int("must be an integer").min(0, "must be ≥ 0").max(MAX_LAYERS - 1, `must be ≤ ${MAX_LAYERS - 1}`);
const lossName = z.enum(CONFIG_LOSS_NAMES, { error: `must be one of ${CONFIG_LOSS_NAMES.join(", ")}` });

/**
 * A live edit of the network or its data (`lib/engine/edits.ts`), as the `edit` control carries it.
 * Shapes are checked here; whether the edited network is valid is checked on the result, by the
 * engine config schema, so its message names the config field (e.g. `layers[1]: must be ≥ 1`).
 */
export const networkEditSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({ kind: z.literal("add-neuron"), layer: layerIndex }),
    z.strictObject({ kind: z.literal("remove-neuron"), layer: layerIndex, neuron: z.int("must be an integer").min(0, "must be ≥ 0").max(MAX_LAYER_SIZE - 1, `must be ≤ ${MAX_LAYER_SIZE - 1}`) }),
    z.strictObject({ kind: z.literal("add-layer"), at: layerIndex, size: z.int("must be an integer").min(1, "must be ≥ 1").max(MAX_LAYER_SIZE, `must be ≤ ${MAX_LAYER_SIZE}`) }),
    z.strictObject({ kind: z.literal("remove-layer"), layer: layerIndex }),
    z.strictObject({ kind: z.literal("activation"), hidden: hiddenActivationNameSchema.optional(), output: activationNameSchema.optional(), loss: lossName.optional() }),
    z.strictObject({ kind: z.literal("features"), features: featuresSchema }),
    z.strictObject({
      kind: z.literal("data"),
      name: z.enum(DATASET_NAMES, { error: `must be one of ${DATASET_NAMES.join(", ")}` }).optional(),
      noise: z.number("must be a number").min(0, "must be ≥ 0").max(0.5, "must be ≤ 0.5").optional(),
      testRatio: z.number("must be a number").min(0, "must be ≥ 0").max(0.9, "must be ≤ 0.9").optional(),
      seed: z.int("must be an integer").min(0, "must be ≥ 0").max(2 ** 32 - 1, "must be < 2^32").optional(),
      classes: z.int("must be an integer").min(2, "must be ≥ 2").max(MAX_CLASSES, `must be ≤ ${MAX_CLASSES}`).optional(),
      output: activationNameSchema.optional(),
      loss: lossName.optional(),
    }),
    z.strictObject({ kind: z.literal("set-param"), index: z.int("must be an integer").min(0, "must be ≥ 0"), value: z.number("must be a finite number").min(-1000, "must be ≥ −1000").max(1000, "must be ≤ 1000") }),
    z.strictObject({ kind: z.literal("restart") }),
  ],
  { error: "kind must be one of add-neuron, remove-neuron, add-layer, remove-layer, activation, features, data, set-param, restart" },
) satisfies z.ZodType<NetworkEdit, unknown>;

/**
 * The validated config of the run an edit starts: `applyEdit`, then the engine config schema. Throws
 * an Error naming the field when the edit does not fit the network (`layer: …`) or leaves an invalid
 * config (`layers[1]: must be ≥ 1`).
 */
export function editedConfig(config: EngineConfig, theta: ArrayLike<number>, edit: NetworkEdit): EngineConfig {
  const next = applyEdit(config, theta, edit);
  return next === config ? config : parseEngineConfig(next);
}
