import { describe, expect, it } from "vitest";
import { Trainer } from "@/lib/engine";
import { explainStep } from "@/lib/explain";
import { parseEngineConfig } from "@/lib/schemas";

/** Reads a printed number back ("−0.5" → -0.5). */
const parse = (text: string) => Number(text.trim().replace(/−/g, "-"));

function explain(input: unknown, steps = 3) {
  const config = parseEngineConfig(input);
  const t = new Trainer(config);
  t.run(steps);
  const trace = t.stepTraced();
  return { md: explainStep(config, trace), trace };
}

/** The code span on the line that contains `start`. */
function equation(md: string, start: string): string {
  const line = md.split("\n").find((l) => l.includes(`\`${start}`));
  expect(line, `no equation starting with ${start}`).toBeDefined();
  return line!.slice(line!.indexOf(`\`${start}`) + 1, line!.lastIndexOf("`"));
}

const result = (eq: string) => parse(eq.slice(eq.lastIndexOf("=") + 1));

describe("explain: features, softmax and cross-entropy with this step's numbers", () => {
  it("names each input by its feature and shows the feature values of the point", () => {
    const { md, trace } = explain({ layers: [3, 2, 1], features: ["x1^2", "x2^2", "x1*x2"], dataset: { name: "circle", size: 40 } });
    const ex = trace.examples[0];
    expect(md).toContain("- Inputs: the features `x1²`, `x2²`, `x1·x2` of each point (x1, x2)");
    expect(md).toContain(`The network's inputs are features of the point (x1, x2) = (`);
    const [x1, x2] = ex.point!;
    expect(ex.x).toEqual([x1 * x1, x2 * x2, x1 * x2]);
    expect(md).toMatch(/`z1 = w1\[1,1\]·x1² \+ w1\[1,2\]·x2² \+ w1\[1,3\]·x1·x2 \+ b1\[1\] = /);
  });

  it("shows the softmax with its max shift, the cross-entropy and δ = ŷ − y, each with the step's numbers", () => {
    const { md, trace } = explain({ layers: [2, 4, 3], activation: { hidden: "tanh", output: "softmax" }, loss: "ce", dataset: { name: "spiral", classes: 3, size: 60 } });
    const ex = trace.examples[0];
    const yhat = ex.a[2];
    for (let k = 0; k < 3; k++) expect(result(equation(md, `ŷ${k + 1} = softmax(zo)_${k + 1}`))).toBeCloseTo(yhat[k], 5);
    expect(result(equation(md, "m = max(zo1, zo2, zo3)"))).toBeCloseTo(Math.max(...ex.z[2]), 5);
    const loss = equation(md, "L = −(y1·ln ŷ1 + y2·ln ŷ2 + y3·ln ŷ3)");
    expect(result(loss)).toBeCloseTo(-Math.log(yhat[ex.y.indexOf(1)]), 5);
    for (let k = 0; k < 3; k++) expect(result(equation(md, `δo${k + 1} = ∂L/∂zo${k + 1} = ŷ${k + 1} − y${k + 1}`))).toBeCloseTo(yhat[k] - ex.y[k], 5);
    expect(md).toContain("**Softmax and cross-entropy.**");
    expect(md).toContain("- Loss: `L = −Σ_k y_k·ln ŷ_k`");
    expect(md).not.toContain("f'(zo1)");
  });

  it("prints this step's scheduled learning rate and the schedule", () => {
    const { md, trace } = explain({ learningRate: 0.8, lrSchedule: { kind: "step", every: 2, factor: 0.5 } }, 4);
    expect(trace.learningRate).toBe(0.2);
    expect(md).toContain("Learning rate η = 0.2 (this step's rate; schedule step decay: η_t = η·0.5^⌊t / 2⌋ from base η = 0.8)");
  });

  it("explains a regression step on plane with a linear output", () => {
    const { md, trace } = explain({ layers: [2, 3, 1], activation: { hidden: "tanh", output: "linear" }, dataset: { name: "plane" } });
    const line = md.split("\n").find((l) => l.startsWith("- `L = (y − ŷ)² = ("));
    expect(line).toBeDefined();
    expect(result(line!.slice(3, -1))).toBeCloseTo(trace.examples[0].loss, 5);
    expect(md).toContain("- Output activation: `f(z) = z`");
  });
});
