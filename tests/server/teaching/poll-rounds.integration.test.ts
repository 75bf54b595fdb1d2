import { expect, it } from "vitest";
import type { PollResult, PollTally, PollView } from "@/lib/protocol";
import { createSession, join, request, waitFor } from "../helpers/live-server";
import { describeTopologies, nodeClients } from "../helpers/topologies";
import { issuedToken } from "../helpers/tokens";

const TOKENS = ["round-ada", "round-bo", "round-cy", "round-di"].map((n) => issuedToken(n));

describeTopologies("poll rounds (peer instruction)", (nodes) => {
  const client = nodeClients(nodes);

  /** A session run by node A, its instructor on node B, four students spread over both nodes, and an open wo1 poll. */
  async function classroom() {
    const s = await createSession(nodes().a.url);
    const teacher = await client("b");
    await join(teacher, { joinCode: s.joinCode, name: "Teacher", instructorKey: s.instructorKey });
    const students = [];
    for (const [k, name] of ["Ada", "Bo", "Cy", "Di"].entries()) {
      const c = await client(k % 2 === 0 ? "a" : "b");
      await join(c, { joinCode: s.joinCode, name, participantToken: TOKENS[k] });
      students.push(c);
    }
    await request(teacher, "session:control", { action: "step", count: 2 });
    const opened = await request<PollView>(teacher, "poll:open", { kind: "param-direction", param: "wo1" });
    if (!opened.ok) throw new Error(opened.error.message);
    return { s, teacher, students, poll: opened.data };
  }

  it("[Q11] only the instructor asks again, once, on the open poll; students vote again; [Q12] the instructor's tally shows round 1 and the moves; [Q13] the result has both rounds", async () => {
    const { s, teacher, students, poll } = await classroom();
    const [ada, bo, cy, di] = students;
    expect(poll.round).toBe(1);
    await request(ada, "poll:vote", { pollId: poll.id, answer: "up" });
    await request(bo, "poll:vote", { pollId: poll.id, answer: "up" });
    await request(cy, "poll:vote", { pollId: poll.id, answer: "down" });

    expect(await request(ada, "poll:again", { pollId: poll.id })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(await request(teacher, "poll:again", { pollId: "not-a-uuid" })).toMatchObject({ ok: false, error: { code: "BAD_REQUEST", message: expect.stringMatching(/pollId: must be a poll id/) } });
    expect(await request(teacher, "poll:again", { pollId: "00000000-0000-4000-8000-000000000000" })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });

    const reopened: PollView[] = [];
    di.on("poll:opened", (p) => reopened.push(p));
    const tallies: PollTally[] = [];
    teacher.on("poll:tally", (t) => tallies.push(t));
    const studentTallies: PollTally[] = [];
    ada.on("poll:tally", (t) => studentTallies.push(t));
    const again = await request<PollView>(teacher, "poll:again", { pollId: poll.id });
    expect(again).toEqual({ ok: true, data: { ...poll, round: 2 } });
    expect(await request(teacher, "poll:again", { pollId: poll.id })).toMatchObject({ ok: false, error: { code: "CONFLICT", message: expect.stringMatching(/already in its second round/) } });
    await waitFor(() => reopened.length === 1, 5000, "poll:opened round 2");
    expect(reopened[0]).toMatchObject({ id: poll.id, round: 2 });

    // The same identity rules as round 1: instructors and read-only viewers cannot vote.
    expect(await request(teacher, "poll:vote", { pollId: poll.id, answer: "up" })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    const viewer = await client("a");
    await join(viewer, { sessionId: s.id, name: "Viewer" });
    expect(await request(viewer, "poll:vote", { pollId: poll.id, answer: "up" })).toMatchObject({ ok: false, error: { code: "FORBIDDEN", message: "join a session first" } });
    // Round 2: everyone may vote once more, whatever they did in round 1 (one vote per token per round).
    expect(await request(ada, "poll:vote", { pollId: poll.id, answer: "down" })).toEqual({ ok: true, data: { pollId: poll.id, answer: "down" } });
    expect(await request(ada, "poll:vote", { pollId: poll.id, answer: "up" })).toMatchObject({ ok: false, error: { code: "CONFLICT", message: expect.stringMatching(/second round/) } });
    // Ada again on another socket with the same token: still refused, and her round-2 vote is in her snapshot.
    const ada2 = await client("b");
    const snap = await join(ada2, { joinCode: s.joinCode, name: "Ada", participantToken: TOKENS[0] });
    expect(snap.teaching?.poll).toMatchObject({ id: poll.id, round: 2 });
    expect(snap.teaching?.myVote).toBe("down");
    expect(await request(ada2, "poll:vote", { pollId: poll.id, answer: "stay" })).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
    await request(bo, "poll:vote", { pollId: poll.id, answer: "up" });
    await request(cy, "poll:vote", { pollId: poll.id, answer: "down" });
    await request(di, "poll:vote", { pollId: poll.id, answer: "stay" });

    await waitFor(() => tallies.some((t) => t.round === 2 && t.votes === 4), 5000, "round-2 tally of 4");
    expect(tallies.at(-1)).toEqual({
      pollId: poll.id,
      round: 2,
      counts: { up: 1, down: 2, stay: 1 },
      votes: 4,
      students: 5,
      first: { counts: { up: 2, down: 1, stay: 0 }, votes: 3 },
      moves: [
        { from: "up", to: "up", count: 1 },
        { from: "down", to: "down", count: 1 },
        { from: "up", to: "down", count: 1 },
        { from: null, to: "stay", count: 1 },
      ],
    });
    expect(studentTallies).toEqual([]); // students see no numbers before the reveal (Q5)

    const results: PollResult[] = [];
    di.on("poll:result", (r) => results.push(r));
    const revealed = await request<PollResult>(teacher, "poll:reveal", { pollId: poll.id });
    if (!revealed.ok) throw new Error(revealed.error.message);
    expect(revealed.data).toMatchObject({ counts: { up: 1, down: 2, stay: 1 }, votes: 4, rounds: [{ votes: 3 }, { votes: 4 }] });
    expect(revealed.data.moves).toEqual(tallies.at(-1)!.moves);
    await waitFor(() => results.length === 1, 5000, "poll:result");
    expect(results[0]).toEqual(revealed.data);

    // Stored (Q8): both rounds' counts and the moves for everyone; names and rounds of ballots only with the key.
    const open = await (await fetch(`${nodes().b.url}/api/sessions/${s.id}/polls`)).json();
    expect(open.polls[0]).toMatchObject({ id: poll.id, round: 2, votes: 4, rounds: revealed.data.rounds, moves: revealed.data.moves });
    expect(open.polls[0].ballots).toBeUndefined();
    const keyed = await (await fetch(`${nodes().b.url}/api/sessions/${s.id}/polls`, { headers: { authorization: `Bearer ${s.instructorKey}` } })).json();
    expect(keyed.polls[0].ballots.map((b: { name: string; round: number; answer: string }) => `${b.round}:${b.name}:${b.answer}`).sort()).toEqual(["1:Ada:up", "1:Bo:up", "1:Cy:down", "2:Ada:down", "2:Bo:up", "2:Cy:down", "2:Di:stay"]);
  });

  it("[Q11] no second round once revealed or cancelled; a cancelled round-2 poll keeps nothing open", async () => {
    const { teacher, students, poll } = await classroom();
    expect(await request(teacher, "poll:again", { pollId: poll.id })).toMatchObject({ ok: true });
    expect(await request(teacher, "poll:cancel", { pollId: poll.id })).toEqual({ ok: true, data: { pollId: poll.id } });
    expect(await request(teacher, "poll:again", { pollId: poll.id })).toMatchObject({ ok: false, error: { code: "CONFLICT", message: "this poll is closed" } });
    expect(await request(students[0], "poll:vote", { pollId: poll.id, answer: "up" })).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
    const next = await request<PollView>(teacher, "poll:open", { kind: "loss-direction" });
    if (!next.ok) throw new Error(next.error.message);
    expect(next.data.round).toBe(1);
    expect(await request(teacher, "poll:reveal", { pollId: next.data.id })).toMatchObject({ ok: true });
    expect(await request(teacher, "poll:again", { pollId: next.data.id })).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
  });
});
