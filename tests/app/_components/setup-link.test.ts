import { describe, expect, it } from "vitest";
import { DEFAULT_DRAFT, readDraft } from "@/app/_components/config-form-model";
import { MAX_SETUP_CHARS, readSetupHash, setupLink, type Setup } from "@/app/_components/setup-link";
import { applyEdit, initialTheta } from "@/lib/engine";
import { engineConfigSchema, parseEngineConfig } from "@/lib/schemas";

/** The config the start form would send after opening this link. */
function roundTrip(setup: Setup) {
  const link = setupLink("http://h", setup);
  const read = readSetupHash(new URL(link).hash);
  if (read.kind !== "ok") throw new Error(`link not read: ${JSON.stringify(read)}`);
  const result = readDraft(read.draft);
  if (!result.ok) throw new Error(`draft refused: ${JSON.stringify(result.errors)}`);
  const { title, ...body } = result.body;
  return { title, stop: result.stop, config: engineConfigSchema.parse(body), draft: read.draft };
}

describe("share a setup as a link", () => {
  it("a 3-class spiral with x1², x2² features, a step-decay schedule and a stop condition comes back as the same config", () => {
    const config = parseEngineConfig({
      layers: [4, 5, 3],
      features: ["x1", "x2", "x1^2", "x2^2"],
      activation: { hidden: "tanh", output: "softmax" },
      loss: "ce",
      learningRate: 0.3,
      lrSchedule: { kind: "step", every: 50, factor: 0.5 },
      dataset: { name: "spiral", classes: 3, noise: 0.1, size: 300, testRatio: 0.2, seed: 11 },
      init: { scheme: "he", seed: 5, range: 0.7 },
    });
    const back = roundTrip({ title: "Spiral ×3", config, stop: { kind: "epochs", count: 40 } });
    expect(back.config).toEqual(config);
    expect(back.title).toBe("Spiral ×3");
    expect(back.stop).toEqual({ kind: "epochs", count: 40 });
    expect([back.draft.task, back.draft.classes]).toEqual(["multiclass", "3"]);
  });

  it("regression on multi-gaussian with a 1/t schedule, and an edited run's explicit weights, round-trip too", () => {
    const regression = parseEngineConfig({ layers: [2, 6, 1], activation: { output: "linear" }, dataset: { name: "multi-gaussian" }, lrSchedule: { kind: "inverse", decay: 0.01 } });
    const back = roundTrip({ title: "Bumps", config: regression, stop: { kind: "loss", below: 0.01 } });
    expect(back.config).toEqual(regression);
    expect(back.draft.task).toBe("regression");
    const xor = parseEngineConfig({});
    const edited = parseEngineConfig(applyEdit(xor, initialTheta(xor), { kind: "set-param", index: 0, value: -2 }));
    expect(roundTrip({ title: "what if", config: edited, stop: null }).config).toEqual(edited);
  });

  it("a setup with its own data points carries them", () => {
    const config = parseEngineConfig({ dataset: { points: [{ x: [0, 0], y: [0] }, { x: [1, 0], y: [1] }, { x: [0, 1], y: [1] }, { x: [1, 1], y: [0] }, { x: [0.5, 0.5], y: [1] }] } });
    expect(roundTrip({ title: "own", config, stop: null }).config).toEqual(config);
  });

  it("a bad link names the field as the form labels it, and the form keeps its defaults", () => {
    const bad = (body: unknown) => readSetupHash(`#setup=${encodeURIComponent(JSON.stringify(body))}`);
    expect(bad({ dataset: { name: "xor", noise: 0.9 } })).toEqual({ kind: "bad", message: "This setup link could not be used (Noise must be at most 0.5); the form shows the defaults." });
    expect(bad({ learningRate: 20 })).toMatchObject({ message: expect.stringContaining("Learning rate must be at most 10") });
    expect(bad({ layers: [2, 2, 1], features: ["x1", "x2", "x1^2"] })).toMatchObject({ message: expect.stringContaining("Input features lists 3 features") });
    expect(bad({ stop: { kind: "steps", count: 0 } })).toMatchObject({ message: expect.stringContaining("Stop at must be ≥ 1".replace("≥", "at least")) });
    expect(bad({ surprise: 1 })).toMatchObject({ kind: "bad" });
    expect(bad({ title: "x".repeat(121) })).toMatchObject({ message: expect.stringContaining("Title must be at most 120 characters") });
    expect(readSetupHash("#setup=%7Bnot json")).toMatchObject({ message: expect.stringContaining("not valid JSON") });
    expect(readSetupHash("#setup=42")).toMatchObject({ message: expect.stringContaining("must be a JSON object") });
    expect(readSetupHash(`#setup=${"x".repeat(MAX_SETUP_CHARS + 1)}`)).toMatchObject({ message: expect.stringContaining(`longer than ${MAX_SETUP_CHARS} characters`) });
    expect(readSetupHash("#key=abc")).toEqual({ kind: "none" });
    expect(readSetupHash("")).toEqual({ kind: "none" });
  });

  it("the default form's setup is the default config", () => {
    const result = readDraft(DEFAULT_DRAFT);
    if (!result.ok) throw new Error("default draft refused");
    const { title, ...body } = result.body;
    const back = roundTrip({ title: String(title), config: engineConfigSchema.parse(body), stop: null });
    expect(back.draft).toEqual(DEFAULT_DRAFT);
  });
});
