import { describe, expect, it } from "vitest";
import { hyperChanges, Trainer } from "@/lib/engine";
import { parseEngineConfig } from "@/lib/schemas";
import { REPLAY_CHECKPOINT_EVERY, Replayer } from "@/app/_lib/replayer";

describe("replayer", () => {
  const config = parseEngineConfig({});

  it("recomputes any step, forwards and backwards, bit for bit like a straight run", () => {
    const r = new Replayer(config);
    const straight = new Trainer(config);
    const at = REPLAY_CHECKPOINT_EVERY + 37;
    straight.run(at - 1);
    const expected = straight.stepTraced();
    expect(r.traceStep(at)!.trace.after).toEqual(expected.after);
    expect(r.traceStep(3)!.trace.after).toEqual(new Replayer(config).traceStep(3)!.trace.after);
    expect(r.traceStep(at)!.trace.grad).toEqual(expected.grad);
  });

  it("applies the recorded hyperparameter changes at their steps", () => {
    const r = new Replayer(config, [{ step: 10, change: { learningRate: 2 } }]);
    expect(r.traceStep(10)!.trace.learningRate).toBe(0.5);
    expect(r.traceStep(11)!.trace.learningRate).toBe(2);
    const straight = new Trainer(config);
    straight.run(10);
    straight.setHyper({ learningRate: 2 });
    straight.run(5);
    expect(r.stateAfter(15)!.params).toEqual(straight.theta);
  });

  it("[V3] replays a run from its own control log: a set logged in an earlier run does not leak in", () => {
    const run1 = [
      { step: 0, action: "preset", payload: { presetId: "symmetric-init" } },
      { step: 2, action: "set", payload: { batchSize: 2 } },
      { step: 5, action: "play", payload: { stepsPerSecond: 10 } },
    ];
    expect(hyperChanges(run1)).toEqual([{ step: 2, change: { batchSize: 2 } }]);
    const r = new Replayer(config, hyperChanges(run1));
    expect(r.traceStep(2)!.trace.batchSize).toBe(1);
    expect(r.traceStep(3)!.trace.batchSize).toBe(2);
  });
});
