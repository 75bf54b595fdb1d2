import { describe, expect, it } from "vitest";
import { Trainer } from "@/lib/engine";
import { layerGradientNorms, lossAt, traceExamples } from "@/lib/gradient-check";
import { PRESET_IDS, PRESETS, parseTrustedEngineConfig, presetConfig } from "@/lib/presets";
import { engineConfigSchema, parseEngineConfig } from "@/lib/schemas";

describe("presets: every misconception demo does what its explanation claims", () => {
  it("every preset has a title, a one-paragraph explanation, what to watch, and a valid config", () => {
    for (const id of PRESET_IDS) {
      const p = PRESETS[id];
      expect(p.id).toBe(id);
      expect(p.title.length).toBeGreaterThan(10);
      expect(p.explanation.length).toBeGreaterThan(200);
      expect(p.explanation).not.toMatch(/\n/); // one paragraph
      expect(p.watch.length).toBeGreaterThan(20);
      expect(() => presetConfig(id)).not.toThrow();
    }
  });

  it("{} learns XOR within the first half minute: mean training loss < 0.05 within 300 steps", () => {
    const t = new Trainer(parseEngineConfig({}));
    let reachedAt: number | null = null;
    for (let step = 1; step <= 300 && reachedAt === null; step++) {
      expect(t.stepOnce()).toBe(true);
      if (t.evaluate("train").loss < 0.05) reachedAt = step;
    }
    expect(reachedAt).not.toBeNull();
    expect(t.evaluate("train").accuracy).toBe(1);
  });

  it("the plateau: the seed's own settings sit near 0.25 for 1,500 steps, then fall below 0.05 before 3,000", () => {
    const t = new Trainer(presetConfig("plateau"));
    for (let k = 0; k < 15; k++) {
      t.run(100);
      expect(t.evaluate("train").loss).toBeGreaterThan(0.24);
    }
    t.run(PRESETS.plateau.suggestedSteps - 1500);
    expect(t.evaluate("train").loss).toBeLessThan(0.05);
    expect(t.evaluate("train").accuracy).toBe(1);
  });

  it("sign slip: the loss climbs (gradient ascent on the true loss)", () => {
    const t = new Trainer(presetConfig("sign-slip"));
    const start = t.evaluate("train").loss;
    t.run(200);
    const after = t.evaluate("train").loss;
    expect(after).toBeGreaterThan(start + 0.1);
    // Each of the first 50 updates raises the loss of its own example: every step goes uphill.
    const config = presetConfig("sign-slip");
    const u = new Trainer(config);
    for (let k = 0; k < 50; k++) {
      const trace = u.stepTraced();
      expect(lossAt(config, trace.after, traceExamples(trace))).toBeGreaterThan(trace.loss);
    }
  });

  it("sign slip: only the trusted parser accepts mse-seed-sign; the public schema refuses it", () => {
    expect(engineConfigSchema.safeParse({ loss: "mse-seed-sign" }).success).toBe(false);
    expect(parseTrustedEngineConfig({ loss: "mse-seed-sign" }).loss).toBe("mse-seed-sign");
    expect(parseTrustedEngineConfig({}).loss).toBe("mse");
  });

  it("too-large learning rate: training diverges and the engine refuses the non-finite step", () => {
    const t = new Trainer(presetConfig("big-learning-rate"));
    const start = t.evaluate("train").loss;
    let diverged = false;
    for (let k = 0; k < PRESETS["big-learning-rate"].suggestedSteps && !diverged; k++) diverged = !t.stepOnce();
    expect(diverged).toBe(true);
    expect(t.divergedAt).toBe(t.step + 1);
    // The parameters kept are the last finite ones, and they had blown up long before.
    expect(Array.from(t.theta).every(Number.isFinite)).toBe(true);
    expect(Math.max(...Array.from(t.theta, Math.abs))).toBeGreaterThan(1e10);
    expect(start).toBeLessThan(10);
  });

  it("saturated sigmoid: the hidden layers' gradients are tiny next to the output layer's, and the loss plateaus", () => {
    const config = presetConfig("saturated-sigmoid");
    const t = new Trainer(config);
    const norms = layerGradientNorms(t.stepTraced(), config.layers);
    const output = norms[norms.length - 1].norm;
    expect(output).toBeGreaterThan(1e-2);
    for (const n of norms.slice(0, -1)) expect(n.norm).toBeLessThan(output * 1e-4);
    t.run(500);
    expect(t.evaluate("train").loss).toBeGreaterThan(0.2);
  });

  it("dead ReLU: the second hidden unit's gradients are exactly 0 for every example, and it never moves", () => {
    const config = presetConfig("dead-relu");
    const t = new Trainer(config);
    const before = Array.from(t.theta);
    // θ layout for [2,3,1]: w1 rows (6), b1 (3), wo (3), bo. Hidden unit 2: w[1][*] = θ[2], θ[3]; b = θ[7].
    const dead = [2, 3, 7];
    for (let k = 0; k < 100; k++) {
      const trace = t.stepTraced();
      for (const e of trace.examples) expect(e.a[1][1]).toBe(0);
      for (const i of dead) expect(trace.gradData[i]).toBe(0);
    }
    for (const i of dead) expect(t.theta[i]).toBe(before[i]);
    // The other units do learn.
    expect(t.theta[0]).not.toBe(before[0]);
  });

  it("symmetric initialisation: the hidden rows stay exactly equal after many steps", () => {
    const t = new Trainer(presetConfig("symmetric-init"));
    t.run(2000);
    const [w11, w12, w21, w22, b1, b2, wo1, wo2] = t.theta;
    expect(w11).not.toBe(0.5); // it did train
    expect(w21).toBe(w11);
    expect(w22).toBe(w12);
    expect(b2).toBe(b1);
    expect(wo2).toBe(wo1);
  });

  it("XOR without a hidden layer: the loss stays ≥ 0.2 after many epochs", () => {
    const t = new Trainer(presetConfig("xor-no-hidden"));
    for (let k = 0; k < 5; k++) {
      t.run(2000);
      expect(t.evaluate("train").loss).toBeGreaterThanOrEqual(0.2);
    }
    expect(t.evaluate("train").accuracy).toBeLessThanOrEqual(0.75);
  });
});
