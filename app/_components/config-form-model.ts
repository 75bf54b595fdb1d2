import { FEATURE_NAMES, isIdentityFeatures, MULTICLASS_DATASETS, REGRESSION_DATASETS, type FeatureName, type StopCondition } from "@/lib/engine";
import { DATASET_NAMES, DEFAULT_BATCH_SIZE, DEFAULT_LEARNING_RATE, defaultLearningRate, engineConfigSchema, formatPath, sessionTitleSchema } from "@/lib/schemas";
import { stopConditionSchema } from "@/lib/stop-schema";

/** What the network is asked to do: it decides the output layer, its activation and the loss. */
export type Task = "binary" | "multiclass" | "regression";
/** Learning-rate schedule kinds, as `lrSchedule.kind` names them. */
export type ScheduleKind = "constant" | "step" | "inverse";
/** Where play pauses by itself, or "none". */
export type StopKind = "none" | StopCondition["kind"];

/** The start form's fields as typed (strings, so half-typed numbers survive). */
export interface ConfigDraft {
  title: string;
  layers: string;
  features: FeatureName[];
  task: Task;
  classes: string;
  hidden: string;
  output: string;
  loss: string;
  learningRate: string;
  lrKind: ScheduleKind;
  lrEvery: string;
  lrFactor: string;
  lrDecay: string;
  batchSize: string;
  regKind: string;
  regRate: string;
  dataset: string;
  noise: string;
  size: string;
  dataSeed: string;
  testRatio: string;
  initScheme: string;
  initSeed: string;
  initRange: string;
  params: string;
  /** A setup link's own data points (JSON), or "" for a built-in dataset. */
  points: string;
  stopKind: StopKind;
  stopValue: string;
}

/** The seed document's network: 2-2-1, sigmoid, on XOR, with the defaults that learn it in ~165 steps. */
export const DEFAULT_DRAFT: ConfigDraft = {
  title: "Backprop on XOR",
  layers: "2, 2, 1",
  features: ["x1", "x2"],
  task: "binary",
  classes: "3",
  hidden: "sigmoid",
  output: "sigmoid",
  loss: "mse",
  learningRate: String(DEFAULT_LEARNING_RATE),
  lrKind: "constant",
  lrEvery: "100",
  lrFactor: "0.5",
  lrDecay: "0.01",
  batchSize: String(DEFAULT_BATCH_SIZE),
  regKind: "none",
  regRate: "0",
  dataset: "xor",
  noise: "0",
  size: "",
  dataSeed: "7",
  testRatio: "",
  initScheme: "xavier",
  initSeed: "42",
  initRange: "0.5",
  params: "",
  points: "",
  stopKind: "none",
  stopValue: "",
};

/** The datasets each task can use, in menu order. */
export function datasetsFor(task: Task): readonly string[] {
  if (task === "multiclass") return MULTICLASS_DATASETS;
  if (task === "regression") return REGRESSION_DATASETS;
  return DATASET_NAMES.filter((n) => !(REGRESSION_DATASETS as readonly string[]).includes(n));
}

const sizesOf = (layers: string) => layers.split(/[\s,]+/).filter(Boolean);
/** `layers` with its first (input) or last (output) size replaced. */
function withSize(layers: string, at: "first" | "last", size: number): string {
  const sizes = sizesOf(layers);
  if (sizes.length < 2) return at === "first" ? `${size}, 2, 1` : `2, 2, ${size}`;
  sizes[at === "first" ? 0 : sizes.length - 1] = String(size);
  return sizes.join(", ");
}

/** The draft with these input features; the input layer's size follows (`layers[0]` = the feature count). */
export function withFeatures(d: ConfigDraft, features: readonly FeatureName[]): ConfigDraft {
  const ordered = FEATURE_NAMES.filter((f) => features.includes(f));
  return { ...d, features: ordered, layers: withSize(d.layers, "first", Math.max(1, ordered.length)) };
}

/** The draft with a class count; a multi-class network's output layer follows (one output per class). */
export function withClasses(d: ConfigDraft, classes: string): ConfigDraft {
  const n = Number(classes);
  return { ...d, classes, layers: d.task === "multiclass" && Number.isInteger(n) && n >= 2 ? withSize(d.layers, "last", n) : d.layers };
}

/**
 * The draft for another task: the output layer, its activation, the loss and (if it does not fit) the
 * dataset follow; a learning rate left at the old task's default takes the new one's.
 */
export function withTask(d: ConfigDraft, task: Task): ConfigDraft {
  const [output, loss] = task === "multiclass" ? ["softmax", "ce"] : task === "regression" ? ["linear", "mse"] : ["sigmoid", "mse"];
  const datasets = datasetsFor(task);
  const dataset = datasets.includes(d.dataset) ? d.dataset : task === "binary" ? "xor" : datasets[0];
  const outputs = task === "multiclass" ? Number(d.classes) || 3 : 1;
  const oldDefault = String(defaultLearningRate({ loss: d.loss, activation: { output: d.output } }));
  const learningRate = d.learningRate === oldDefault ? String(defaultLearningRate({ loss, activation: { output } })) : d.learningRate;
  return { ...d, task, output, loss, dataset, learningRate, classes: task === "multiclass" ? String(outputs) : d.classes, points: "", layers: withSize(d.layers, "last", outputs) };
}

/** Result of reading the draft: the request body and the stop condition, or messages keyed by field (`layers`, `dataset.noise` …). */
export type DraftResult = { ok: true; body: Record<string, unknown>; stop: StopCondition | null } | { ok: false; errors: Record<string, string> };

const num = (s: string): number => (s.trim() === "" ? NaN : Number(s));

function parseJson(text: string, field: string, example: string, errors: Record<string, string>): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    errors[field] = `${FIELD_LABELS[field]} must be JSON like ${example}`;
    return undefined;
  }
}

/** The draft's learning-rate schedule (constant: none). */
function scheduleOf(d: ConfigDraft): Record<string, unknown> | undefined {
  if (d.lrKind === "step") return { kind: "step", every: num(d.lrEvery), factor: num(d.lrFactor) };
  if (d.lrKind === "inverse") return { kind: "inverse", decay: num(d.lrDecay) };
  return undefined;
}

/** The draft's dataset: a built-in one, or the setup link's own points. */
function datasetOf(d: ConfigDraft, points: unknown): Record<string, unknown> {
  const testRatio = d.testRatio.trim() !== "" ? { testRatio: num(d.testRatio) } : {};
  if (points !== undefined) return { points, seed: num(d.dataSeed), ...testRatio };
  return {
    name: d.dataset,
    noise: num(d.noise),
    seed: num(d.dataSeed),
    ...(d.size.trim() !== "" ? { size: num(d.size) } : {}),
    ...testRatio,
    ...(d.task === "multiclass" ? { classes: num(d.classes) } : {}),
  };
}

/** The draft's stop condition, validated by the server's `play { until }` schema. */
function stopOf(d: ConfigDraft, errors: Record<string, string>): StopCondition | null {
  if (d.stopKind === "none") return null;
  const raw = d.stopKind === "loss" ? { kind: "loss", below: num(d.stopValue) } : { kind: d.stopKind, count: num(d.stopValue) };
  const parsed = stopConditionSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  errors.stop = `${FIELD_LABELS.stop} ${readableRule(parsed.error.issues[0].message)}`;
  return null;
}

/** Turns the draft into `POST /api/sessions`'s body and validates it with the shared config schema. */
export function readDraft(d: ConfigDraft): DraftResult {
  const errors: Record<string, string> = {};
  const params = parseJson(d.params, "params", '{ "weights": [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6]]], "biases": [[0.1, 0.1], [0.2]] }', errors);
  const points = parseJson(d.points, "dataset.points", '[{ "x": [0, 1], "y": [1] }]', errors);
  const schedule = scheduleOf(d);
  const config: Record<string, unknown> = {
    layers: sizesOf(d.layers).map(Number),
    ...(isIdentityFeatures(d.features) ? {} : { features: d.features }),
    activation: { hidden: d.hidden, output: d.output },
    loss: d.loss,
    learningRate: num(d.learningRate),
    ...(schedule ? { lrSchedule: schedule } : {}),
    batchSize: num(d.batchSize),
    regularization: { kind: d.regKind, rate: num(d.regRate) },
    init: { scheme: d.initScheme, seed: num(d.initSeed), range: num(d.initRange) },
    dataset: datasetOf(d, points),
    ...(params !== undefined ? { params } : {}),
  };
  if (d.features.length === 0) errors.features = `${FIELD_LABELS.features} needs at least one feature`;
  const parsed = engineConfigSchema.safeParse(config);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) errors[fieldOf(issue.path)] ??= readableIssue(issue.path, issue.message);
  }
  const stop = stopOf(d, errors);
  const title = sessionTitleSchema.safeParse(d.title);
  if (!title.success) errors.title = readableIssue(["title"], title.error.issues[0].message);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, body: { title: d.title.trim(), ...config }, stop };
}

/** Each config field as the start form labels it. */
export const FIELD_LABELS: Record<string, string> = {
  title: "Title",
  layers: "Layer sizes",
  features: "Input features",
  "activation.hidden": "Hidden activation",
  "activation.output": "Output activation",
  loss: "Loss",
  learningRate: "Learning rate",
  "lrSchedule.kind": "Learning-rate schedule",
  "lrSchedule.every": "Decay every (steps)",
  "lrSchedule.factor": "Decay factor",
  "lrSchedule.decay": "Decay rate",
  batchSize: "Batch size",
  "regularization.kind": "Regularisation",
  "regularization.rate": "λ",
  "dataset.name": "Dataset",
  "dataset.classes": "Classes",
  "dataset.noise": "Noise",
  "dataset.size": "Points",
  "dataset.seed": "Data seed",
  "dataset.testRatio": "Test share",
  "dataset.points": "Data points",
  "init.scheme": "Init scheme",
  "init.seed": "Init seed",
  "init.range": "Init range",
  params: "Explicit parameters",
  stop: "Stop at",
};

/** A rule in words: "must be ≤ 10" → "must be at most 10". */
export function readableRule(message: string): string {
  return message.replace(/≤/g, "at most").replace(/≥/g, "at least").replace(/^must be > /, "must be more than ").replace(/^must be < /, "must be less than ");
}

/**
 * A schema issue in the form's words: the field as labelled, items counted from 1 and the rule in
 * words, e.g. `learningRate`, "must be ≤ 10" → "Learning rate must be at most 10"; `layers[2]` → "Layer sizes (item 3) …".
 */
export function readableIssue(path: readonly PropertyKey[], message: string): string {
  const key = fieldOf(path);
  const label = FIELD_LABELS[key] ?? formatPath(path);
  const rest = path.slice(key.split(".").length);
  const items = rest.filter((p): p is number => typeof p === "number").map((k) => `item ${k + 1}`);
  return `${label}${items.length > 0 ? ` (${items.join(", ")})` : ""} ${readableRule(message)}`;
}

const NESTED = ["activation", "regularization", "init", "dataset", "lrSchedule"];

/** The form field a config path belongs to (`layers[2]` → layers, `params.weights[0]` → params). */
export function fieldOf(path: readonly PropertyKey[]): string {
  const [head, second] = path;
  if (NESTED.includes(String(head)) && typeof second === "string") return `${String(head)}.${second}`;
  if (head === "lrSchedule") return "lrSchedule.kind";
  return String(head ?? "form");
}
