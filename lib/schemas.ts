import { z } from "zod";
import { ACTIVATION_NAMES, HIDDEN_ACTIVATION_NAMES, type ActivationName } from "./engine/activations";
import { datasetShape } from "./engine/datasets";
import { FEATURE_NAMES, FEATURES, type FeatureName } from "./engine/features";
import { acceptsClasses, isRegression, MAX_CLASSES } from "./engine/more-datasets";
import { CONFIG_LOSS_NAMES } from "./engine/loss";
import type { DatasetName, DatasetSpec, EngineConfig } from "./engine/types";

/** Largest layer. */
export const MAX_LAYER_SIZE = 64;
/** Most layers, input and output included. */
export const MAX_LAYERS = 8;
/** Most points in a dataset. */
export const MAX_POINTS = 2000;

/**
 * The default learning rate η of a sigmoid output with squared error, the seed's network (the seed
 * document uses 0.5: see the preset "the plateau"). σ'(z) ≤ 0.25 shrinks that gradient, so it takes a
 * larger step than the other outputs, whose default is DEFAULT_OTHER_LEARNING_RATE.
 */
export const DEFAULT_LEARNING_RATE = 5;
/** The default η of every other output and loss (linear regression, softmax, binary cross-entropy, tanh …). */
export const DEFAULT_OTHER_LEARNING_RATE = 0.5;

/** The learning rate a config gets when it names none. */
export function defaultLearningRate(c: { loss: string; activation: { output: string } }): number {
  return c.loss === "mse" && c.activation.output === "sigmoid" ? DEFAULT_LEARNING_RATE : DEFAULT_OTHER_LEARNING_RATE;
}
/** The default batch size (all four XOR examples per step; the seed steps one example at a time), at most the training split. */
export const DEFAULT_BATCH_SIZE = 4;

/** Names of the built-in datasets, in menu order. */
export const DATASET_NAMES = ["xor", "and", "or", "nand", "circle", "xor-cloud", "gaussian", "spiral", "plane", "multi-gaussian"] as const satisfies readonly DatasetName[];

const seedSchema = z.int("must be an integer").min(0, "must be ≥ 0").max(2 ** 32 - 1, "must be < 2^32");
const finite = (what = "must be a finite number") => z.number(what);

/** An activation name. */
export const activationNameSchema = z.enum(ACTIVATION_NAMES as [ActivationName, ...ActivationName[]], {
  error: `must be one of ${ACTIVATION_NAMES.join(", ")}`,
});

/** A hidden layer's activation name (softmax only normalises an output layer). */
export const hiddenActivationNameSchema = z.enum(HIDDEN_ACTIVATION_NAMES as [ActivationName, ...ActivationName[]], {
  error: `must be one of ${HIDDEN_ACTIVATION_NAMES.join(", ")} (softmax is for the output layer only)`,
});

/** Input features of each 2-D point, each at most once; absent means the raw x1, x2. */
export const featuresSchema = z
  .array(z.enum(FEATURE_NAMES as [FeatureName, ...FeatureName[]], { error: `must be one of ${FEATURE_NAMES.join(", ")}` }), "must be an array of feature names")
  .min(1, "needs at least one feature")
  .max(FEATURE_NAMES.length, `at most ${FEATURE_NAMES.length} features`)
  .refine((f) => new Set(f).size === f.length, "must not repeat a feature");

/** Weight regularisation; off by default. */
export const regularizationSchema = z.strictObject({
  kind: z.enum(["none", "l1", "l2"], { error: "must be none, l1 or l2" }).default("none"),
  rate: finite().min(0, "must be ≥ 0").max(10, "must be ≤ 10").default(0),
});

/** Weight initialisation: a scheme and its seed. */
export const initSchema = z.strictObject({
  scheme: z.enum(["xavier", "he", "uniform"], { error: "must be xavier, he or uniform" }).default("xavier"),
  seed: seedSchema.default(42),
  range: finite().gt(0, "must be > 0").max(10, "must be ≤ 10").default(0.5),
});

const vector = z.array(finite(), "must be an array of finite numbers").max(MAX_LAYER_SIZE, `at most ${MAX_LAYER_SIZE} values`);

/** Explicit initial parameters: weights[l][i][j], biases[l][i]. */
export const paramsSchema = z.strictObject({
  weights: z.array(z.array(vector).max(MAX_LAYER_SIZE), "must be an array of matrices").max(MAX_LAYERS - 1),
  biases: z.array(vector, "must be an array of vectors").max(MAX_LAYERS - 1),
});

/** One labelled point. */
export const pointSchema = z.strictObject({
  x: vector.min(1, "needs at least one input"),
  y: vector.min(1, "needs at least one target"),
});

/** A dataset: `{ name, seed?, size?, noise?, testRatio?, classes? }` or `{ points, seed?, testRatio? }`. */
export const datasetSchema = z
  .strictObject({
    name: z.enum(DATASET_NAMES, { error: `must be one of ${DATASET_NAMES.join(", ")}` }).optional(),
    points: z.array(pointSchema, "must be an array of { x, y } points").min(1, "needs at least one point").max(MAX_POINTS, `at most ${MAX_POINTS} points`).optional(),
    seed: seedSchema.default(7),
    size: z.int("must be an integer").min(4, "must be ≥ 4").max(MAX_POINTS, `must be ≤ ${MAX_POINTS}`).optional(),
    noise: finite().min(0, "must be ≥ 0").max(0.5, "must be ≤ 0.5").default(0),
    testRatio: finite().min(0, "must be ≥ 0").max(0.9, "must be ≤ 0.9").optional(),
    classes: z.int("must be an integer").min(2, "must be ≥ 2").max(MAX_CLASSES, `must be ≤ ${MAX_CLASSES}`).optional(),
  })
  .superRefine((d, ctx) => {
    if (d.classes !== undefined && d.classes > 2 && !acceptsClasses(d.name ?? "")) ctx.addIssue({ code: "custom", path: ["classes"], message: `applies to the spiral and gaussian datasets only, got ${d.name ?? "points"}` });
    if (d.points && d.name) ctx.addIssue({ code: "custom", path: ["name"], message: "give either name or points, not both" });
    if (d.points && d.size !== undefined) ctx.addIssue({ code: "custom", path: ["size"], message: "size applies to generated datasets only" });
    if (!d.points) return;
    const [first] = d.points;
    d.points.forEach((p, k) => {
      if (p.x.length !== first.x.length) ctx.addIssue({ code: "custom", path: ["points", k, "x"], message: `expected ${first.x.length} inputs like points[0], got ${p.x.length}` });
      if (p.y.length !== first.y.length) ctx.addIssue({ code: "custom", path: ["points", k, "y"], message: `expected ${first.y.length} targets like points[0], got ${p.y.length}` });
    });
  })
  .transform((d): DatasetSpec =>
    d.points
      ? { points: d.points, seed: d.seed, testRatio: d.testRatio }
      : { name: d.name ?? "xor", seed: d.seed, size: d.size, noise: d.noise, testRatio: d.testRatio, ...(d.classes !== undefined && d.classes > 2 ? { classes: d.classes } : {}) },
  );

const scheduleStart = z.int("must be an integer").min(0, "must be ≥ 0").optional();

/** A learning-rate schedule: constant, step decay (× factor every N updates) or 1/t decay. */
export const lrScheduleSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({ kind: z.literal("constant"), start: scheduleStart }),
    z.strictObject({
      kind: z.literal("step"),
      every: z.int("must be an integer").min(1, "must be ≥ 1").max(1_000_000_000, "must be ≤ 1000000000"),
      factor: finite().gt(0, "must be > 0").max(1, "must be ≤ 1"),
      start: scheduleStart,
    }),
    z.strictObject({ kind: z.literal("inverse"), decay: finite().min(0, "must be ≥ 0").max(10, "must be ≤ 10"), start: scheduleStart }),
  ],
  { error: "kind must be constant, step or inverse" },
);

/** Hyperparameters that can change while a session runs. */
export const hyperSchema = z.strictObject({
  learningRate: finite().gt(0, "must be > 0").max(10, "must be ≤ 10"),
  lrSchedule: lrScheduleSchema.optional(),
  batchSize: z.int("must be an integer").min(1, "must be ≥ 1"),
  regularization: regularizationSchema,
});

/** The engine config. `{}` is the seed's 2-2-1 sigmoid network on XOR. */
export const engineConfigSchema = z
  .strictObject({
    layers: z
      .array(z.int("must be an integer").min(1, "must be ≥ 1").max(MAX_LAYER_SIZE, `must be ≤ ${MAX_LAYER_SIZE}`), "must be an array of layer sizes")
      .min(2, "needs at least 2 layers (input and output)")
      .max(MAX_LAYERS, `at most ${MAX_LAYERS} layers`)
      .default([2, 2, 1]),
    features: featuresSchema.optional(),
    activation: z
      .strictObject({ hidden: hiddenActivationNameSchema.default("sigmoid"), output: activationNameSchema.default("sigmoid") })
      .prefault({}),
    loss: z.enum(CONFIG_LOSS_NAMES, { error: `must be one of ${CONFIG_LOSS_NAMES.join(", ")}` }).default("mse"),
    // Full-batch steps at η = 5 take the seed's network past its XOR plateau in ~165 steps (mean training
    // loss < 0.05), and ~70 % of reset seeds within 300: scripts/search-defaults.ts. The seed's own
    // η = 0.5 per-example run is the preset "the plateau" (lib/presets.ts).
    learningRate: hyperSchema.shape.learningRate.optional(),
    lrSchedule: lrScheduleSchema.optional(),
    batchSize: hyperSchema.shape.batchSize.optional(),
    regularization: regularizationSchema.prefault({}),
    init: initSchema.prefault({}),
    params: paramsSchema.optional(),
    dataset: datasetSchema.prefault({}),
  })
  .superRefine((c, ctx) => {
    const shape = datasetShape(c.dataset);
    const last = c.layers.length - 1;
    if (c.features) checkFeatures(c.features, c.layers[0], shape.inputDim, ctx);
    else if (c.layers[0] !== shape.inputDim) ctx.addIssue({ code: "custom", path: ["layers", 0], message: `must equal the data's input dimension ${shape.inputDim}, got ${c.layers[0]}` });
    if (c.layers[last] !== shape.targetDim) ctx.addIssue({ code: "custom", path: ["layers", last], message: `must equal the data's target dimension ${shape.targetDim}, got ${c.layers[last]}` });
    if (shape.trainSize < 1) ctx.addIssue({ code: "custom", path: ["dataset", "testRatio"], message: "leaves no training examples" });
    else if (c.batchSize !== undefined && c.batchSize > shape.trainSize) ctx.addIssue({ code: "custom", path: ["batchSize"], message: `must be ≤ the training split size ${shape.trainSize}, got ${c.batchSize}` });
    if (c.params) checkParamShapes(c.layers, c.params, ctx);
    if (c.loss === "bce") checkBceConfig(c, ctx);
    checkOutputConfig(c, ctx);
  })
  // An omitted learning rate follows the output (defaultLearningRate); an omitted batch size is the
  // default, clamped to a smaller training split.
  .transform((c) => ({
    ...c,
    learningRate: c.learningRate ?? defaultLearningRate(c),
    batchSize: c.batchSize ?? Math.min(DEFAULT_BATCH_SIZE, Math.max(1, datasetShape(c.dataset).trainSize)),
  })) satisfies z.ZodType<EngineConfig, unknown>;

/** Input of the engine config (every field optional). */
export type EngineConfigInput = z.input<typeof engineConfigSchema>;

/**
 * Binary cross-entropy reads ŷ as a probability and y as the target probability: the output must be a
 * sigmoid (ŷ in (0, 1)) and every target in [0, 1]. The built-in datasets' labels are 0 and 1
 * (tests/lib/schemas.test.ts checks every one), so only explicit points need looking at.
 */
function checkBceConfig(c: { activation: { output: ActivationName }; dataset: DatasetSpec }, ctx: z.RefinementCtx): void {
  if (c.activation.output !== "sigmoid") {
    ctx.addIssue({ code: "custom", path: ["activation", "output"], message: `must be sigmoid when loss is bce (binary cross-entropy needs outputs in (0, 1)), got ${c.activation.output}` });
  }
  if (!("points" in c.dataset)) return;
  c.dataset.points.forEach((p, k) => {
    p.y.forEach((v, i) => {
      if (!(v >= 0 && v <= 1)) ctx.addIssue({ code: "custom", path: ["dataset", "points", k, "y", i], message: `must be in [0, 1] when loss is bce, got ${v}` });
    });
  });
}

function checkFeatures(features: FeatureName[], inputs: number, dataDim: number, ctx: z.RefinementCtx): void {
  if (dataDim !== 2) ctx.addIssue({ code: "custom", path: ["features"], message: `need 2-D points (x1, x2), the data has ${dataDim} inputs` });
  else if (inputs !== features.length) {
    const labels = features.map((f) => FEATURES[f].label).join(", ");
    ctx.addIssue({ code: "custom", path: ["features"], message: `lists ${features.length} features (${labels}), so layers[0] must be ${features.length}, got ${inputs}` });
  }
}

/**
 * Softmax and cross-entropy only make sense together (δ = ŷ − y needs both) and over at least two
 * outputs with targets that are probabilities summing to 1; regression targets need squared error.
 */
function checkOutputConfig(c: { layers: number[]; loss: string; activation: { output: ActivationName }; dataset: DatasetSpec }, ctx: z.RefinementCtx): void {
  const outputs = c.layers[c.layers.length - 1];
  if (c.activation.output === "softmax" && c.loss !== "ce") ctx.addIssue({ code: "custom", path: ["loss"], message: `must be ce when activation.output is softmax, got ${c.loss}` });
  if (c.loss === "ce") {
    if (c.activation.output !== "softmax") ctx.addIssue({ code: "custom", path: ["activation", "output"], message: `must be softmax when loss is ce (cross-entropy over class probabilities), got ${c.activation.output}` });
    if (outputs < 2) ctx.addIssue({ code: "custom", path: ["layers", c.layers.length - 1], message: `must be ≥ 2 when loss is ce (one output per class; use bce with one sigmoid output for two classes), got ${outputs}` });
    if ("points" in c.dataset) {
      c.dataset.points.forEach((p, k) => {
        const sum = p.y.reduce((s, v) => s + v, 0);
        if (p.y.some((v) => !(v >= 0)) || Math.abs(sum - 1) > 1e-9) ctx.addIssue({ code: "custom", path: ["dataset", "points", k, "y"], message: `must be class probabilities (≥ 0, summing to 1) when loss is ce, got [${p.y}]` });
      });
    }
  }
  if ("name" in c.dataset && isRegression(c.dataset.name) && c.loss !== "mse") {
    ctx.addIssue({ code: "custom", path: ["loss"], message: `must be mse for the regression dataset ${c.dataset.name} (continuous targets), got ${c.loss}` });
  }
}

function checkParamShapes(layers: number[], params: z.infer<typeof paramsSchema>, ctx: z.RefinementCtx): void {
  const links = layers.length - 1;
  if (params.weights.length !== links) ctx.addIssue({ code: "custom", path: ["params", "weights"], message: `expected ${links} weight matrices for layers [${layers}], got ${params.weights.length}` });
  if (params.biases.length !== links) ctx.addIssue({ code: "custom", path: ["params", "biases"], message: `expected ${links} bias vectors for layers [${layers}], got ${params.biases.length}` });
  for (let l = 0; l < Math.min(links, params.weights.length); l++) {
    const rows = params.weights[l];
    if (rows.length !== layers[l + 1]) ctx.addIssue({ code: "custom", path: ["params", "weights", l], message: `expected ${layers[l + 1]} rows, got ${rows.length}` });
    rows.forEach((row, i) => {
      if (row.length !== layers[l]) ctx.addIssue({ code: "custom", path: ["params", "weights", l, i], message: `expected ${layers[l]} values, got ${row.length}` });
    });
  }
  for (let l = 0; l < Math.min(links, params.biases.length); l++) {
    if (params.biases[l].length !== layers[l + 1]) ctx.addIssue({ code: "custom", path: ["params", "biases", l], message: `expected ${layers[l + 1]} values, got ${params.biases[l].length}` });
  }
}

/**
 * True when text people typed can be stored and shown as is: no control characters (PostgreSQL text
 * cannot even hold U+0000) and no unpaired UTF-16 surrogates (they have no UTF-8 encoding).
 */
export function isPlainText(text: string): boolean {
  return !/[\p{Cc}\p{Cs}]/u.test(text);
}

/** The rule `isPlainText` enforces, as a validation message. */
export const PLAIN_TEXT_MESSAGE = "must not contain control characters or broken Unicode";

/** Longest session title, in characters. */
export const MAX_TITLE_LENGTH = 120;

/** A session's title as typed: trimmed, 1 to MAX_TITLE_LENGTH characters of plain text (the start form and `POST /api/sessions`). */
export const sessionTitleSchema = z
  .string("must be a string")
  .trim()
  .min(1, "must not be empty")
  .max(MAX_TITLE_LENGTH, `must be at most ${MAX_TITLE_LENGTH} characters`)
  .refine(isPlainText, PLAIN_TEXT_MESSAGE);

/** Renders a zod error as "field: rule" lines, e.g. `layers[0]: must be ≤ 64`. */
export function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join("; ");
}

/** Formats a zod path like `dataset.points[3].x`. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(root)";
  return path.map((p, k) => (typeof p === "number" ? `[${p}]` : k === 0 ? String(p) : `.${String(p)}`)).join("");
}

/** Parses an engine config or throws one Error whose message names every bad field and its rule. */
export function parseEngineConfig(input: unknown): EngineConfig {
  const result = engineConfigSchema.safeParse(input);
  if (!result.success) throw new Error(formatIssues(result.error));
  return result.data;
}
