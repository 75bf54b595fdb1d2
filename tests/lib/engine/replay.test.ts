import { describe, expect, it } from "vitest";
import { hyperChanges, replayRun, RunReplay, startsRun, Trainer } from "@/lib/engine";
import { parseEngineConfig } from "@/lib/schemas";

describe("replay (lib/engine/replay.ts)", () => {
  const config = parseEngineConfig({});

  /** A straight run: η = 2 from step 10 on, batch size 2 from step 25. */
  function straight(steps: number): Trainer {
    const t = new Trainer(config);
    t.run(10);
    t.setHyper({ learningRate: 2 });
    t.run(15);
    t.setHyper({ batchSize: 2 });
    t.run(steps - 25);
    return t;
  }
  const log = [
    { step: 10, action: "set", payload: { learningRate: 2 } },
    { step: 12, action: "play", payload: { stepsPerSecond: 10 } },
    { step: 25, action: "set", payload: { batchSize: 2 } },
  ];

  it("[R6] applies each logged set at its step, bit-identical to a straight run", () => {
    expect(Array.from(replayRun(config, log, 40)!.theta)).toEqual(Array.from(straight(40).theta));
  });

  it("[R7] gives the same θ whether advanced in one call or in slices of any size, and resumes from a saved state", () => {
    const whole = RunReplay.start(config, hyperChanges(log));
    whole.advanceTo(40);
    const sliced = RunReplay.start(config, hyperChanges(log));
    while (sliced.step < 40) sliced.advance(Math.min(3, 40 - sliced.step));
    expect(Array.from(sliced.trainer.theta)).toEqual(Array.from(whole.trainer.theta));
    const mid = RunReplay.start(config, hyperChanges(log));
    mid.advanceTo(17);
    const saved = mid.save();
    const resumed = RunReplay.start(config, hyperChanges(log));
    resumed.advanceTo(33);
    resumed.seek(saved);
    resumed.advanceTo(40);
    expect(Array.from(resumed.trainer.theta)).toEqual(Array.from(whole.trainer.theta));
    expect(resumed.trainer.hyper.batchSize).toBe(2);
  });

  it("resumes at a checkpoint with only the changes logged after it, keeping later ones pending", () => {
    const at = RunReplay.start(config, hyperChanges(log));
    at.advanceTo(20);
    const resumed = RunReplay.resume(config, at.save(), hyperChanges(log.slice(2)));
    expect(resumed.pending).toEqual([{ step: 25, change: { batchSize: 2 } }]);
    resumed.advanceTo(40);
    expect(Array.from(resumed.trainer.theta)).toEqual(Array.from(straight(40).theta));
    expect(resumed.pending).toEqual([]);
  });

  it("stops at a diverging step and reports it", () => {
    const linear = parseEngineConfig({ activation: { hidden: "linear", output: "linear" } });
    const r = RunReplay.start(linear, [{ step: 3, change: { learningRate: 1e300 } }]);
    expect(r.advanceTo(50)).toBe(false);
    expect(r.step).toBeGreaterThanOrEqual(3);
    expect(r.step).toBeLessThan(50);
    expect(replayRun(linear, [{ step: 3, action: "set", payload: { learningRate: 1e300 } }], 50)).toBeNull();
  });

  it("knows which controls start a run", () => {
    expect(["reset", "preset", "data", "edit"].every(startsRun)).toBe(true);
    expect(["set", "play", "step", "fastForward"].some(startsRun)).toBe(false);
  });
});
