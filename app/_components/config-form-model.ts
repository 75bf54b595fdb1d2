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
      errors[key] ??= `${formatPath(issue.path)}: ${issue.message}`;
    }
  }
  if (d.title.trim() === "") errors.title = "title: must not be empty";
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, body: { title: d.title.trim(), ...config } };
}

/** The form field a config path belongs to (`layers[2]` → layers, `params.weights[0]` → params). */
export function fieldOf(path: readonly PropertyKey[]): string {
  const [head, second] = path;
  if (head === "activation" || head === "regularization" || head === "init" || head === "dataset") return `${String(head)}.${String(second ?? "")}`;
  return String(head ?? "form");
}
