import { isRegression, type EngineConfig, type StopCondition } from "@/lib/engine";
import { engineConfigSchema, sessionTitleSchema } from "@/lib/schemas";
import { stopConditionSchema } from "@/lib/stop-schema";
import { DEFAULT_DRAFT, readableIssue, type ConfigDraft } from "./config-form-model";

/** The hash key that carries a setup: `/#setup=<URI-encoded JSON>` (a hash never reaches the server, so a long setup fits). */
export const SETUP_HASH_KEY = "setup";
/** Longest setup a link may carry, in characters of its encoded JSON (a config with 2000 own points fits). */
export const MAX_SETUP_CHARS = 400_000;

/** What a setup link carries: the session's title, its engine config and where play stops by itself. */
export interface Setup {
  title: string;
  config: EngineConfig;
  stop: StopCondition | null;
}

/** The start form's link for a setup: `origin/#setup=…` with the config's JSON, as TensorFlow Playground keeps its state in the URL. */
export function setupLink(origin: string, setup: Setup): string {
  const body = { title: setup.title, ...setup.config, ...(setup.stop ? { stop: setup.stop } : {}) };
  return `${origin}/#${SETUP_HASH_KEY}=${encodeURIComponent(JSON.stringify(body))}`;
}

/** The start form's fields for a config (the inverse of `readDraft`). */
export function draftFromSetup({ title, config: c, stop }: Setup): ConfigDraft {
  const d = c.dataset;
  const named = "name" in d;
  const schedule = c.lrSchedule;
  return {
    ...DEFAULT_DRAFT,
    title,
    layers: c.layers.join(", "),
    features: [...(c.features ?? ["x1", "x2"])],
    task: c.loss === "ce" ? "multiclass" : named && isRegression(d.name) ? "regression" : "binary",
    classes: String(named && d.classes ? d.classes : 3),
    hidden: c.activation.hidden,
    output: c.activation.output,
    loss: c.loss,
    learningRate: String(c.learningRate),
    lrKind: schedule?.kind ?? "constant",
    lrEvery: schedule?.kind === "step" ? String(schedule.every) : DEFAULT_DRAFT.lrEvery,
    lrFactor: schedule?.kind === "step" ? String(schedule.factor) : DEFAULT_DRAFT.lrFactor,
    lrDecay: schedule?.kind === "inverse" ? String(schedule.decay) : DEFAULT_DRAFT.lrDecay,
    batchSize: String(c.batchSize),
    regKind: c.regularization.kind,
    regRate: String(c.regularization.rate),
    dataset: named ? d.name : DEFAULT_DRAFT.dataset,
    noise: named ? String(d.noise) : DEFAULT_DRAFT.noise,
    size: named && d.size !== undefined ? String(d.size) : "",
    dataSeed: String(d.seed),
    testRatio: d.testRatio !== undefined ? String(d.testRatio) : "",
    initScheme: c.init.scheme,
    initSeed: String(c.init.seed),
    initRange: String(c.init.range),
    params: c.params ? JSON.stringify(c.params) : "",
    points: named ? "" : JSON.stringify(d.points),
    stopKind: stop?.kind ?? "none",
    stopValue: stop ? String(stop.kind === "loss" ? stop.below : stop.count) : "",
  };
}

/** Reading a page's hash: no setup in it, a setup's draft, or why the link's setup was not used (the form then shows the defaults). */
export type SetupRead = { kind: "none" } | { kind: "ok"; draft: ConfigDraft } | { kind: "bad"; message: string };

const refused = (why: string): SetupRead => ({ kind: "bad", message: `This setup link could not be used (${why}); the form shows the defaults.` });

/**
 * The setup a page's hash carries, validated with the server's own schemas (the engine config, the
 * stop condition, the title's limits); a bad link names the field as the form labels it.
 */
export function readSetupHash(hash: string): SetupRead {
  const raw = new URLSearchParams(hash.replace(/^#/, "")).get(SETUP_HASH_KEY);
  if (raw === null) return { kind: "none" };
  if (raw.length > MAX_SETUP_CHARS) return refused(`it is longer than ${MAX_SETUP_CHARS} characters`);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return refused("its setup is not valid JSON");
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return refused("its setup must be a JSON object");
  const { title = DEFAULT_DRAFT.title, stop = null, ...config } = json as Record<string, unknown>;
  const parsedTitle = sessionTitleSchema.safeParse(title);
  if (!parsedTitle.success) return refused(readableIssue(["title"], parsedTitle.error.issues[0].message));
  const parsedStop = stop === null ? null : stopConditionSchema.safeParse(stop);
  if (parsedStop && !parsedStop.success) return refused(readableIssue(["stop"], parsedStop.error.issues[0].message));
  const parsed = engineConfigSchema.safeParse(config);
  if (!parsed.success) return refused(parsed.error.issues.slice(0, 3).map((i) => readableIssue(i.path, i.message)).join("; "));
  return { kind: "ok", draft: draftFromSetup({ title: parsedTitle.data, config: parsed.data, stop: parsedStop?.data ?? null }) };
}
