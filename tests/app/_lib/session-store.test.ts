import { describe, expect, it } from "vitest";
import { Trainer, type EngineConfig } from "@/lib/engine";
import type { SessionSnapshot, StepInfo } from "@/lib/protocol";
import { parseEngineConfig } from "@/lib/schemas";
import { SessionStore } from "@/app/_lib/session-store";

const nextFrame = () => new Promise((resolve) => setTimeout(resolve, 25));

function snapshotOf(config: EngineConfig, t: Trainer, extra: Partial<SessionSnapshot> = {}): SessionSnapshot {
  return {
    protocol: 1, sessionId: "s1", joinCode: "ABC234", title: "t", role: "student", config, state: "paused", stepsPerSecond: 10,
    hyper: t.hyper, hyperSince: 0, hypers: [{ since: 0, hyper: t.hyper }], step: t.step, epoch: t.epoch, cursor: t.cursor, params: Array.from(t.theta), previous: null,
    phase: null, divergedAt: null, reason: null, history: [], participants: 1, ...extra,
  };
}

/** Runs one step on the "server" trainer and returns its frame. */
function serverStep(t: Trainer): StepInfo {
  const cursor = t.cursor;
  const batch = t.nextBatchSize();
  t.stepOnce();
  return { step: t.step, epoch: t.epoch, cursor, batch, sentAt: 0, loss: t.lastLoss, trainLoss: null, trainAccuracy: null, testLoss: null, testAccuracy: null, params: Array.from(t.theta) };
}

describe("session store", () => {
  const config = parseEngineConfig({ learningRate: 0.5, batchSize: 1, params: { weights: [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6]]], biases: [[0.1, 0.1], [0.2]] } });

  it("recomputes each received step's trace locally, bit for bit equal to the broadcast θ", async () => {
    const server = new Trainer(config);
    const store = new SessionStore();
    store.applySnapshot(snapshotOf(config, server));
    for (let k = 0; k < 9; k++) expect(store.applyFrame(serverStep(server))).toBe("applied");
    await nextFrame();
    const focus = store.focus();
    expect(focus.kind).toBe("live");
    expect(focus.step).toBe(9);
    expect(focus.mismatch).toBe(false);
    expect(focus.trace!.after).toEqual(Array.from(server.theta));
    expect(store.history.length).toBe(9);
  });

  it("reports a gap in step numbers instead of applying it, and ignores replays", () => {
    const server = new Trainer(config);
    const store = new SessionStore();
    store.applySnapshot(snapshotOf(config, server));
    const first = serverStep(server);
    serverStep(server);
    const third = serverStep(server);
    expect(store.applyFrame(first)).toBe("applied");
    expect(store.applyFrame(third)).toBe("gap");
    expect(store.applyFrame(first)).toBe("stale");
    expect(store.lastStep()).toBe(1);
  });

  it("keeps earlier steps for exploring and shows any of them", async () => {
    const server = new Trainer(config);
    const store = new SessionStore();
    store.applySnapshot(snapshotOf(config, server));
    const thetas: number[][] = [];
    for (let k = 0; k < 20; k++) {
      store.applyFrame(serverStep(server));
      thetas.push(Array.from(server.theta));
    }
    store.setViewStep(5);
    await nextFrame();
    const focus = store.focus();
    expect(focus.kind).toBe("explore");
    expect(focus.params).toEqual(thetas[4]);
    expect(focus.trace!.after).toEqual(thetas[4]);
    expect(store.getView().held).toEqual({ oldest: 1, newest: 20, count: 20 });
  });

  it("stamps steps with the hyperparameters in force when they were made (hyperSince)", async () => {
    const server = new Trainer(config);
    const store = new SessionStore();
    store.applySnapshot(snapshotOf(config, server));
    const f1 = serverStep(server);
    // The server changed η after step 2 and says so before step 2's frame arrives.
    const f2 = serverStep(server);
    server.setHyper({ learningRate: 2 });
    const f3 = serverStep(server);
    store.applyFrame(f1);
    store.applyState({ state: "playing", step: 2, stepsPerSecond: 10, hyper: server.hyper, hyperSince: 2, divergedAt: null, reason: null });
    store.applyFrame(f2);
    store.applyFrame(f3);
    store.setViewStep(2);
    await nextFrame();
    expect(store.focus().mismatch).toBe(false);
    expect(store.focus().trace!.learningRate).toBe(0.5);
    store.setViewStep(null);
    await nextFrame();
    expect(store.focus().trace!.learningRate).toBe(2);
    expect(store.focus().mismatch).toBe(false);
  });

  it("[W1] takes a snapshot's step's hyperparameters from previous.hyper, with no inference from θ", async () => {
    const server = new Trainer(config);
    for (let k = 0; k < 3; k++) serverStep(server);
    const before = Array.from(server.theta);
    const cursor = server.cursor;
    const hyper = { ...server.hyper, regularization: { ...server.hyper.regularization } };
    const made = serverStep(server);
    server.setHyper({ learningRate: 0.1 });
    const store = new SessionStore();
    store.applySnapshot(snapshotOf(config, server, { hyperSince: 4, hypers: [{ since: 4, hyper: server.hyper }], previous: { params: before, cursor, batch: made.batch, hyper } }));
    await nextFrame();
    const focus = store.focus();
    expect(focus.kind).toBe("live");
    expect(focus.mismatch).toBe(false);
    expect(focus.trace!.learningRate).toBe(0.5);
    expect(focus.trace!.after).toEqual(made.params);
  });

  it("[W1] follows the snapshot's hypers for frames computed before a change it already announced", async () => {
    const server = new Trainer(config);
    serverStep(server);
    const first = { ...server.hyper, regularization: { ...server.hyper.regularization } };
    // Logged at step 3 while steps 2 and 3 were computed but not broadcast: they still use η = 0.5.
    const f2 = serverStep(server);
    const f3 = serverStep(server);
    server.setHyper({ learningRate: 2 });
    const f4 = serverStep(server);
    const store = new SessionStore();
    const t1 = new Trainer(config);
    t1.run(1);
    store.applySnapshot(snapshotOf(config, server, { step: 1, epoch: t1.epoch, cursor: t1.cursor, params: Array.from(t1.theta), hyper: server.hyper, hyperSince: 3, hypers: [{ since: 0, hyper: first }, { since: 3, hyper: server.hyper }], previous: null }));
    for (const f of [f2, f3, f4]) expect(store.applyFrame(f)).toBe("applied");
    for (const [step, lr] of [[3, 0.5], [4, 2]] as const) {
      store.setViewStep(step);
      await nextFrame();
      expect(store.focus().mismatch).toBe(false);
      expect(store.focus().trace!.learningRate).toBe(lr);
    }
  });

  it("previews the first step before it is made, and walks a pending phase", async () => {
    const server = new Trainer(config);
    const store = new SessionStore();
    store.applySnapshot(snapshotOf(config, server));
    await nextFrame();
    expect(store.focus().kind).toBe("preview");
    const probe = new Trainer(config);
    const expected = probe.stepTraced();
    expect(store.focus().trace!.grad).toEqual(expected.grad);
    store.applyPhase({ step: 1, phase: "backward", params: Array.from(server.theta), cursor: 0, batch: 1 });
    await nextFrame();
    expect(store.focus().kind).toBe("pending");
    expect(store.focus().phase).toBe("backward");
    expect(store.focus().trace!.grad).toEqual(expected.grad);
  });

  it("starts over on a reset snapshot (step back to 0)", () => {
    const server = new Trainer(config);
    const store = new SessionStore();
    store.applySnapshot(snapshotOf(config, server));
    for (let k = 0; k < 5; k++) store.applyFrame(serverStep(server));
    const fresh = new Trainer(config);
    store.applySnapshot(snapshotOf(config, fresh));
    expect(store.history.length).toBe(0);
    expect(store.lastStep()).toBe(0);
    expect(store.applyFrame(serverStep(fresh))).toBe("applied");
  });
});

describe("session store: teaching state (polls, presets, forks)", () => {
  const config = parseEngineConfig({});
  const poll = { id: "00000000-0000-4000-8000-000000000001", kind: "param-direction" as const, param: "wo1", question: "Which way will wo1 move?", answers: ["up", "down", "stay"] as const, step: 1, openedAt: "2026-01-01T00:00:00Z", round: 1 };
  const teaching = { preset: null, origin: null, templateId: null, poll: null };

  function joined(extra: Partial<SessionSnapshot> = {}): SessionStore {
    const store = new SessionStore();
    store.applySnapshot(snapshotOf(config, new Trainer(config), { teaching, ...extra }));
    return store;
  }

  it("[Q9] a late joiner's snapshot brings the open poll and the student's own vote", async () => {
    const store = joined({ teaching: { ...teaching, poll, myVote: "down" } });
    await nextFrame();
    expect(store.getView().teaching.poll?.id).toBe(poll.id);
    expect(store.getView().teaching.myVote).toBe("down");
  });

  it("[Q3] a room-wide snapshot without myVote keeps this browser's vote for the same poll", async () => {
    const store = joined();
    store.applyPollOpened(poll);
    store.setMyVote(poll.id, "up");
    store.applySnapshot(snapshotOf(config, new Trainer(config), { teaching: { ...teaching, poll } }));
    await nextFrame();
    expect(store.getView().teaching.myVote).toBe("up");
  });

  it("[Q5] takes the tally of the open poll only, and [Q7] keeps the vote next to the result", async () => {
    const store = joined();
    store.applyPollOpened(poll);
    store.applyPollTally({ pollId: "00000000-0000-4000-8000-000000000009", counts: { up: 9, down: 0, stay: 0 }, votes: 9, students: 9, round: 1 });
    await nextFrame();
    expect(store.getView().teaching.tally).toBeNull();
    store.applyPollTally({ pollId: poll.id, counts: { up: 1, down: 2, stay: 0 }, votes: 3, students: 4, round: 1 });
    store.setMyVote(poll.id, "down");
    store.applyPollResult({ pollId: poll.id, kind: "param-direction", param: "wo1", step: 1, correct: "down", before: 0.5, after: 0.49, counts: { up: 1, down: 2, stay: 0 }, votes: 3, explanation: "" });
    await nextFrame();
    const t = store.getView().teaching;
    expect(t.poll).toBeNull();
    expect(t.result?.correct).toBe("down");
    expect(t.resultVote).toBe("down");
    store.applyPollOpened({ ...poll, id: "00000000-0000-4000-8000-000000000002" });
    await nextFrame();
    expect(store.getView().teaching.result).toBeNull();
    expect(store.getView().teaching.myVote).toBeNull();
  });

  it("a cancelled poll disappears; a preset and a fork origin come with the snapshot", async () => {
    const store = joined();
    store.applyPollOpened(poll);
    store.applyPollClosed({ pollId: poll.id, reason: "cancelled by the instructor" });
    await nextFrame();
    expect(store.getView().teaching.poll).toBeNull();
    const preset = { id: "sign-slip" as const, title: "t", explanation: "e", watch: "w" };
    store.applySnapshot(snapshotOf(config, new Trainer(config), { teaching: { ...teaching, preset, origin: { sessionId: "p", step: 7 } } }));
    await nextFrame();
    expect(store.getView().teaching.preset?.id).toBe("sign-slip");
    expect(store.getView().teaching.origin).toEqual({ sessionId: "p", step: 7 });
  });
  it("[Q11] the same poll opened again is its second round: the vote is free again and the round-1 vote is kept aside", async () => {
    const store = joined();
    store.applyPollOpened(poll);
    store.setMyVote(poll.id, "up");
    store.applyPollOpened({ ...poll, round: 2 });
    await nextFrame();
    expect(store.getView().teaching.myVote).toBeNull();
    expect(store.getView().teaching.firstVote).toBe("up");
    store.setMyVote(poll.id, "down");
    // A resync in round 2 keeps both; a new poll forgets the round-1 vote.
    store.applySnapshot(snapshotOf(config, new Trainer(config), { teaching: { ...teaching, poll: { ...poll, round: 2 }, myVote: "down" } }));
    await nextFrame();
    expect([store.getView().teaching.firstVote, store.getView().teaching.myVote]).toEqual(["up", "down"]);
    store.applyPollOpened({ ...poll, id: "00000000-0000-4000-8000-000000000003" });
    await nextFrame();
    expect(store.getView().teaching.firstVote).toBeNull();
  });

  it("[H4] knows who drives and whether it is this browser", async () => {
    const store = joined({ teaching: { ...teaching, controls: { driver: null }, driverId: "0123456789abcdef" } });
    await nextFrame();
    expect(store.getView().teaching.controls.driver).toBeNull();
    const driver = { id: "0123456789abcdef", name: "Ada", kind: "student" as const, since: "2026-01-01T00:00:00Z" };
    store.applyControls({ driver });
    await nextFrame();
    expect(store.getView().teaching.controls.driver).toEqual(driver);
    expect(store.getView().teaching.driverId).toBe(driver.id);
    // A room-wide snapshot (no driverId) keeps this browser's id.
    store.applySnapshot(snapshotOf(config, new Trainer(config), { teaching: { ...teaching, controls: { driver: null } } }));
    await nextFrame();
    expect(store.getView().teaching.driverId).toBe(driver.id);
    expect(store.getView().teaching.controls.driver).toBeNull();
  });
});
