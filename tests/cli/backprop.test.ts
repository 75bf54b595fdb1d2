import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/backprop";

/** The seed document's steps: one example at a time (4 a epoch on XOR) with η = 0.5; `{}` now takes all four at η = 5. */
const SEED_STEPS = JSON.stringify({ learningRate: 0.5, batchSize: 1 });

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SEED_NAMES = ["w11", "w12", "w21", "w22", "b1", "b2", "wo1", "wo2", "bo"];

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI the way `npx backprop` does: node bin/backprop.mjs … (one smoke test; the rest run `main` in process). */
function spawnBackprop(args: string[], stdin = ""): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["bin/backprop.mjs", ...args], { cwd: ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

let dir = "";
const file = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "backprop-cli-"));
  writeFileSync(file("issue.json"), JSON.stringify({ params: { weights: [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6]]], biases: [[0.1, 0.1], [0.2]] } }));
  writeFileSync(file("diverges.json"), JSON.stringify({ activation: { hidden: "linear", output: "linear" }, learningRate: 10, init: { scheme: "uniform", range: 5 } }));
  writeFileSync(file("invalid.json"), JSON.stringify({ layers: [2, 2, 1], learningRate: -1 }));
});

describe("the real command (node bin/backprop.mjs)", () => {
  it("train --trace csv --every 2 reads stdin, prints a header, every 2nd step, then the summary as comments, and exits 0", async () => {
    const r = await spawnBackprop(["train", "--config", "-", "--steps", "10", "--trace", "csv", "--every", "2"], SEED_STEPS);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    const csv = lines.filter((line) => !line.startsWith("#"));
    expect(csv).toHaveLength(6);
    expect(csv[0]).toBe(["step", "epoch", "loss", ...SEED_NAMES].join(","));
    const rows = csv.slice(1).map((line) => line.split(",").map(Number));
    expect(rows.map((row) => row[0])).toEqual([2, 4, 6, 8, 10]);
    expect(rows.map((row) => row[1])).toEqual([0, 1, 1, 2, 2]);
    for (const row of rows) expect(row.every(Number.isFinite) && row.length === 12).toBe(true);
    expect(lines.slice(csv.length)).toContain("# state: trained");
  });
});

describe("backprop CLI (in process: the same main that bin/backprop.mjs calls)", () => {
  it.each([[["--help"]], [["explain", "-h"]]])("%j prints usage and exits 0", async (args) => {
    const r = await mainInProcess(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: backprop /);
    expect(r.stderr).toBe("");
  });

  it("train --trace json prints one JSON object per line, the summary last", async () => {
    const r = await mainInProcess(["train", "--config", "-", "--steps", "6", "--trace", "json", "--every", "3"], SEED_STEPS);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n").map((line) => JSON.parse(line));
    expect(lines.map((l) => l.type)).toEqual(["step", "step", "summary"]);
    expect(lines.map((l) => l.step ?? l.steps)).toEqual([3, 6, 6]);
    expect(Object.keys(lines[0].params)).toEqual(SEED_NAMES);
    expect(lines[0].names).toEqual(SEED_NAMES);
    expect(lines[1].examples[0].dLdyhat).toHaveLength(1);
    expect(lines[2].params).toEqual(lines[1].params);
    expect(lines[2].state).toBe("trained");
  });

  it("train without --trace prints only the summary (default 2000 epochs)", async () => {
    const r = await mainInProcess(["train", "--config", "-"], SEED_STEPS);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^state: trained\nsteps: 8000\nepochs: 2000\nfinal loss: /);
    expect(r.stdout).toContain("train accuracy: 100%");
    for (const name of SEED_NAMES) expect(r.stdout).toMatch(new RegExp(`\\n  ${name} = -?\\d`));
  });

  it("a divergence ends training with the summary and exit code 1", async () => {
    const r = await mainInProcess(["train", "--config", file("diverges.json"), "--epochs", "100"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^state: diverged at step \d+/);
    expect(r.stderr).toBe("");
  });

  it("explain prints the Markdown walkthrough of the chosen step", async () => {
    const r = await mainInProcess(["explain", "--config", file("issue.json"), "--step", "3"]);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith("# Backpropagation, step 3\n")).toBe(true);
    expect(r.stdout).toContain("## 1. Forward pass");
    expect(r.stdout).toContain("∂L/∂w11 = ∂L/∂ŷ · f'(zo) · wo1 · f'(z1) · x1 = ");
    expect(r.stdout).toContain("Step 3 applied");
  });

  it("explain after a divergence says where it happened and exits 1", async () => {
    const r = await mainInProcess(["explain", "--config", file("diverges.json"), "--step", "1000"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^backprop: training diverged at step \d+, before step 1000; [^\n]*\n$/);
  });

  // One case per class of bad input (the spawned smoke test above covers the real command's streams
  // and exit code); tests/cli/args.test.ts covers every message.
  const badInputs: Array<[string, string[], RegExp, string?]> = [
    ["unknown flag", ["train", "--speed", "3"], /unknown option --speed/],
    ["missing value", ["train", "--steps"], /--steps needs a value/],
    ["non-integer N", ["explain", "--step", "2.5"], /--step must be a positive integer, got "2.5"/],
    ["both --steps and --epochs", ["train", "--steps", "5", "--epochs", "5"], /--steps and --epochs cannot be used together/],
    ["unreadable file", ["train", "--config", "/nonexistent/backprop.json"], /cannot read config "\/nonexistent\/backprop.json": no such file/],
    ["invalid JSON", ["explain", "--config", "-"], /config from stdin is not valid JSON/, "{ layers: [2, 2, 1] }"],
    ["invalid config", ["train", "--config", "invalid.json"], /invalid config ".*invalid.json": learningRate: must be > 0/],
  ];
  it.each(badInputs)("%s: one line on stderr, exit code 2", async (_name, args, message, stdin) => {
    const r = await mainInProcess(args.map((a) => (a.endsWith(".json") && !a.startsWith("/") ? file(a) : a)), stdin);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^backprop: [^\n]+\n$/);
    expect(r.stderr).toMatch(message);
  });
});

/** Runs `main` in this process with captured output (for the cases that need no real process). */
async function mainInProcess(args: string[], stdin = ""): Promise<Result> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), readStdin: async () => stdin });
  return { code, stdout, stderr };
}

describe("main (in process)", () => {
  it.each([[["-h"]], [["train", "--help"]], [["train", "--bogus", "-h"]]])("%j prints usage", async (args) => {
    const r = await mainInProcess(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: backprop /);
  });

  it("explain defaults to step 1 of the default network", async () => {
    const r = await mainInProcess(["explain"]);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith("# Backpropagation, step 1\n")).toBe(true);
    expect(r.stdout).toContain("∂L/∂bo = ∂L/∂ŷ · f'(zo) = ");
  });

  it("quotes parameter names with commas in the CSV header", async () => {
    const r = await mainInProcess(["train", "--config", "-", "--steps", "1", "--trace", "csv"], JSON.stringify({ layers: [2, 3, 1] }));
    expect(r.stdout.split("\n")[0]).toBe('step,epoch,loss,"w1[1,1]","w1[1,2]","w1[2,1]","w1[2,2]","w1[3,1]","w1[3,2]",b1[1],b1[2],b1[3],"w2[1,1]","w2[1,2]","w2[1,3]",b2[1]');
  });

  it("reports a test split when the dataset has one", async () => {
    const r = await mainInProcess(["train", "--config", "-", "--epochs", "2"], JSON.stringify({ dataset: { name: "circle", size: 50 } }));
    expect(r.stdout).toMatch(/\ntest loss: [\d.]+ \(10 examples\)\ntest accuracy: [\d.]+%\n/);
  });

  it("train --loss bce trains XOR with binary cross-entropy; --loss replaces the config's loss", async () => {
    const r = await mainInProcess(["train", "--loss", "bce", "--epochs", "1000"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^state: trained\n/);
    expect(r.stdout).toContain("train accuracy: 100%");
    const md = await mainInProcess(["explain", "--config", "-", "--loss", "bce"], JSON.stringify({ loss: "mse" }));
    expect(md.stdout).toContain("∂L/∂ŷ = (ŷ − y) / (ŷ·(1 − ŷ)) = ");
    expect(md.stdout).toContain("δo = ∂L/∂ŷ · σ'(zo) = ŷ − y = ");
  });

  it("train --loss bce with a non-sigmoid output is refused, naming the field", async () => {
    const r = await mainInProcess(["train", "--config", "-", "--loss", "bce"], JSON.stringify({ activation: { output: "linear" } }));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("backprop: invalid config from stdin: activation.output: must be sigmoid when loss is bce (binary cross-entropy needs outputs in (0, 1)), got linear\n");
  });

  it("a trace with --every larger than the run prints only the header and the summary", async () => {
    const r = await mainInProcess(["train", "--steps", "3", "--trace", "csv", "--every", "5"]);
    expect(r.stdout.split("\n").filter((line) => line && !line.startsWith("#"))).toHaveLength(1);
  });

  it.each([
    [[], /missing command/],
    [["fly"], /unknown command "fly"/],
    [["--fly"], /unknown option --fly/],
    [["explain", "--steps", "3"], /unknown option --steps for explain/],
    [["train", "--every", "5"], /--every needs --trace/],
    [["train", "--trace", "xml"], /--trace must be csv or json, got "xml"/],
    [["train", "now"], /unexpected argument "now"/],
    [["train", "--config", "/"], /cannot read config "\/": it is a directory/],
    [["train", "--config", "-"], /config from stdin is not valid JSON/],
  ])("%j is a usage error", async (args, message) => {
    const r = await mainInProcess(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^backprop: [^\n]+\n$/);
    expect(r.stderr).toMatch(message);
  });
});
