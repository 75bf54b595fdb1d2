import { describe, expect, it } from "vitest";
import { presetConfig } from "@/lib/presets";
import { engineConfigSchema, parseEngineConfig } from "@/lib/schemas";
import { buildTemplate } from "@/app/_components/template-model";

const config = parseEngineConfig({ layers: [2, 3, 1], learningRate: 0.3, init: { scheme: "he", seed: 9 } });

describe("session template body", () => {
  it("keeps the network, data, hyperparameters and init seed, and the presets in the order picked", () => {
    const t = buildTemplate("  Lecture 3 ", config, { presets: ["dead-relu", "sign-slip", "not-a-preset"] });
    expect(t.ok).toBe(true);
    if (!t.ok) return;
    expect(t.body.name).toBe("Lecture 3");
    expect(t.body.presets).toEqual(["dead-relu", "sign-slip"]);
    expect(t.body.config).toMatchObject({ layers: [2, 3, 1], learningRate: 0.3, init: { scheme: "he", seed: 9 } });
    expect(t.body.config.params).toBeUndefined();
    // What it sends is a valid public config.
    expect(engineConfigSchema.safeParse(t.body.config).success).toBe(true);
  });

  it("can take the current weights as the initial ones", () => {
    const theta = Array.from({ length: 13 }, (_, k) => k / 10);
    const t = buildTemplate("now", config, { presets: [], currentParams: theta });
    expect(t.ok && t.body.config.params).toEqual({ weights: [[[0, 0.1], [0.2, 0.3], [0.4, 0.5]], [[0.9, 1, 1.1]]], biases: [[0.6, 0.7, 0.8], [1.2]] });
    if (t.ok) expect(parseEngineConfig(t.body.config).params).toBeDefined();
  });

  it("refuses an empty name and the sign-slip demo's private loss", () => {
    expect(buildTemplate("  ", config, { presets: [] })).toEqual({ ok: false, error: "name: must not be empty" });
    expect(buildTemplate("x", presetConfig("sign-slip"), { presets: [] }).ok).toBe(false);
  });
});
