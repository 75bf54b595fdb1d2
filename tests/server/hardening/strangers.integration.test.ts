import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ForkCreated, PollView, SessionSnapshot } from "@/lib/protocol";
import { collectFrames, connectClient, createSession, join, request, startTestServer, waitFor, type Client, type TestServer } from "../helpers/live-server";
import { issuedToken } from "../helpers/tokens";

/** Issue 13: live sessions are not discoverable, identities are server-issued, budgets are atomic. */
describe("strangers, tokens and forks (issue 13)", { timeout: 120_000 }, () => {
  let server: TestServer;
  const clients: Client[] = [];
  beforeAll(async () => {
    server = await startTestServer("pglite", { FORK_LIMIT_PER_IP: "10", FORK_LIMIT_PER_PARTICIPANT: "3", CONTROLS_PER_SECOND: "100" });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.close();
  });
  async function client(): Promise<Client> {
    const c = await connectClient(server.url);
    clients.push(c);
    return c;
  }
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}${path}`, { headers });
    return `${res.status} ${await res.text()}`;
  };

  it("a stranger knowing only its own session obtains no other session's join code, id or voter names through any route or event", async () => {
    // A lecture (XOR, the default dataset) with a poll a student voted in, and a student's fork of it.
    const lecture = await createSession(server.url, { title: "Lecture" });
    const teacher = await client();
    await join(teacher, { joinCode: lecture.joinCode, name: "Teacher", instructorKey: lecture.instructorKey });
    await request(teacher, "session:control", { action: "step", count: 5 });
    const student = await client();
    await join(student, { joinCode: lecture.joinCode, name: "Zelda Voter" });
    const poll = await request<PollView>(teacher, "poll:open", { kind: "loss-direction" });
    expect(await request(student, "poll:vote", { pollId: poll.ok ? poll.data.id : "", answer: "up" })).toMatchObject({ ok: true });
    await request(teacher, "poll:reveal", { pollId: poll.ok ? poll.data.id : "" });
    const fork = await request<ForkCreated>(student, "session:fork", {});
    expect(fork.ok).toBe(true);
    const secrets = [lecture.id, lecture.joinCode, "Zelda Voter", fork.ok ? fork.data.sessionId : "x", fork.ok ? fork.data.joinCode : "x"];

    // The stranger: its own session on the same dataset, its own socket.
    const own = await createSession(server.url, { title: "Mine" });
    const seen: string[] = [];
    const stranger = await client();
    stranger.onAny((event, ...args) => seen.push(`${event} ${JSON.stringify(args)}`));
    seen.push(JSON.stringify(await join(stranger, { joinCode: own.joinCode, name: "Mallory", instructorKey: own.instructorKey })));
    await request(stranger, "session:control", { action: "step", count: 3 });
    for (const [event, payload] of [
      ["session:resync", {}], ["session:trace", { step: 2 }], ["session:fork", {}], ["poll:open", { kind: "loss-direction" }],
      ["session:join", { joinCode: own.joinCode, name: "Mallory" }], ["session:list", {}], ["session:join", { sessionId: own.id, name: "M" }],
    ] as const) {
      seen.push(JSON.stringify(await request(stranger, event as never, payload)));
    }
    const auth = { authorization: `Bearer ${own.instructorKey}` };
    for (const path of ["", "/comparable", "/curve", "/notes", "/polls", "/steps", "/export", "/export?format=csv"]) {
      seen.push(await get(`/api/sessions/${own.id}${path}`), await get(`/api/sessions/${own.id}${path}`, auth));
    }
    seen.push(await get("/api/presets"), await get("/api/templates"), await get("/api/sessions"));
    const everything = seen.join("\n");
    for (const secret of secrets) expect(everything).not.toContain(secret);
    expect(everything).toContain(own.id); // (the scan does see the stranger's own session)
  });

  it("knowing a session's id gives neither its join code nor its voters' names, and joining by id is a read-only view outside the live room", async () => {
    const s = await createSession(server.url);
    const teacher = await client();
    await join(teacher, { joinCode: s.joinCode, name: "Teacher", instructorKey: s.instructorKey });
    const student = await client();
    await join(student, { joinCode: s.joinCode, name: "Quinn" });
    const poll = await request<PollView>(teacher, "poll:open", { kind: "loss-direction" });
    await request(student, "poll:vote", { pollId: poll.ok ? poll.data.id : "", answer: "down" });

    const summary = await (await fetch(`${server.url}/api/sessions/${s.id}`)).json();
    expect(summary.joinCode).toBeNull();
    expect((await (await fetch(`${server.url}/api/sessions/${s.id}`, { headers: { authorization: `Bearer ${s.instructorKey}` } })).json()).joinCode).toBe(s.joinCode);
    const polls = await (await fetch(`${server.url}/api/sessions/${s.id}/polls`)).json();
    expect(polls.polls[0].votes).toBe(1);
    expect(JSON.stringify(polls)).not.toContain("Quinn");
    const mine = await (await fetch(`${server.url}/api/sessions/${s.id}/polls`, { headers: { authorization: `Bearer ${s.instructorKey}` } })).json();
    expect(mine.polls[0].ballots).toEqual([expect.objectContaining({ name: "Quinn", answer: "down" })]);

    const viewer = await client();
    const frames = collectFrames(viewer);
    const view = await join(viewer, { sessionId: s.id, name: "Viewer" });
    expect(view).toMatchObject({ sessionId: s.id, joinCode: "", participants: 0 });
    expect(view.teaching?.poll).toBeNull();
    expect(server.live.registry.loaded(s.id)!.participants.size).toBe(2); // the viewer is not in the room
    expect(await request(viewer, "poll:vote", { pollId: poll.ok ? poll.data.id : "", answer: "up" })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(await request(viewer, "session:fork", {})).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(await join(viewer, { sessionId: s.id, name: "V", instructorKey: s.instructorKey }).catch((e: Error) => e.message)).toMatch(/BAD_REQUEST instructorKey: a session is controlled through its joinCode/);
    await request(teacher, "poll:cancel", { pollId: poll.ok ? poll.data.id : "" });
    const studentFrames = collectFrames(student);
    await request(teacher, "session:control", { action: "step", count: 3 });
    await waitFor(() => studentFrames.length === 3, 10_000, "the student's frames");
    expect(frames).toEqual([]);
  });

  it("[Q3] tokens are issued by the server: a made-up token is refused; one student with many tokens gets one vote", async () => {
    const s = await createSession(server.url);
    const teacher = await client();
    await join(teacher, { joinCode: s.joinCode, name: "Teacher", instructorKey: s.instructorKey });
    const cheat = await client();
    for (let k = 0; k < 15; k++) {
      const made = await request(cheat, "session:join", { joinCode: s.joinCode, name: "Cheat", participantToken: `made-up-token-${String(k).padStart(8, "0")}` });
      expect(made).toMatchObject({ ok: false, error: { code: "UNAUTHORIZED" } });
    }
    const first = await join(cheat, { joinCode: s.joinCode, name: "Cheat" });
    const token = first.teaching!.participantToken!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{44}$/);
    const poll = await request<PollView>(teacher, "poll:open", { kind: "loss-direction" });
    const pollId = poll.ok ? poll.data.id : "";
    expect(await request(cheat, "poll:vote", { pollId, answer: "up" })).toMatchObject({ ok: true });
    // The same connection rejoining, with no token or with other valid tokens, stays the same voter.
    for (let k = 0; k < 15; k++) {
      const again = await join(cheat, { joinCode: s.joinCode, name: `Cheat ${k}`, ...(k % 2 === 0 ? { participantToken: issuedToken(`cheat-${k}`) } : {}) });
      expect(again.teaching?.participantToken).toBe(token);
      expect(await request(cheat, "poll:vote", { pollId, answer: "up" })).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
    }
    const revealed = await request<{ votes: number }>(teacher, "poll:reveal", { pollId });
    await waitFor(() => true);
    const polls = await (await fetch(`${server.url}/api/sessions/${s.id}/polls`, { headers: { authorization: `Bearer ${s.instructorKey}` } })).json();
    expect(polls.polls[0].votes).toBe(1);
    expect(revealed.ok).toBe(true);
  });

  it("[F3] 30 concurrent forks from one address: exactly FORK_LIMIT_PER_IP (10) succeed", async () => {
    const s = await createSession(server.url);
    // Forks the earlier tests made from this address hold slots too.
    const held = await server.db.prisma.session.count({ where: { parentId: { not: null }, state: { not: "finished" } } });
    const students = await Promise.all(Array.from({ length: 30 }, () => client()));
    await Promise.all(students.map((c, k) => join(c, { joinCode: s.joinCode, name: `S${k}` })));
    const answers = await Promise.all(students.map((c) => request<ForkCreated>(c, "session:fork", {})));
    expect(answers.filter((a) => a.ok)).toHaveLength(10 - held);
    for (const a of answers.filter((x) => !x.ok)) expect(a).toMatchObject({ ok: false, error: { code: "LIMIT_REACHED" } });
    expect(await server.db.prisma.session.count({ where: { parentId: s.id } })).toBe(10 - held);
    expect(held).toBeLessThan(5);
  });
});
