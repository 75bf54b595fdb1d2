import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/backprop";
import { Trainer } from "../../lib/engine";
import { parseEngineConfig } from "../../lib/schemas";

/** Runs the CLI in-process (the same `main` bin/backprop.mjs calls) and collects its output. */
async function backprop(args: string[], stdin = ""): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), readStdin: async () => stdin });
  return { code, stdout, stderr };
}

const SEVEN = ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"];
let dir = "";
const file = (name: string, config: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(config));
  return path;
};

/** `key: value` of the summary. */
const field = (stdout: string, key: string) => stdout.split("\n").find((l) => l.startsWith(`${key}: `))?.slice(key.length + 2);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "backprop-playground-"));
});

describe("backprop train --config: features, softmax + ce, regression", () => {
  it("trains a 7-input network on the seven features", async () => {
    const path = file("features.json", { layers: [7, 4, 1], features: SEVEN, activation: { hidden: "tanh" }, learningRate: 0.1, dataset: { name: "circle" } });
    const r = await backprop(["train", "--config", path, "--epochs", "100"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(parseFloat(field(r.stdout, "train accuracy")!)).toBeGreaterThan(90);
    expect(r.stdout).toContain("  w1[1,7] = ");
  });

  it("trains softmax + ce on 3-class spiral", async () => {
    const path = file("softmax.json", { layers: [7, 8, 3], features: SEVEN, activation: { hidden: "tanh", output: "softmax" }, loss: "ce", learningRate: 0.3, batchSize: 10, dataset: { name: "spiral", classes: 3, size: 150, noise: 0.05, testRatio: 0 } });
    const r = await backprop(["train", "--config", path, "--steps", "23000"]);
    expect(r.code).toBe(0);
    expect(parseFloat(field(r.stdout, "train accuracy")!)).toBeGreaterThan(90);
    expect(r.stdout).toContain("  b2[3] = ");
  });

  it.each(["plane", "multi-gaussian"])("trains %s with a linear output; accuracy is replaced by the loss", async (name) => {
    const config = { layers: [2, 8, 1], activation: { hidden: "tanh", output: "linear" }, learningRate: 0.05, dataset: { name } };
    const path = file(`${name}.json`, config);
    const start = new Trainer(parseEngineConfig(config)).evaluate("train").loss;
    const r = await backprop(["train", "--config", path, "--epochs", "200"]);
    expect(r.code).toBe(0);
    expect(field(r.stdout, "train accuracy")).toBe("n/a (regression: see the loss)");
    const loss = parseFloat(field(r.stdout, "final loss")!.replace("−", "-"));
    expect(loss).toBeLessThan(start / 3);
  });
});

describe("backprop: bad combinations exit 2 with one line naming the field", () => {
  it.each([
    ["softmax without ce", { layers: [2, 3, 3], activation: { output: "softmax" }, dataset: { name: "spiral", classes: 3 } }, "loss: must be ce when activation.output is softmax, got mse"],
    ["ce with one output", { loss: "ce", activation: { output: "softmax" } }, "layers[2]: must be ≥ 2 when loss is ce"],
    ["features that do not match layers[0]", { layers: [2, 4, 1], features: SEVEN }, "features: lists 7 features (x1, x2, x1², x2², x1·x2, sin(x1), sin(x2)), so layers[0] must be 7, got 2"],
  ])("%s", async (_label, config, message) => {
    for (const command of ["train", "explain"]) {
      const r = await backprop([command, "--config", "-"], JSON.stringify(config));
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.split("\n")).toHaveLength(2); // one line and its newline
      expect(r.stderr).toContain(`backprop: invalid config from stdin: ${message}`);
    }
  });

  it("--loss ce on a sigmoid output names activation.output", async () => {
    const r = await backprop(["train", "--loss", "ce"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^backprop: invalid config \{\}: activation\.output: must be softmax when loss is ce/);
  });
});

describe("backprop explain shows features, softmax and cross-entropy", () => {
  it("prints the step with the feature values, the softmax and δ = ŷ − y", async () => {
    const config = { layers: [3, 4, 3], features: ["x1", "x2", "x1*x2"], activation: { hidden: "tanh", output: "softmax" }, loss: "ce", dataset: { name: "gaussian", classes: 3 } };
    const r = await backprop(["explain", "--config", "-", "--step", "4"], JSON.stringify(config));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# Backpropagation, step 4\n/);
    expect(r.stdout).toContain("- Inputs: the features `x1`, `x2`, `x1·x2` of each point (x1, x2)");
    expect(r.stdout).toMatch(/`ŷ2 = softmax\(zo\)_2 = e\^\(zo2 − m\) \/ Σ = /);
    expect(r.stdout).toMatch(/`δo3 = ∂L\/∂zo3 = ŷ3 − y3 = /);
    expect(r.stdout).toMatch(/`L = −\(y1·ln ŷ1 \+ y2·ln ŷ2 \+ y3·ln ŷ3\) = /);
  });
});
