import { describe, expect, it } from "vitest";
import { Trainer } from "@/lib/engine";
import { presetConfig } from "@/lib/presets";
import { parseEngineConfig } from "@/lib/schemas";
import { compareLosses } from "@/app/_components/loss-compare-model";

describe("squared error vs cross-entropy on one example", () => {
  it("matches the engine's own numbers for the loss the run uses", () => {
    for (const loss of ["mse", "bce"] as const) {
      const trace = new Trainer(parseEngineConfig({ loss })).stepTraced();
      const ex = trace.examples[0];
      const used = compareLosses(ex, "sigmoid", loss)!.find((c) => c.used)!;
      expect(used.loss).toBe(loss);
      expect(used.value).toBe(ex.loss);
      expect(used.dLdyhat).toBe(ex.dLdyhat[0]);
      expect(used.delta).toBe(ex.delta[2][0]);
    }
  });

  it("shows cross-entropy's δo = ŷ − y larger than squared error's 2(ŷ − y)·σ'(zo), which σ' ≤ ¼ shrinks", () => {
    for (const config of [parseEngineConfig({}), presetConfig("saturated-sigmoid")]) {
      for (const ex of new Trainer(config).stepTraced().examples) {
        const [mse, bce] = compareLosses(ex, "sigmoid", "mse")!;
        expect(Math.abs(bce.delta)).toBeGreaterThan(Math.abs(mse.delta));
        expect(bce.delta).toBe(ex.a[ex.a.length - 1][0] - ex.y[0]);
      }
    }
  });

  it("does not apply to outputs cross-entropy cannot take", () => {
    const trace = new Trainer(parseEngineConfig({ activation: { output: "linear" } })).stepTraced();
    expect(compareLosses(trace.examples[0], "linear", "mse")).toBeNull();
  });
});
