import { DEFAULT_BATCH_SIZE, DEFAULT_LEARNING_RATE, engineConfigSchema, formatPath } from "@/lib/schemas";

/** The start form's fields as typed (strings, so half-typed numbers survive). */
export interface ConfigDraft {
  title: string;
  layers: string;
  hidden: string;
  output: string;
  loss: string;
  learningRate: string;
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
  params: string;
}

/** The seed document's network: 2-2-1, sigmoid, on XOR, with the defaults that learn it in ~165 steps. */
export const DEFAULT_DRAFT: ConfigDraft = {
  title: "Backprop on XOR",
  layers: "2, 2, 1",
  hidden: "sigmoid",
  output: "sigmoid",
  loss: "mse",
  learningRate: String(DEFAULT_LEARNING_RATE),
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
  params: "",
};

/** Result of reading the draft: the request body, or messages keyed by config path (`layers`, `dataset.noise` …). */
export type DraftResult = { ok: true; body: Record<string, unknown> } | { ok: false; errors: Record<string, string> };

const num = (s: string): number => (s.trim() === "" ? NaN : Number(s));

/** Turns the draft into `POST /api/sessions`'s body and validates it with the shared config schema. */
export function readDraft(d: ConfigDraft): DraftResult {
  const errors: Record<string, string> = {};
  const layers = d.layers.split(/[\s,]+/).filter(Boolean).map(Number);
  let params: unknown;
  if (d.params.trim() !== "") {
    try {
      params = JSON.parse(d.params);
    } catch {
      errors.params = "must be JSON like { \"weights\": [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6]]], \"biases\": [[0.1, 0.1], [0.2]] }";
    }
  }
  const config: Record<string, unknown> = {
    layers,
    activation: { hidden: d.hidden, output: d.output },
    loss: d.loss,
    learningRate: num(d.learningRate),
    batchSize: num(d.batchSize),
    regularization: { kind: d.regKind, rate: num(d.regRate) },
    init: { scheme: d.initScheme, seed: num(d.initSeed) },
    dataset: {
      name: d.dataset,
      noise: num(d.noise),
      seed: num(d.dataSeed),
      ...(d.size.trim() !== "" ? { size: num(d.size) } : {}),
      ...(d.testRatio.trim() !== "" ? { testRatio: num(d.testRatio) } : {}),
    },
    ...(params !== undefined ? { params } : {}),
  };
  const parsed = engineConfigSchema.safeParse(config);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = fieldOf(issue.path);
      errors[key] ??= readableIssue(issue.path, issue.message);
    }
  }
  if (d.title.trim() === "") errors.title = "Title must not be empty";
  else if (d.title.trim().length > MAX_TITLE_LENGTH) errors.title = `Title must be at most ${MAX_TITLE_LENGTH} characters, got ${d.title.trim().length}`;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, body: { title: d.title.trim(), ...config } };
}

/** Longest session title the server accepts (server/http/sessions-routes.ts). */
export const MAX_TITLE_LENGTH = 120;

/** Each config field as the start form labels it. */
export const FIELD_LABELS: Record<string, string> = {
  title: "Title",
  layers: "Layer sizes",
  "activation.hidden": "Hidden activation",
  "activation.output": "Output activation",
  loss: "Loss",
  learningRate: "Learning rate",
  batchSize: "Batch size",
  "regularization.kind": "Regularisation",
  "regularization.rate": "λ",
  "dataset.name": "Dataset",
  "dataset.noise": "Noise",
  "dataset.size": "Points",
  "dataset.seed": "Data seed",
  "dataset.testRatio": "Test share",
  "init.scheme": "Init scheme",
  "init.seed": "Init seed",
  "init.range": "Init range",
  params: "Explicit parameters",
};

/**
 * A schema issue in the form's words: the field as labelled, items counted from 1 and the rule in
 * words, e.g. `learningRate`, "must be ≤ 10" → "Learning rate must be at most 10"; `layers[2]` → "Layer sizes (item 3) …".
 */
export function readableIssue(path: readonly PropertyKey[], message: string): string {
  const key = fieldOf(path);
  const label = FIELD_LABELS[key] ?? formatPath(path);
  const rest = path.slice(key.split(".").length);
  const items = rest.filter((p): p is number => typeof p === "number").map((k) => `item ${k + 1}`);
  const rule = message.replace(/≤/g, "at most").replace(/≥/g, "at least").replace(/^must be > /, "must be more than ").replace(/^must be < /, "must be less than ");
  return `${label}${items.length > 0 ? ` (${items.join(", ")})` : ""} ${rule}`;
}

/** The form field a config path belongs to (`layers[2]` → layers, `params.weights[0]` → params). */
export function fieldOf(path: readonly PropertyKey[]): string {
  const [head, second] = path;
  if (head === "activation" || head === "regularization" || head === "init" || head === "dataset") return `${String(head)}.${String(second ?? "")}`;
  return String(head ?? "form");
}
