import { describe, expect, it } from "vitest";
import { Trainer } from "@/lib/engine";
import { decodeStepFrame, type Control } from "@/lib/protocol";
import { parseEngineConfig } from "@/lib/schemas";
import { LiveSession } from "@/server/sessions/live-session";
import { rebuildAt } from "@/server/sessions/rebuild";
import { INSTRUCTOR_AWAY_MS } from "@/server/sessions/roster";
import { WriteQueue } from "@/server/sessions/write-queue";
import { ManualClock } from "./manual-clock";
import { FakeRoom, MemoryStore } from "./memory-store";

/** A session on fake time: the play loop, the away timer and the write queue run on `clock`. */
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

const steps = (room: FakeRoom) => room.of("session:step").map((f) => decodeStepFrame(f));

/** A trainer that ran `count` steps of `config` without interruption. */
function reference(raw: unknown, count: number): Float64Array {
  const t = new Trainer(parseEngineConfig(raw));
  t.run(count);
  return t.theta;
}

describe("LiveSession", () => {
  it("[R1] step {count} broadcasts every step once, in order, with the parameters of an uninterrupted run", async () => {
    const { session, room } = setup();
    await session.control({ action: "step", count: 10 });
    const got = steps(room);
    expect(got.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(got.at(-1)!.params).toEqual(Array.from(reference({}, 10)));
    expect(session.step).toBe(10);
  });

  it("[R2] a step is broadcast only after its write committed", async () => {
    const { session, room, store, clock } = setup();
    let open!: () => void;
    const opened = new Promise<void>((r) => (open = r));
    await session.control({ action: "play", stepsPerSecond: 60 });
    await clock.advance(100);
    store.gate = () => opened; // from now on the database does not answer
    const before = steps(room).length;
    expect(before).toBeGreaterThan(0);
    await clock.advance(1000);
    const durable = store.step;
    expect(steps(room).every((s) => s.step <= durable)).toBe(true);
    expect(steps(room).length).toBe(durable); // every stored step, and no other, was released
    expect(session.backlog).toBeGreaterThan(0); // computed ahead, held back
    open();
    store.gate = null;
    await session.control({ action: "pause" });
    const all = steps(room).map((s) => s.step);
    expect(all).toEqual(Array.from({ length: all.length }, (_, k) => k + 1)); // gap-free, no duplicates
    expect(store.step).toBe(session.step);
  });

  it("[R3] play then pause: gap-free steps; the trainer ends exactly at the last broadcast step", async () => {
    const { session, room, store, clock } = setup();
    await session.control({ action: "play", stepsPerSecond: 60 });
    await clock.advance(250);
    const ack = await session.control({ action: "pause" });
    const all = steps(room).map((s) => s.step);
    expect(all.length).toBeGreaterThan(3);
    expect(all).toEqual(Array.from({ length: all.length }, (_, k) => k + 1));
    expect(ack).toEqual({ step: all.length, state: "paused" });
    expect(session.trainer.step).toBe(session.step);
    expect(Array.from(session.trainer.theta)).toEqual(Array.from(reference({}, all.length)));
    expect(store.checkpoints.has(session.step)).toBe(true);
    expect(room.of("session:state").at(-1)!.state).toBe("paused");
  });

  it("[R4] walking one step phase by phase broadcasts forward → loss → backward → update, then the step", async () => {
    const { session, room } = setup();
    for (let k = 0; k < 4; k++) await session.control({ action: "phase" });
    expect(room.of("session:phase").map((p) => p.phase)).toEqual(["forward", "loss", "backward", "update"]);
    expect(room.of("session:phase").every((p) => p.step === 1)).toBe(true);
    expect(steps(room).map((s) => s.step)).toEqual([1]);
    const order = room.events.map((e) => e.event).filter((e) => e === "session:phase" || e === "session:step");
    expect(order.at(-1)).toBe("session:step");
    expect(steps(room)[0].params).toEqual(Array.from(reference({}, 1)));
  });

  it("[R5] a snapshot mid-walk carries the phase; step completes the walked step first", async () => {
    const { session, room } = setup();
    await session.control({ action: "phase" });
    await session.control({ action: "phase" });
    expect(session.snapshot("student").phase?.phase).toBe("loss");
    expect(session.snapshot("student").step).toBe(0);
    await session.control({ action: "step", count: 3 });
    expect(steps(room).map((s) => s.step)).toEqual([1, 2, 3]);
    expect(session.snapshot("student").phase).toBeNull();
  });

  it("[R6] set changes the learning rate from the next step, and a rebuild from the log is bit-identical", async () => {
    const { session, store, config, clock } = setup();
    await session.control({ action: "step", count: 5 });
    await session.control({ action: "set", learningRate: 2 });
    await session.control({ action: "step", count: 5 });
    await session.control({ action: "set", batchSize: 2 });
    await session.control({ action: "play", stepsPerSecond: 60 });
    await clock.advance(120);
    await session.control({ action: "set", learningRate: 0.1 }); // while playing: applies at the computed step
    await clock.advance(120);
    await session.control({ action: "pause" });
    const rebuilt = rebuildAt(config, store.record(), store.step);
    expect(rebuilt.trainer.step).toBe(session.step);
    expect(Array.from(rebuilt.trainer.theta)).toEqual(Array.from(session.trainer.theta));
    expect(rebuilt.trainer.hyper.learningRate).toBe(0.1);
    expect(rebuilt.trainer.hyper.batchSize).toBe(2);
  });

  it("[R7] rebuilding at a random earlier step matches what was broadcast at that step", async () => {
    const { session, store, config, room } = setup({ dataset: { name: "circle", size: 40 }, layers: [2, 3, 1], batchSize: 3 });
    await session.control({ action: "step", count: 7 });
    await session.control({ action: "set", learningRate: 1.5 });
    await session.control({ action: "step", count: 20 });
    const frames = steps(room);
    for (const target of [3, 7, 8, 19, 27]) {
      const r = rebuildAt(config, store.record(target), target);
      expect(Array.from(r.trainer.theta)).toEqual(frames[target - 1].params);
      expect(r.previous?.cursor).toBe(frames[target - 1].cursor);
    }
  });

  it("[R8] reset starts a new run with the given seed: step 0, empty history, a snapshot for everyone", async () => {
    const { session, room, store } = setup();
    await session.control({ action: "step", count: 4 });
    await session.control({ action: "reset", seed: 123 });
    expect(session.step).toBe(0);
    expect(session.config.init.seed).toBe(123);
    const snap = room.of("session:snapshot").at(-1)!;
    expect(snap.step).toBe(0);
    expect(snap.history).toEqual([]);
    expect(snap.params).toEqual(Array.from(new Trainer(parseEngineConfig({ init: { seed: 123 } })).theta));
    expect(store.metrics.size).toBe(0);
    expect(store.controls.at(-1)).toMatchObject({ action: "reset", payload: { seed: 123 } });
  });

  it("[R9] divergence: the session reports it, keeps the last finite parameters, and recovers after set", async () => {
    const raw = { layers: [2, 4, 1], activation: { hidden: "linear", output: "linear" }, learningRate: 10, dataset: { points: [{ x: [50, -40], y: [1] }, { x: [-30, 60], y: [0] }] } };
    const { session, room } = setup(raw);
    const ack = await session.control({ action: "step", count: 100 });
    expect(ack.state).toBe("diverged");
    const state = room.of("session:state").at(-1)!;
    expect(state.divergedAt).toBe(ack.step + 1);
    expect(state.reason).toMatch(/non-finite/);
    expect(session.snapshot("student").params.every(Number.isFinite)).toBe(true);
    expect(Array.from(session.trainer.theta)).toEqual(Array.from(reference(raw, ack.step)));
    await session.control({ action: "set", learningRate: 0.001 });
    expect(session.state).toBe("paused");
  });

  it("[R10] fast-forward trains whole epochs without per-step frames, then sends one snapshot", async () => {
    const perExample = { learningRate: 0.5, batchSize: 1 }; // the seed's steps: 4 a epoch
    const { session, room, store } = setup(perExample);
    await session.control({ action: "fastForward", epochs: 50 });
    expect(steps(room)).toEqual([]);
    expect(session.step).toBe(200);
    expect(store.step).toBe(200);
    const snap = room.of("session:snapshot").at(-1)!;
    expect(snap.history.length).toBe(50);
    expect(snap.params).toEqual(Array.from(reference(perExample, 200)));
    expect(store.checkpoints.has(200)).toBe(true);
  });

  it("[R11] end makes the session finished and read-only", async () => {
    const { session } = setup();
    await session.control({ action: "end" });
    expect(session.state).toBe("finished");
    await expect(session.control({ action: "step", count: 1 })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("[R12] stepping while playing is refused with a clear message and changes nothing", async () => {
    const { session } = setup();
    await session.control({ action: "play", stepsPerSecond: 5 });
    await expect(session.control({ action: "step", count: 1 } as Control)).rejects.toThrow(/pause it before stepping/);
    await expect(session.control({ action: "phase" })).rejects.toThrow(/pause it/);
    await session.control({ action: "pause" });
  });

  it("[R2] from 10 steps/s play stores two steps per transaction and still releases one step per tick", async () => {
    for (const [stepsPerSecond, batch] of [[20, 2], [10, 2], [5, 1]] as const) {
      const { session, room, store, clock } = setup();
      await session.control({ action: "play", stepsPerSecond });
      const released: number[] = [];
      for (let t = 0; t < 2000; t += 1000 / stepsPerSecond) {
        await clock.advance(1000 / stepsPerSecond);
        released.push(steps(room).length);
      }
      await session.control({ action: "pause" });
      // one new step per tick, never two and never none, once the first batch is stored
      const perTick = released.slice(2).map((n, i) => n - released[i + 1]);
      expect(new Set(perTick), `${stepsPerSecond} steps/s`).toEqual(new Set([1]));
      // the first write fills the lookahead; every later one carries `batch` steps
      const rows = store.rowsPerStepsOp;
      expect(rows.length).toBeGreaterThan(5);
      expect(rows.slice(1, -1).every((n) => n === batch), `${stepsPerSecond} steps/s: ${rows.join(",")}`).toBe(true);
      const all = steps(room).map((s) => s.step);
      expect(all).toEqual(Array.from({ length: all.length }, (_, k) => k + 1));
    }
  });

  it("[R2] while playing, the next steps are computed and written half a tick after a release, not with it", async () => {
    const { session, room, store, clock } = setup();
    await session.control({ action: "play", stepsPerSecond: 20 }); // a tick every 50 ms from now
    const writesAt: number[] = [];
    const releasesAt: number[] = [];
    for (let t = 12.5; t <= 2000; t += 12.5) {
      const [writes, releases] = [store.rowsPerStepsOp.length, steps(room).length];
      await clock.advance(12.5);
      if (store.rowsPerStepsOp.length > writes) writesAt.push(t % 50);
      if (steps(room).length > releases) releasesAt.push(t % 50);
    }
    await session.control({ action: "pause" });
    expect(releasesAt.length).toBeGreaterThan(30);
    expect(new Set(releasesAt)).toEqual(new Set([0])); // releases on the tick
    expect(writesAt.length).toBeGreaterThan(15);
    expect(new Set(writesAt)).toEqual(new Set([25])); // writes half a tick later
  });

  it("[R2] the refill comes halfway to the next tick from when the tick was due, however long the broadcast took", async () => {
    const { session, room, store, clock } = setup();
    const broadcast = room.broadcast;
    // Every step frame takes 20 ms to write (a big room): the refill must not slide towards the next tick.
    room.broadcast = (event, ...args) => {
      broadcast(event, ...args);
      if (event === "session:step") clock.spend(20);
    };
    const start = clock.now();
    await session.control({ action: "play", stepsPerSecond: 20 }); // ticks due at start + 50 k
    const writesAt: number[] = [];
    while (clock.now() - start < 1000) {
      const before = store.rowsPerStepsOp.length;
      await clock.advance(2.5);
      if (store.rowsPerStepsOp.length > before) writesAt.push((clock.now() - start) % 50);
    }
    await session.control({ action: "pause" });
    expect(steps(room).length).toBeGreaterThan(15);
    expect(writesAt.length).toBeGreaterThan(8);
    expect(new Set(writesAt)).toEqual(new Set([25]));
  });
});

describe("LiveSession teaching state", () => {
  it("[T1] the teaching layer's part reaches snapshots only through the view hook; the preset note changes only with preset and data controls", async () => {
    const { session, room } = setup();
    expect(session.snapshot("student").teaching).toEqual({ preset: null, origin: null, templateId: null, poll: null });
    session.teaching.view = () => ({ poll: null, focus: "curve" });
    expect(session.snapshot("student").teaching).toMatchObject({ poll: null, focus: "curve" });
    await session.control({ action: "preset", presetId: "sign-slip" });
    expect(session.teaching.preset?.id).toBe("sign-slip");
    expect(room.of("session:snapshot").at(-1)!.teaching).toMatchObject({ preset: { id: "sign-slip" }, focus: "curve" });
    await session.control({ action: "reset", seed: 7 }); // reset keeps the note (T1)
    expect(session.snapshot("student").teaching?.preset?.id).toBe("sign-slip");
    await session.control({ action: "data", points: [{ x: [0, 0], y: [0] }, { x: [1, 1], y: [1] }] });
    expect(session.snapshot("student").teaching?.preset).toBeNull();
  });
});

describe("LiveSession without an instructor", () => {
  it("[R19] a playing session with no instructor connected pauses by itself after the away delay", async () => {
    const { session, room, clock } = setup();
    session.participants.join("t", "instructor", "T");
    session.participants.join("s", "student", "S");
    session.participantsChanged();
    await session.control({ action: "play", stepsPerSecond: 1 });
    await clock.advance(INSTRUCTOR_AWAY_MS + 1000);
    expect(session.state).toBe("playing"); // the instructor is still there
    session.participants.leave("t");
    session.participantsChanged();
    await clock.advance(INSTRUCTOR_AWAY_MS - 1000);
    expect(session.state).toBe("playing");
    await clock.advance(2000);
    expect(session.state).toBe("paused");
    expect(room.of("session:state").at(-1)!.reason).toMatch(/no instructor/);
  });
});
