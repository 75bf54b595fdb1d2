import { describe, expect, it } from "vitest";
import { Trainer } from "../../lib/engine/trainer";
import type { EngineConfig } from "../../lib/engine/types";
import { explainStep, formatNumber } from "../../lib/explain";
import { parseEngineConfig } from "../../lib/schemas";

/** The issue's example: the seed's 2-2-1 network on XOR with hand-picked parameters. */
const ISSUE_PARAMS = { weights: [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6]]], biases: [[0.1, 0.1], [0.2]] };

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Reads a printed number back ("−0.5" → -0.5, "1.2e−7" → 1.2e-7). */
function parse(text: string): number {
  return Number(text.trim().replace(/−/g, "-"));
}

/** The equation in the code span that starts with `start`, or fails the test. */
function equation(md: string, start: string): string {
  const found = md.split("\n").find((line) => line.includes(`\`${start}`));
  expect(found, `no equation starting with ${start}`).toBeDefined();
  return found!.slice(found!.indexOf(`\`${start}`) + 1, found!.lastIndexOf("`"));
}

/** The number after the last "=" of an equation. */
function result(eq: string): number {
  return parse(eq.slice(eq.lastIndexOf("=") + 1));
}

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

/** The seed document steps one example at a time with η = 0.5; the tests mean that step unless they say otherwise. */
const SEED_HYPER = { learningRate: 0.5, batchSize: 1 };

function explainFirstStep(input: Record<string, unknown>, steps = 0): { config: EngineConfig; md: string; trainer: Trainer; trace: ReturnType<Trainer["stepTraced"]> } {
  const config = parseEngineConfig({ ...SEED_HYPER, ...input });
  const trainer = new Trainer(config);
  trainer.run(steps);
  const trace = trainer.stepTraced();
  return { config, md: explainStep(config, trace), trainer, trace };
}

describe("explainStep on the seed's 2-2-1 network with the issue's parameters", () => {
  const { md, trace } = explainFirstStep({ params: ISSUE_PARAMS });
  const [ex] = trace.examples;
  const [x1, x2] = ex.x;
  const y = ex.y[0];
  // An independent forward pass, by hand.
  const z1 = 0.1 * x1 + 0.2 * x2 + 0.1;
  const a1 = sigmoid(z1);
  const z2 = 0.3 * x1 + 0.4 * x2 + 0.1;
  const a2 = sigmoid(z2);
  const zo = 0.5 * a1 + 0.6 * a2 + 0.2;
  const yhat = sigmoid(zo);

  it("plugs the numbers into z1 and a1", () => {
    expect(md).toContain(`\`z1 = w11·x1 + w12·x2 + b1 = (0.1)·(${x1}) + (0.2)·(${x2}) + 0.1 = ${formatNumber(z1)}\``);
    expect(result(equation(md, "a1 = f(z1) = σ("))).toBeCloseTo(a1, 6);
    expect(result(equation(md, "zo = wo1·a1 + wo2·a2 + bo"))).toBeCloseTo(zo, 5);
    expect(result(equation(md, "ŷ = f(zo)"))).toBeCloseTo(yhat, 6);
  });

  it("prints the loss (y − ŷ)² with numbers", () => {
    expect(equation(md, "L = (y − ŷ)² = ")).toBe(`L = (y − ŷ)² = (${y} − ${formatNumber(yhat)})² = ${formatNumber((y - yhat) ** 2)}`);
  });

  it("uses the correct sign ∂L/∂ŷ = 2(ŷ − y)", () => {
    const eq = equation(md, "∂L/∂ŷ = ");
    expect(eq.startsWith("∂L/∂ŷ = 2(ŷ − y) = ")).toBe(true);
    expect(result(eq)).toBeCloseTo(2 * (yhat - y), 6);
    expect(Math.sign(result(eq))).toBe(Math.sign(yhat - y));
  });

  it("notes the seed document's sign slip exactly once", () => {
    expect(count(md, "A note on the seed document")).toBe(1);
    expect(md.split("\n").filter((line) => line.includes("2(y − ŷ)"))).toHaveLength(1);
  });

  it("writes every parameter's gradient as the seed's chain-rule product, equal to the trace", () => {
    const paths: Record<string, string> = {
      w11: "∂L/∂ŷ · f'(zo) · wo1 · f'(z1) · x1",
      w12: "∂L/∂ŷ · f'(zo) · wo1 · f'(z1) · x2",
      w21: "∂L/∂ŷ · f'(zo) · wo2 · f'(z2) · x1",
      w22: "∂L/∂ŷ · f'(zo) · wo2 · f'(z2) · x2",
      b1: "∂L/∂ŷ · f'(zo) · wo1 · f'(z1)",
      b2: "∂L/∂ŷ · f'(zo) · wo2 · f'(z2)",
      wo1: "∂L/∂ŷ · f'(zo) · a1",
      wo2: "∂L/∂ŷ · f'(zo) · a2",
      bo: "∂L/∂ŷ · f'(zo)",
    };
    expect(trace.names).toEqual(Object.keys(paths));
    trace.names.forEach((name, k) => {
      const eq = equation(md, `∂L/∂${name} = `);
      const [, symbols, numbers, value] = eq.split(" = ");
      expect(symbols).toBe(paths[name]);
      expect(value).toBe(formatNumber(trace.gradData[k]));
      // The printed factors multiply to the printed gradient (up to their 6 significant digits).
      const product = numbers.split(" · ").map((f) => parse(f.slice(1, -1))).reduce((p, f) => p * f, 1);
      expect(product).toBeCloseTo(trace.gradData[k], 5);
    });
  });

  it("shows every update θ − η·∂L/∂θ with the new value", () => {
    trace.names.forEach((name, k) => {
      const row = md.split("\n").find((line) => line.startsWith(`| ${name} | ${formatNumber(trace.before[k])} |`) && line.includes("− (0.5)·"));
      expect(row, name).toBeDefined();
      expect(row!.endsWith(`| ${formatNumber(trace.after[k])} |`)).toBe(true);
      expect(trace.after[k]).toBeCloseTo(trace.before[k] - 0.5 * trace.grad[k], 12);
    });
  });

  it("reports that the loss on the example went down", () => {
    expect(md).toContain(`Step 1 applied`);
    expect(md).toMatch(/loss goes from [^ ]+ before the update to [^ ]+ after it \(down by/);
  });

  it("nests under a chosen heading level", () => {
    expect(explainStep(parseEngineConfig({ params: ISSUE_PARAMS }), trace, { headingLevel: 2 }).startsWith("## Backpropagation, step 1\n")).toBe(true);
  });
});

describe("explainStep on other networks", () => {
  const points = [
    { x: [0, 1], y: [1, 0] },
    { x: [1, 0], y: [0, 1] },
    { x: [-1, 0.5], y: [1, 1] },
  ];

  it("names a 2-3-3-2 network's parameters by layer and index and derives them from the deltas", () => {
    const { md, trace } = explainFirstStep({ layers: [2, 3, 3, 2], activation: { hidden: "tanh" }, dataset: { points } });
    expect(trace.names).toHaveLength(29);
    expect(md).toContain("| w1[1,2] | x2 → a1[1] |");
    expect(md).toContain("| b3[2] | bias of ŷ2 |");
    expect(md).toContain("`z2[1] = w2[1,1]·a1[1] + w2[1,2]·a1[2] + w2[1,3]·a1[3] + b2[1] = ");
    expect(equation(md, "δo2 = ∂L/∂ŷ2 · f'(zo2) = ")).toMatch(/^δo2 = ∂L\/∂ŷ2 · f'\(zo2\) = \(.+\) · \(.+\) = /);
    expect(equation(md, "δ1[3] = ")).toMatch(/^δ1\[3\] = \(w2\[1,3\]·δ2\[1\] \+ w2\[2,3\]·δ2\[2\] \+ w2\[3,3\]·δ2\[3\]\) · f'\(z1\[3\]\) = /);
    expect(equation(md, "f'(z1[1]) = ")).toMatch(/^f'\(z1\[1\]\) = tanh'\(z1\[1\]\) = 1 − a1\[1\]² = 1 − \(.+\)² = /);
    trace.names.forEach((name, k) => {
      const eq = equation(md, `∂L/∂${name} = `);
      expect(eq, name).toMatch(name.startsWith("w") ? /= δ.+ · [xa]/ : /= δ[^=]+ = /);
      expect(eq.slice(eq.lastIndexOf(" = ") + 3)).toBe(formatNumber(trace.gradData[k]));
    });
    expect(count(md, "A note on the seed document")).toBe(1);
  });

  it("shows a batch's per-example gradients and their mean", () => {
    const { md, trace } = explainFirstStep({ batchSize: 4, params: ISSUE_PARAMS });
    expect(trace.examples).toHaveLength(4);
    expect(md).toContain("batch of 4 examples");
    for (const ex of trace.examples) expect(md).toContain(`### Example #${ex.index}`);
    expect(md).toContain(`Mean: \`L = (${trace.examples.map((ex) => formatNumber(ex.loss)).join(" + ")}) / 4 = ${formatNumber(trace.loss)}\``);
    expect(md).toContain("Mean over the batch");
    trace.names.forEach((name, k) => {
      const line = md.split("\n").find((l) => l.startsWith(`- \`∂L/∂${name} = (`));
      expect(line, name).toBeDefined();
      const terms = line!.slice(line!.indexOf("(") + 1, line!.indexOf(") / 4")).split(" + ").map((t) => parse(t.replace(/[()]/g, "")));
      expect(terms).toHaveLength(4);
      expect(terms.reduce((s, v) => s + v, 0) / 4).toBeCloseTo(trace.gradData[k], 5);
      expect(line!.endsWith(`) / 4 = ${formatNumber(trace.gradData[k])}\``)).toBe(true);
    });
    expect(count(md, "A note on the seed document")).toBe(1);
  });

  it("shows the L2 penalty and its gradient apart from the data gradient", () => {
    const { md, trace } = explainFirstStep({ batchSize: 2, regularization: { kind: "l2", rate: 0.1 }, params: ISSUE_PARAMS });
    expect(md).toContain("L2 regularisation with λ = 0.1");
    expect(equation(md, "penalty = ")).toBe(`penalty = ½·λ·Σw² = ½·(0.1)·(${formatNumber(0.01 + 0.04 + 0.09 + 0.16 + 0.25 + 0.36)}) = ${formatNumber(trace.penalty)}`);
    expect(trace.penalty).toBeCloseTo(0.5 * 0.1 * 0.91, 12);
    expect(equation(md, "∂L/∂w11 + λ·w11 = ")).toBe(`∂L/∂w11 + λ·w11 = ${formatNumber(trace.gradData[0])} + (0.1)·(0.1) = ${formatNumber(trace.grad[0])}`);
    expect(equation(md, "∂L/∂wo2 + λ·wo2 = ")).toBe(`∂L/∂wo2 + λ·wo2 = ${formatNumber(trace.gradData[7])} + (0.1)·(0.6) = ${formatNumber(trace.grad[7])}`);
    expect(md).not.toContain("λ·b1");
  });

  it("shows the L1 penalty's gradient as λ·sign(w)", () => {
    const { md, trace } = explainFirstStep({ regularization: { kind: "l1", rate: 0.05 }, params: ISSUE_PARAMS });
    expect(equation(md, "penalty = ")).toBe(`penalty = λ·Σ|w| = (0.05)·(${formatNumber(2.1)}) = ${formatNumber(trace.penalty)}`);
    expect(equation(md, "∂L/∂w21 + λ·sign(w21) = ")).toBe(`∂L/∂w21 + λ·sign(w21) = ${formatNumber(trace.gradData[2])} + (0.05)·(1) = ${formatNumber(trace.grad[2])}`);
  });

  it("says when a step diverged and the update was rejected", () => {
    const config = parseEngineConfig({ activation: { hidden: "linear", output: "linear" }, learningRate: 10, init: { scheme: "uniform", range: 5 } });
    const trainer = new Trainer(config);
    trainer.run(1000);
    expect(trainer.divergedAt).not.toBeNull();
    const trace = trainer.stepTraced();
    expect(trace.diverged).toBe(true);
    const md = explainStep(config, trace);
    expect(md).toContain(`**Diverged at step ${trainer.divergedAt}.**`);
    expect(md).toContain("| rejected |");
  });

  it("with the seed's sign slip on purpose, explains why the loss climbs", () => {
    const config: EngineConfig = { ...parseEngineConfig({ params: ISSUE_PARAMS }), loss: "mse-seed-sign" };
    const md = explainStep(config, new Trainer(config).stepTraced());
    expect(equation(md, "∂L/∂ŷ = ").startsWith("∂L/∂ŷ = 2(y − ŷ) = ")).toBe(true);
    expect(count(md, "uses the seed document's sign slip on purpose")).toBe(1);
    expect(md).not.toContain("A note on the seed document");
    expect(md).toMatch(/\(up by [^:]+: the sign slip climbs the loss\)/);
  });

  it("rejects a trace from a different network", () => {
    const { trace } = explainFirstStep({});
    expect(() => explainStep(parseEngineConfig({ layers: [2, 3, 1] }), trace)).toThrow(/9 parameters/);
  });

  it("with binary cross-entropy, prints the bce loss, its derivative and the simplified delta ŷ − y with the step's numbers", () => {
    const { md, trace } = explainFirstStep({ params: ISSUE_PARAMS, loss: "bce" });
    const [ex] = trace.examples;
    const yhat = ex.a[2][0];
    expect(md).toContain("- Loss: `L = −[y·ln ŷ + (1 − y)·ln(1 − ŷ)]`");
    const loss = equation(md, "L = −[y·ln ŷ + (1 − y)·ln(1 − ŷ)] = −[");
    expect(loss).toContain(`ln ${formatNumber(yhat)}`);
    expect(result(loss)).toBeCloseTo(-Math.log(yhat), 5);
    const der = equation(md, "∂L/∂ŷ = ");
    expect(der.startsWith("∂L/∂ŷ = (ŷ − y) / (ŷ·(1 − ŷ)) = ")).toBe(true);
    expect(result(der)).toBeCloseTo(ex.dLdyhat[0], 4);
    const delta = equation(md, "δo = ∂L/∂ŷ · σ'(zo) = ŷ − y = ");
    expect(result(delta)).toBeCloseTo(yhat - 1, 5);
    expect(md).toContain("Cross-entropy and the sigmoid");
    expect(md).not.toContain("A note on the seed document");
    // the seed's products start with (ŷ − y) instead of ∂L/∂ŷ · f'(zo)
    expect(md).toContain("∂L/∂w11 = (ŷ − y) · wo1 · f'(z1) · x1 = ");
    expect(result(equation(md, "∂L/∂bo = "))).toBeCloseTo(trace.grad[8], 5);
  });

  it("with binary cross-entropy on a larger network, the output delta equation is ŷ − y", () => {
    const { md, trace } = explainFirstStep({ layers: [2, 3, 1], loss: "bce", batchSize: 2 });
    expect(md).toContain("`δo_k = ∂L/∂ŷ_k · σ'(zo_k) = ŷ_k − y_k`");
    expect(count(md, "δo = ∂L/∂ŷ · σ'(zo) = ŷ − y = ")).toBe(2 * 2); // per example: in the output section and the chain
    expect(md).toContain("Each example's binary cross-entropy, then the mean over the batch of 2:");
    expect(trace.simplifiedOutputDelta).toBe(true);
  });
});
