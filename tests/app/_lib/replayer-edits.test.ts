import { describe, expect, it } from "vitest";
import { hyperChanges, startsRun, Trainer, type EngineConfig, type NetworkEdit } from "@/lib/engine";
import { controlSchema, decodeStepFrame, type SessionSnapshot, type StepFrame } from "@/lib/protocol";
import { parseEngineConfig } from "@/lib/schemas";
import { Replayer } from "@/app/_lib/replayer";
import { LiveSession } from "@/server/sessions/live-session";
import { WriteQueue } from "@/server/sessions/write-queue";
import { FakeRoom, MemoryStore } from "../../server/sessions/memory-store";

/** Every live edit kind, in an order that keeps the network valid, from the seed's XOR network. */
const EDITS: NetworkEdit[] = [
  { kind: "data", name: "spiral", classes: 3, noise: 0.1, testRatio: 0.25, output: "softmax", loss: "ce" },
  { kind: "features", features: ["x1", "x2", "x1^2", "x2^2"] },
  { kind: "add-neuron", layer: 1 },
  { kind: "add-layer", at: 2, size: 3 },
  { kind: "remove-neuron", layer: 1, neuron: 0 },
  { kind: "activation", hidden: "tanh" },
  { kind: "set-param", index: 0, value: -2 },
  { kind: "remove-layer", layer: 2 },
  { kind: "restart" },
  { kind: "data", name: "plane", noise: 0.05, classes: 2, output: "linear", loss: "mse" },
];

describe("the browser's replayer follows live edits (E1, E2)", () => {
  it("replays each run a control log's edits started, bit for bit like the frames the room received", async () => {
    const config = parseEngineConfig({ learningRate: 0.5 });
    const trainer = new Trainer(config);
    const store = new MemoryStore(config, { params: trainer.theta.slice(), hyper: trainer.hyper });
    const room = new FakeRoom();
    const session = new LiveSession(
      { id: "s1", joinCode: "ABCDEF", title: "t", keyHash: "", config, state: "paused", trainer, controlSeq: 0, pending: [], hyperSince: 0, history: [], previous: null },
      { queue: new WriteQueue(store.flush), room },
    );
    const control = (raw: unknown) => session.control(controlSchema.parse(raw));
    await control({ action: "step", count: 6 });
    for (const [k, edit] of EDITS.entries()) {
      await control({ action: "edit", edit });
      await control({ action: "step", count: 4 });
      if (k % 3 === 0) await control({ action: "set", learningRate: 0.2 + k / 100 }); // a hyperparameter change inside a run
      await control({ action: "step", count: 5 });
    }

    // The room's view: a run starts at each snapshot (its config), then its step frames.
    const runs: { config: EngineConfig; frames: ReturnType<typeof decodeStepFrame>[] }[] = [{ config, frames: [] }];
    for (const e of room.events) {
      if (e.event === "session:snapshot") runs.push({ config: (e.args[0] as SessionSnapshot).config, frames: [] });
      if (e.event === "session:step") runs.at(-1)!.frames.push(decodeStepFrame(e.args[0] as StepFrame));
    }
    // The stored control log, cut into runs where a control starts one (what /runs/:run serves).
    const logs: (typeof store.controls)[] = [[]];
    for (const c of store.controls) {
      if (startsRun(c.action)) logs.push([]);
      logs.at(-1)!.push(c);
    }
    expect(runs).toHaveLength(EDITS.length + 1);
    expect(logs).toHaveLength(runs.length);
    expect(runs.at(-2)!.config.layers).toEqual([4, 2, 3]); // 2-2-1 → 2-2-3 → 4-2-3 → 4-3-3 → 4-3-3-3 → 4-2-3-3 → 4-2-3
    expect(runs.at(-1)!.config.activation.output).toBe("linear");

    for (const [r, run] of runs.entries()) {
      // What the replay page does with a run: parse its stored config, apply its own `set`s.
      const replayer = new Replayer(parseEngineConfig(JSON.parse(JSON.stringify(run.config))), hyperChanges(logs[r]));
      expect(run.frames.length).toBe(r === 0 ? 6 : 9);
      for (const frame of run.frames) {
        const { trace } = replayer.traceStep(frame.step)!;
        expect(Array.from(trace.after), `run ${r} step ${frame.step}`).toEqual(Array.from(frame.params));
        expect(trace.loss).toBe(frame.loss);
      }
    }
  });
});
