import { expect, it } from "vitest";
import { decodeStepFrame, type PollResult, type PollTally, type PollView, type SessionSnapshot } from "@/lib/protocol";
import { createSession, join, request, waitFor } from "../helpers/live-server";
import { describeTopologies, nodeClients } from "../helpers/topologies";
import { issuedToken } from "../helpers/tokens";

const TOKEN_A = issuedToken("student-a");
const TOKEN_B = issuedToken("student-b");

describeTopologies("polls", (nodes) => {
  /** A client of node A or B (sessions are created on A; the same node in a single process). */
  const client = nodeClients(nodes);

  /** A session with an instructor and two students (A, B). */
  async function classroom(config: Record<string, unknown> = {}) {
    // Created on node A (which runs it); the instructor and student B are on node B.
    const s = await createSession(nodes().a.url, config);
    const teacher = await client("b");
    await join(teacher, { joinCode: s.joinCode, name: "Teacher", instructorKey: s.instructorKey });
    const a = await client("a");
    const snapA = await join(a, { joinCode: s.joinCode, name: "Ada", participantToken: TOKEN_A });
    const b = await client("b");
    await join(b, { joinCode: s.joinCode, name: "Bo", participantToken: TOKEN_B });
    return { s, teacher, a, b, snapA };
  }

  it("[Q1] only the instructor opens, reveals and cancels; [Q2] bad params are named", async () => {
    const { teacher, a } = await classroom();
    const denied = await request(a, "poll:open", { kind: "loss-direction" });
    expect(denied).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    const badParam = await request(teacher, "poll:open", { kind: "param-direction", param: "w99" });
    expect(badParam).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
    expect(!badParam.ok && badParam.error.message).toMatch(/param: "w99" is not a parameter of this network; for example w11/);
    const badKind = await request(teacher, "poll:open", { kind: "guess" });
    expect(!badKind.ok && badKind.error.message).toMatch(/kind must be param-direction or loss-direction/);
    const opened = await request<PollView>(teacher, "poll:open", { kind: "param-direction", param: "wo1" });
    expect(opened.ok).toBe(true);
    const id = opened.ok ? opened.data.id : "";
    expect(await request(teacher, "poll:open", { kind: "loss-direction" })).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
    expect(await request(a, "poll:reveal", { pollId: id })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(await request(a, "poll:cancel", { pollId: id })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(await request(teacher, "poll:cancel", { pollId: id })).toEqual({ ok: true, data: { pollId: id } });
  });

  it("[Q2] a poll opens only when paused between steps: not playing, not mid-walk", async () => {
    const { teacher } = await classroom();
    await request(teacher, "session:control", { action: "phase" });
    expect(await request(teacher, "poll:open", { kind: "loss-direction" })).toMatchObject({ ok: false, error: { code: "CONFLICT", message: expect.stringMatching(/phase by phase/) } });
    await request(teacher, "session:control", { action: "step" });
    await request(teacher, "session:control", { action: "play", stepsPerSecond: 5 });
    expect(await request(teacher, "poll:open", { kind: "loss-direction" })).toMatchObject({ ok: false, error: { code: "CONFLICT", message: expect.stringMatching(/playing/) } });
    await request(teacher, "session:control", { action: "pause" });
    expect(await request(teacher, "poll:open", { kind: "loss-direction" })).toMatchObject({ ok: true });
  });

  it("[Q3][Q4][Q5][Q7][Q8][C11] students vote once (also after reconnecting), the tally is right, the reveal runs one step and decides", async () => {
    const { s, teacher, a, b } = await classroom();
    await request(teacher, "session:control", { action: "step", count: 3 });
    const tallies: PollTally[] = [];
    teacher.on("poll:tally", (t) => tallies.push(t));
    const seen: PollView[] = [];
    b.on("poll:opened", (p) => seen.push(p));
    const opened = await request<PollView>(teacher, "poll:open", { kind: "param-direction", param: "wo1" });
    if (!opened.ok) throw new Error(opened.error.message);
    const poll = opened.data;
    expect(poll).toMatchObject({ kind: "param-direction", param: "wo1", answers: ["up", "down", "stay"], step: 4 });
    await waitFor(() => seen.length === 1, 5000, "poll:opened");

    // Instructors cannot vote; a bad answer is named; stay is no answer to a loss poll.
    expect(await request(teacher, "poll:vote", { pollId: poll.id, answer: "up" })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(await request(a, "poll:vote", { pollId: poll.id, answer: "sideways" })).toMatchObject({ ok: false, error: { code: "BAD_REQUEST", message: expect.stringMatching(/answer: must be up, down or stay/) } });
    expect(await request(a, "poll:vote", { pollId: "00000000-0000-4000-8000-000000000000", answer: "up" })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });

    expect(await request(a, "poll:vote", { pollId: poll.id, answer: "up" })).toEqual({ ok: true, data: { pollId: poll.id, answer: "up" } });
    expect(await request(a, "poll:vote", { pollId: poll.id, answer: "down" })).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
    // Student A reconnects on a new socket with the same token: still one vote, and the snapshot shows it.
    a.close();
    const a2 = await client("b"); // and on the other node
    const snap = await join(a2, { joinCode: s.joinCode, name: "Ada", participantToken: TOKEN_A });
    expect(snap.teaching?.poll?.id).toBe(poll.id);
    expect(snap.teaching?.myVote).toBe("up");
    expect(await request(a2, "poll:vote", { pollId: poll.id, answer: "stay" })).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
    expect(await request(b, "poll:vote", { pollId: poll.id, answer: "down" })).toMatchObject({ ok: true });
    await waitFor(() => tallies.some((t) => t.votes === 2), 5000, "tally of 2");
    expect(tallies.at(-1)).toMatchObject({ pollId: poll.id, counts: { up: 1, down: 1, stay: 0 }, votes: 2, students: 2 });

    // Controls that move the run are held while the poll is open (Q6).
    expect(await request(teacher, "session:control", { action: "step" })).toMatchObject({ ok: false, error: { code: "CONFLICT", message: expect.stringMatching(/poll is open/) } });
    expect(await request(teacher, "session:control", { action: "preset", presetId: "dead-relu" })).toMatchObject({ ok: false, error: { code: "CONFLICT" } });

    const results: PollResult[] = [];
    b.on("poll:result", (r) => results.push(r));
    const frames: number[] = [];
    b.on("session:step", (f) => frames.push(decodeStepFrame(f).step));
    const revealed = await request<PollResult>(teacher, "poll:reveal", { pollId: poll.id });
    if (!revealed.ok) throw new Error(revealed.error.message);
    const r = revealed.data;
    expect(r.step).toBe(4);
    const delta = r.after - r.before;
    const expected = Math.abs(delta) <= 1e-3 * Math.max(1, Math.abs(r.before)) ? "stay" : delta > 0 ? "up" : "down";
    expect(r.correct).toBe(expected);
    expect(r.counts).toEqual({ up: 1, down: 1, stay: 0 });
    await waitFor(() => results.length === 1 && frames.includes(4), 5000, "result and step 4");
    expect(frames).toEqual([4]); // exactly one step ran
    // The result's numbers are θ[wo1] before and after step 4 as stored.
    const trace = await request<{ before: number[]; after: number[] }>(teacher, "session:trace", { step: 4 });
    expect(trace.ok && [trace.data.before[6], trace.data.after[6]]).toEqual([r.before, r.after]);

    // Stored with the session (Q8).
    const stored = await (await fetch(`${nodes().b.url}/api/sessions/${s.id}/polls`, { headers: { authorization: `Bearer ${s.instructorKey}` } })).json();
    expect(stored.polls).toHaveLength(1);
    expect(stored.polls[0]).toMatchObject({ id: poll.id, state: "revealed", correct: expected, step: 4, votes: 2, counts: { up: 1, down: 1, stay: 0 }, before: r.before, after: r.after });
    expect(stored.polls[0].ballots.map((v: { name: string; answer: string }) => `${v.name}:${v.answer}`).sort()).toEqual(["Ada:up", "Bo:down"]);
    // A late vote on the closed poll is refused.
    expect(await request(b, "poll:vote", { pollId: poll.id, answer: "up" })).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
  });

  it("[Q7] a loss poll compares the step's batch loss before and after; the sign-slip preset's loss goes up", async () => {
    const { teacher, a } = await classroom();
    expect(await request(teacher, "session:control", { action: "preset", presetId: "sign-slip" })).toMatchObject({ ok: true });
    const opened = await request<PollView>(teacher, "poll:open", { kind: "loss-direction" });
    if (!opened.ok) throw new Error(opened.error.message);
    expect(opened.data.answers).toEqual(["up", "down"]);
    expect(await request(a, "poll:vote", { pollId: opened.data.id, answer: "stay" })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/must be one of up, down/) } });
    await request(a, "poll:vote", { pollId: opened.data.id, answer: "down" });
    const revealed = await request<PollResult>(teacher, "poll:reveal", { pollId: opened.data.id });
    expect(revealed.ok && revealed.data).toMatchObject({ correct: "up", votes: 1, counts: { up: 0, down: 1, stay: 0 } });
    expect(revealed.ok && revealed.data.after > revealed.data.before).toBe(true);
  });

  it("[Q2] a diverged session cannot be polled; [Q6] set is held while a poll is open", async () => {
    const { teacher } = await classroom();
    await request(teacher, "session:control", { action: "preset", presetId: "big-learning-rate" });
    const stepped = await request<{ state: string }>(teacher, "session:control", { action: "step", count: 300 });
    expect(stepped.ok && stepped.data.state).toBe("diverged");
    expect(await request(teacher, "poll:open", { kind: "loss-direction" })).toMatchObject({ ok: false, error: { code: "CONFLICT", message: expect.stringMatching(/diverged/) } });
    await request(teacher, "session:control", { action: "set", learningRate: 0.01 });
    expect(await request(teacher, "poll:open", { kind: "loss-direction" })).toMatchObject({ ok: true });
    expect(await request(teacher, "session:control", { action: "set", learningRate: 0.02 })).toMatchObject({ ok: false, error: { code: "CONFLICT", message: "a poll is open: reveal or cancel it before set" } });
    expect(await request(teacher, "session:control", { action: "pause" })).toMatchObject({ ok: true });
  });

  it("[Q6] end cancels an open poll, visibly", async () => {
    const { teacher, b } = await classroom();
    const closed: { pollId: string; reason: string }[] = [];
    b.on("poll:closed", (e) => closed.push(e));
    const opened = await request<PollView>(teacher, "poll:open", { kind: "loss-direction" });
    const pause = await request(teacher, "session:control", { action: "pause" });
    expect(pause.ok).toBe(true);
    expect(await request(teacher, "session:control", { action: "end" })).toMatchObject({ ok: true });
    await waitFor(() => closed.length === 1, 5000, "poll:closed");
    expect(closed[0]).toEqual({ pollId: opened.ok ? opened.data.id : "", reason: "the session ended" });
  });

  it("[Q9] a late joiner's snapshot carries the open poll, without a vote", async () => {
    const { s, teacher } = await classroom();
    const opened = await request<PollView>(teacher, "poll:open", { kind: "param-direction", param: "b1" });
    const late = await client("b");
    const snap: SessionSnapshot = await join(late, { joinCode: s.joinCode, name: "Late" });
    expect(snap.teaching?.poll).toEqual(opened.ok ? opened.data : null);
    expect(snap.teaching?.myVote).toBeNull();
    expect(snap.teaching?.participantToken).toMatch(/^[A-Za-z0-9_-]{44}$/);
  });
});
