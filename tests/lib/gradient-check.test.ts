import { describe, expect, it } from "vitest";
import { Trainer } from "@/lib/engine";
import { backpropGradient, gradientCheck, layerGradientNorms, lossAt, traceExamples } from "@/lib/gradient-check";
import { presetConfig } from "@/lib/presets";
import { parseEngineConfig } from "@/lib/schemas";

describe("gradient check", () => {
  it("backprop matches the central difference on every parameter of a 2-3-2-1 tanh network", () => {
    const config = parseEngineConfig({ layers: [2, 3, 2, 1], activation: { hidden: "tanh" }, dataset: { name: "circle", size: 20 }, batchSize: 4 });
    const t = new Trainer(config);
    const trace = t.stepTraced();
    const examples = traceExamples(trace);
    for (let i = 0; i < trace.before.length; i++) {
      const c = gradientCheck(config, trace.before, examples, i);
      expect(c.backprop).toBe(trace.gradData[i]); // same arithmetic as the trainer's step
      expect(c.relativeError).toBeLessThan(1e-6);
      expect(c.h).toBe(1e-5);
    }
  });

  it("names the parameter with the teaching notation and reports the numbers it compared", () => {
    const config = parseEngineConfig({});
    const trace = new Trainer(config).stepTraced();
    const c = gradientCheck(config, trace.before, traceExamples(trace), 6);
    expect(c.name).toBe("wo1");
    expect(Math.abs(c.backprop - c.numeric)).toBeLessThan(1e-9);
    const h = 1e-3;
    const plus = trace.before.slice();
    const minus = trace.before.slice();
    plus[6] += h;
    minus[6] -= h;
    const byHand = (lossAt(config, plus, traceExamples(trace)) - lossAt(config, minus, traceExamples(trace))) / (2 * h);
    expect(gradientCheck(config, trace.before, traceExamples(trace), 6, h).numeric).toBeCloseTo(byHand, 12);
  });

  it("exposes the seed's sign slip: backprop and the finite difference disagree in sign", () => {
    const config = presetConfig("sign-slip");
    const trace = new Trainer(config).stepTraced();
    const c = gradientCheck(config, trace.before, traceExamples(trace), 6);
    expect(Math.sign(c.backprop)).toBe(-Math.sign(c.numeric));
    expect(c.relativeError).toBeGreaterThan(1.9);
  });

  it("rejects a bad index, no examples and a bad h", () => {
    const config = parseEngineConfig({});
    const trace = new Trainer(config).stepTraced();
    expect(() => gradientCheck(config, trace.before, traceExamples(trace), 9)).toThrow(/index 9 outside 0..8/);
    expect(() => gradientCheck(config, trace.before, [], 0)).toThrow(/at least one example/);
    expect(() => gradientCheck(config, trace.before, traceExamples(trace), 0, 0)).toThrow(/h must be/);
  });

  it("backpropGradient equals the trainer's mean data gradient over a batch", () => {
    const config = parseEngineConfig({ batchSize: 4 });
    const trace = new Trainer(config).stepTraced();
    const g = backpropGradient(config, trace.before, traceExamples(trace));
    g.forEach((v, i) => expect(v).toBeCloseTo(trace.gradData[i], 15));
  });

  it("layerGradientNorms reports the norm, mean and max |∂L/∂w| of each layer's weights", () => {
    const config = parseEngineConfig({});
    const trace = new Trainer(config).stepTraced();
    const [hidden, output] = layerGradientNorms(trace, config.layers);
    const g = trace.gradData;
    expect(hidden.layer).toBe(1);
    expect(hidden.norm).toBeCloseTo(Math.hypot(g[0], g[1], g[2], g[3]), 15);
    expect(output.norm).toBeCloseTo(Math.hypot(g[6], g[7]), 15);
    expect(output.maxAbs).toBe(Math.max(Math.abs(g[6]), Math.abs(g[7])));
    expect(output.meanAbs).toBeCloseTo((Math.abs(g[6]) + Math.abs(g[7])) / 2, 15);
    expect(() => layerGradientNorms(trace, [2, 3, 1])).toThrow(/9 gradients/);
  });
});
