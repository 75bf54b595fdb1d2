import { describe, expect, it } from "vitest";
import { MAX_COUNT, parseCommand } from "../../cli/args";

describe("parseCommand", () => {
  it("reads help anywhere on the line", () => {
    expect(parseCommand(["--help"])).toEqual({ kind: "help", topic: "main" });
    expect(parseCommand(["-h"])).toEqual({ kind: "help", topic: "main" });
    expect(parseCommand(["train", "--steps", "x", "--help"])).toEqual({ kind: "help", topic: "train" });
    expect(parseCommand(["explain", "-h"])).toEqual({ kind: "help", topic: "explain" });
  });

  it("fills the defaults", () => {
    expect(parseCommand(["train"])).toEqual({ kind: "train", config: undefined, steps: undefined, epochs: undefined, trace: undefined, every: 1 });
    expect(parseCommand(["explain"])).toEqual({ kind: "explain", config: undefined, step: 1 });
  });

  it("reads every option", () => {
    expect(parseCommand(["train", "--config", "-", "--epochs", "30", "--trace", "json", "--every=5"])).toEqual({
      kind: "train", config: "-", steps: undefined, epochs: 30, trace: "json", every: 5,
    });
    expect(parseCommand(["train", "--steps", "7"])).toMatchObject({ steps: 7 });
    expect(parseCommand(["train", "--loss", "bce"])).toMatchObject({ kind: "train", loss: "bce" });
    expect(parseCommand(["explain", "--loss", "mse"])).toMatchObject({ kind: "explain", loss: "mse" });
    expect(parseCommand(["explain", "--config", "a.json", "--step", "12"])).toEqual({ kind: "explain", config: "a.json", step: 12 });
  });

  it.each([
    [[], "missing command: train or explain (see backprop --help)"],
    [["fly"], 'unknown command "fly": expected train or explain'],
    [["--fly"], "unknown option --fly (see backprop --help)"],
    [["train", "--speed", "3"], "unknown option --speed for train (see backprop train --help)"],
    [["explain", "--steps", "3"], "unknown option --steps for explain (see backprop explain --help)"],
    [["train", "-s", "3"], "unknown option -s for train (see backprop train --help)"],
    [["train", "--steps"], "--steps needs a value"],
    [["train", "--steps", "--epochs", "3"], "--steps needs a value"],
    [["train", "--steps", "2.5"], '--steps must be a positive integer, got "2.5"'],
    [["train", "--epochs", "-3"], '--epochs must be a positive integer, got "-3"'],
    [["train", "--every", "1e3", "--trace", "csv"], '--every must be a positive integer, got "1e3"'],
    [["explain", "--step", "0"], '--step must be a positive integer, got "0"'],
    [["train", "--steps", String(MAX_COUNT + 1)], `--steps must be at most ${MAX_COUNT}`],
    [["train", "--steps", "5", "--epochs", "5"], "--steps and --epochs cannot be used together"],
    [["train", "--every", "5"], "--every needs --trace"],
    [["train", "--trace", "xml"], '--trace must be csv or json, got "xml"'],
    [["train", "--loss", "xent"], '--loss must be mse, bce or ce, got "xent"'],
    [["explain", "--loss"], "--loss needs a value"],
    [["train", "now"], 'unexpected argument "now" for train'],
  ])("%j fails with one clear line", (argv, message) => {
    expect(() => parseCommand(argv)).toThrow(message);
    try {
      parseCommand(argv);
    } catch (error) {
      expect((error as Error).name).toBe("UsageError");
      expect((error as Error).message).not.toContain("\n");
    }
  });
});
