import { describe, expect, it } from "vitest";
import { createLayout, describeParams, initialTheta, runUntil, Trainer, type EngineConfig } from "@/lib/engine";
import { controlSchema, decodeStepFrame } from "@/lib/protocol";
import { parseEngineConfig } from "@/lib/schemas";
import { LiveSession } from "@/server/sessions/live-session";
import { rebuildAt } from "@/server/sessions/rebuild";
import { WriteQueue } from "@/server/sessions/write-queue";
import { ManualClock } from "./manual-clock";
import { FakeRoom, MemoryStore } from "./memory-store";

function setup(raw: unknown = {}) {
  const config = parseEngineConfig(raw);
  const trainer = new Trainer(config);
  const store = new MemoryStore(config, { params: trainer.theta.slice(), hyper: trainer.hyper });
  const clock = new ManualClock();
  const queue = new WriteQueue(store.flush, { clock, lingerMs: 0 });
  const room = new FakeRoom();
  const session = new LiveSession(
    { id: "s1", joinCode: "ABCDEF", title: "t", keyHash: "", config, state: "paused", trainer, controlSeq: 0, pending: [], hyperSince: 0, history: [], previous: null },
    { queue, room, clock },
  );
  return { config, store, queue, room, session, clock };
}

const control = (session: LiveSession, raw: unknown) => session.control(controlSchema.parse(raw));

describe("live edits through session:control (E1–E4)", () => {
  it("[E1] XOR → 3-class spiral with x1², x2² features, a neuron added, a weight set: each a new run the room follows, replayed bit for bit", async () => {
    const { session, room, store } = setup();
    await control(session, { action: "step", count: 20 });
    const trained = session.trainer.theta.slice();
    await control(session, { action: "edit", edit: { kind: "data", name: "spiral", classes: 3, output: "softmax" } });
    await control(session, { action: "edit", edit: { kind: "features", features: ["x1", "x2", "x1^2", "x2^2"] } });
    await control(session, { action: "edit", edit: { kind: "add-neuron", layer: 1 } });
    const w = describeParams(createLayout(session.config.layers)).find((p) => p.name === "w1[1,1]")!;
    await control(session, { action: "edit", edit: { kind: "set-param", index: w.index, value: -2 } });
    const config: EngineConfig = session.config;
    expect(config.layers).toEqual([4, 3, 3]);
    expect(config.features).toEqual(["x1", "x2", "x1^2", "x2^2"]);
    expect([config.activation.output, config.loss]).toEqual(["softmax", "ce"]);
    expect(initialTheta(config)[w.index]).toBe(-2);
    expect(initialTheta(config)[1]).toBe(trained[1]); // w12 of the XOR run survived all four edits
    // every edit is a new run at step 0 whose snapshot the room received
    const snapshots = room.of("session:snapshot");
    expect(snapshots).toHaveLength(4);
    expect(snapshots.at(-1)!.config).toEqual(config);
    await control(session, { action: "step", count: 15 });
    const broadcast = room.of("session:step").map((f) => decodeStepFrame(f)).at(-1)!;
    const reference = new Trainer(parseEngineConfig(JSON.parse(JSON.stringify(config))));
    reference.run(15);
    expect(broadcast.params).toEqual(Array.from(reference.theta));
    const rebuilt = rebuildAt(store.config as EngineConfig, store.record(), store.step);
    expect(Array.from(rebuilt.trainer.theta)).toEqual(Array.from(session.trainer.theta));
  });

  it("[E2] restart starts the run again from its own initial weights (not a new seed)", async () => {
    const { session, config } = setup({ dataset: { name: "circle", size: 40 }, layers: [2, 3, 1] });
    await control(session, { action: "step", count: 30 });
    await control(session, { action: "edit", edit: { kind: "restart" } });
    expect(session.step).toBe(0);
    expect(Array.from(session.trainer.theta)).toEqual(Array.from(new Trainer(config).theta));
  });

  it("[E3] an edit that leaves no valid network is refused with the field named; the run is unchanged", async () => {
    const { session } = setup({ layers: [2, 1, 1] });
    await control(session, { action: "step", count: 3 });
    await expect(control(session, { action: "edit", edit: { kind: "remove-neuron", layer: 1, neuron: 0 } })).rejects.toThrow(/^edit: layers\[1\]: must be ≥ 1/);
    await expect(control(session, { action: "edit", edit: { kind: "add-neuron", layer: 5 } })).rejects.toThrow("edit: layer: must be a hidden layer 1..1, got 5");
    expect(session.step).toBe(3);
    expect(session.config.layers).toEqual([2, 1, 1]);
  });

  it("[R6] set { lrSchedule } applies from the step it is logged at, and a rebuild from the log is bit-identical", async () => {
    const { session, store, config } = setup({ dataset: { name: "circle", size: 40 }, layers: [2, 3, 1], batchSize: 4, learningRate: 0.5 });
    await control(session, { action: "step", count: 12 });
    await control(session, { action: "set", lrSchedule: { kind: "step", every: 5, factor: 0.5 } });
    await control(session, { action: "step", count: 20 });
    expect(session.trainer.rate()).toBe(0.5 * 0.5 ** 4);
    const rebuilt = rebuildAt(config, store.record(), store.step);
    expect(rebuilt.trainer.step).toBe(32);
    expect(Array.from(rebuilt.trainer.theta)).toEqual(Array.from(session.trainer.theta));
    expect(rebuilt.trainer.hyper.lrSchedule).toEqual({ kind: "step", every: 5, factor: 0.5, start: 12 });
  });

  it("[E4] the edit payload is validated by its schema, naming the field", () => {
    const r = controlSchema.safeParse({ action: "edit", edit: { kind: "features", features: ["x1", "x9"] } });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].path).toEqual(["edit", "features", 1]);
    expect(controlSchema.safeParse({ action: "edit", edit: { kind: "set-param", index: 0, value: Infinity } }).success).toBe(false);
  });
});

describe("play { until }: play pauses by itself at the stop condition (S1)", () => {
  /** Plays on fake time until the room has been told the session paused (the pause's own state event, the last thing it sends). */
  const settle = (clock: ManualClock, room: FakeRoom) => clock.until(() => room.of("session:state").at(-1)?.state === "paused", "the pause at the stop condition");

  it("[S1] pauses exactly at a step count; every step up to it was broadcast once", async () => {
    const { session, room, clock } = setup();
    await control(session, { action: "play", stepsPerSecond: 60, until: { kind: "steps", count: 25 } });
    await settle(clock, room);
    expect(session.snapshot("student").state).toBe("paused");
    expect(session.step).toBe(25);
    expect(session.trainer.step).toBe(25);
    expect(room.of("session:step").map((f) => decodeStepFrame(f).step)).toEqual(Array.from({ length: 25 }, (_, k) => k + 1));
    expect(room.of("session:state").at(-1)!.reason).toBe("stopped at step 25 (step 25)");
  });

  it("[S1] pauses at the end of the first epoch whose training loss reaches the target, where runUntil stops", async () => {
    const raw = { learningRate: 2 };
    const probe = new Trainer(parseEngineConfig(raw));
    probe.run(8);
    const target = probe.evaluate("train").loss; // reached at the end of epoch 2, not at epoch 1's
    const expected = runUntil(new Trainer(parseEngineConfig(raw)), 1000, { kind: "loss", below: target });
    expect(expected).toEqual({ steps: 8, reached: true });
    const { session, room, clock } = setup(raw);
    await control(session, { action: "play", stepsPerSecond: 60, until: { kind: "loss", below: target } });
    await settle(clock, room);
    expect(session.snapshot("student").state).toBe("paused");
    expect(session.step).toBe(8);
    expect(room.of("session:step").map((f) => decodeStepFrame(f).step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("[S1] pauses at the end of an epoch count", async () => {
    const { session, room, clock } = setup({ batchSize: 2 });
    await control(session, { action: "play", stepsPerSecond: 60, until: { kind: "epochs", count: 5 } });
    await settle(clock, room);
    expect(session.snapshot("student").state).toBe("paused");
    expect([session.step, session.trainer.epoch, session.trainer.cursor]).toEqual([10, 5, 0]);
  });

  it("[S1] a condition already reached is refused, naming until", async () => {
    const { session } = setup();
    await control(session, { action: "step", count: 5 });
    await expect(control(session, { action: "play", until: { kind: "steps", count: 5 } })).rejects.toThrow("until: step 5 is already reached (step 5)");
  });
});
