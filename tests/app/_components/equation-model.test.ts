import { describe, expect, it } from "vitest";
import { Trainer } from "@/lib/engine";
import { presetConfig } from "@/lib/presets";
import { parseEngineConfig } from "@/lib/schemas";
import { buildEquationModel, lossNote, SEED_SIGN_NOTE } from "@/app/_components/equation-model";
import { formatValue } from "@/app/_lib/format";

const SEED_PARAMS = { weights: [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6]]], biases: [[0.1, 0.1], [0.2]] };

function seedStep(extra: Record<string, unknown> = {}) {
  const config = parseEngineConfig({ learningRate: 0.5, batchSize: 1, params: SEED_PARAMS, ...extra });
  const trace = new Trainer(config).stepTraced();
  return { config, trace };
}

describe("equation model", () => {
  it("writes w12's gradient as the seed's product of factors, equal to the trace's gradient bit for bit", () => {
    const { config, trace } = seedStep();
    const w12 = trace.names.indexOf("w12");
    const model = buildEquationModel(config, trace, { selected: w12 });
    const chain = model.chain!;
    expect(chain.param).toBe("w12");
    expect(chain.symbols).toEqual(["∂L/∂ŷ", "f'(zo)", "wo1", "f'(z1)", "x2"]);
    expect(chain.product).toBe(trace.grad[w12]);
    expect(chain.exampleGradient).toBe(trace.grad[w12]);
    expect(chain.line.symbolic).toBe("∂L/∂w12 = ∂L/∂ŷ · f'(zo) · wo1 · f'(z1) · x2");
    expect(chain.line.result).toBe(formatValue(trace.grad[w12]));
    const ex = trace.examples[0];
    // The factors are the step's own numbers: wo1 before the update, x2 of the example.
    expect(chain.values[0]).toBe(2 * (ex.a[2][0] - ex.y[0]));
    expect(chain.values[2]).toBe(0.5);
    expect(chain.values[4]).toBe(ex.x[1]);
    expect(chain.batchNote).toBeNull();
  });

  it("matches the trace for every parameter of the seed network", () => {
    const { config, trace } = seedStep();
    trace.names.forEach((name, k) => {
      const chain = buildEquationModel(config, trace, { selected: k }).chain!;
      expect(chain.param).toBe(name);
      expect(chain.product).toBe(trace.grad[k]);
    });
  });

  it("shows the corrected output gradient 2(ŷ − y) and the note on the seed's slip", () => {
    const { config, trace } = seedStep();
    const model = buildEquationModel(config, trace);
    const backward = model.sections.find((s) => s.phase === "backward")!;
    const dout = backward.lines.find((l) => l.id === "dout-0")!;
    expect(dout.symbolic).toBe("∂L/∂ŷ = 2(ŷ − y)");
    expect(dout.result).toBe(formatValue(trace.examples[0].dLdyhat[0]));
    expect(trace.examples[0].dLdyhat[0]).toBe(2 * (trace.examples[0].a[2][0] - trace.examples[0].y[0]));
    expect(model.seedNote).toBe(SEED_SIGN_NOTE);
    expect(model.seedNote).toContain("2(y − ŷ)");
  });

  it("plugs this step's numbers into the forward pass and the update", () => {
    const { config, trace } = seedStep();
    const model = buildEquationModel(config, trace);
    const forward = model.sections.find((s) => s.phase === "forward")!;
    const z1 = forward.lines.find((l) => l.id === "z-1-0")!;
    expect(z1.symbolic).toBe("z1 = w11·x1 + w12·x2 + b1");
    expect(z1.numeric).toContain("(0.1)·");
    expect(z1.result).toBe(formatValue(trace.examples[0].z[1][0]));
    const update = model.sections.find((s) => s.phase === "update")!;
    expect(update.lines).toHaveLength(9);
    expect(update.lines[1].symbolic).toBe("w12 ← w12 − η·∂L/∂w12");
    expect(update.lines[1].result).toBe(formatValue(trace.after[1]));
  });

  it("explains a batch step's mean gradient next to the one-example product", () => {
    const { config, trace } = seedStep({ batchSize: 4 });
    const model = buildEquationModel(config, trace, { selected: 1, exampleIndex: 2 });
    expect(model.exampleLabel).toContain("3 of 4");
    expect(model.chain!.product).toBe(model.chain!.exampleGradient);
    expect(model.chain!.batchNote).toContain("mean over its 4 examples");
  });

  it("writes deeper networks' hidden gradients through Σ w·δ, still equal to the engine's", () => {
    const config = parseEngineConfig({ layers: [2, 3, 2, 1], activation: { hidden: "tanh" }, batchSize: 1 });
    const trace = new Trainer(config).stepTraced();
    for (let k = 0; k < trace.names.length; k++) {
      const chain = buildEquationModel(config, trace, { selected: k }).chain!;
      // exampleGradient is δ·a, which may be −0 where the engine's accumulated gradient is +0.
      expect(chain.product === chain.exampleGradient).toBe(true);
      expect(chain.product).toBe(trace.grad[k]);
    }
  });
});

describe("equation model: the loss of the run", () => {
  it("shows the sign-slip demo's derivative 2(y − ŷ) with its own numbers, and says so above the equations", () => {
    const config = presetConfig("sign-slip");
    const trace = new Trainer(config).stepTraced();
    const model = buildEquationModel(config, trace);
    const dout = model.sections.find((s) => s.phase === "backward")!.lines.find((l) => l.id === "dout-0")!;
    const ex = trace.examples[0];
    expect(dout.symbolic).toBe("∂L/∂ŷ = 2(y − ŷ)  (the seed's slip)");
    expect(ex.dLdyhat[0]).toBe(2 * (ex.y[0] - ex.a[2][0]));
    expect(dout.result).toBe(formatValue(ex.dLdyhat[0]));
    expect(model.seedNote).toContain("sign slip on purpose");
  });
});

describe("equation model: binary cross-entropy", () => {
  const { config, trace } = seedStep({ loss: "bce" });
  const model = buildEquationModel(config, trace, { selected: trace.names.indexOf("w12") });
  const lines = model.sections.flatMap((s) => s.lines);
  const ex = trace.examples[0];

  it("writes the loss −[y·ln ŷ + (1 − y)·ln(1 − ŷ)] and its derivative (ŷ − y)/(ŷ(1 − ŷ)) with this step's numbers", () => {
    expect(lines.find((l) => l.id === "loss")!.symbolic).toBe("L = −[y·ln ŷ + (1 − y)·ln(1 − ŷ)]");
    expect(lines.find((l) => l.id === "loss")!.result).toBe(formatValue(ex.loss));
    const dout = lines.find((l) => l.id === "dout-0")!;
    expect(dout.symbolic).toBe("∂L/∂ŷ = (ŷ − y) / (ŷ(1 − ŷ))");
    const yhat = ex.a[2][0];
    expect(ex.dLdyhat[0]).toBeCloseTo((yhat - ex.y[0]) / (yhat * (1 - yhat)), 12);
    expect(dout.result).toBe(formatValue(ex.dLdyhat[0]));
    expect(model.seedNote).toContain("Binary cross-entropy");
  });

  it("shows δo = ŷ − y (σ' cancels) and a chain product equal to the engine's gradient bit for bit", () => {
    const delta = lines.find((l) => l.id === "delta-2-0")!;
    expect(delta.symbolic).toBe("δo = ∂L/∂ŷ · σ'(zo) = ŷ − y");
    expect(delta.result).toBe(formatValue(ex.delta[2][0]));
    const chain = model.chain!;
    expect(chain.symbols).toEqual(["(ŷ − y)", "wo1", "f'(z1)", "x2"]);
    expect(chain.product).toBe(trace.grad[trace.names.indexOf("w12")]);
  });
});

describe("the loss note names the run's loss", () => {
  it("softmax + cross-entropy gets δ = ŷ − y, not squared error's sign note", () => {
    expect(lossNote("ce")).toMatchObject({ formula: "∂L/∂z_k = ŷ_k − y_k.", tone: "info" });
    expect(lossNote("mse").tone).toBe("warn");
    expect(lossNote("bce").formula).toContain("(ŷ − y) / (ŷ(1 − ŷ))");
  });
});
