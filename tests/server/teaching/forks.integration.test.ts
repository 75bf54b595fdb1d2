import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ForkCreated, SessionSnapshot } from "@/lib/protocol";
import { connectClient, createSession, join, request, startTestServer, type TestServer } from "../helpers/live-server";
import { describeTopologies, nodeClients } from "../helpers/topologies";
import { issuedToken } from "../helpers/tokens";

const TOKEN = issuedToken("forking-student");

describeTopologies(
  "sandbox forks",
  (nodes) => {
    /** A client of node A or B (sessions are created on A; the same node in a single process). */
    const client = nodeClients(nodes);
    const server = { get url() { return nodes().a.url; } };

    it("[F1][F2][C11] a student forks the current state, controls the fork, and nothing reaches the origin", async () => {
      const s = await createSession(server.url, { learningRate: 0.3 });
      const teacher = await client();
      await join(teacher, { joinCode: s.joinCode, name: "Teacher", instructorKey: s.instructorKey });
      await request(teacher, "session:control", { action: "step", count: 5 });
      await request(teacher, "session:control", { action: "set", learningRate: 0.7 });
      const student = await client("b"); // forks from the node that does not run the origin
      const origin = await join(student, { joinCode: s.joinCode, name: "Ada", participantToken: TOKEN });
      // A student cannot control the origin.
      expect(await request(student, "session:control", { action: "step" })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });

      const forked = await request<ForkCreated>(student, "session:fork", {});
      if (!forked.ok) throw new Error(forked.error.message);
      expect(forked.data).toMatchObject({ forkedAtStep: 5, joinCode: expect.stringMatching(/^[A-Z2-9]{6}$/), instructorKey: expect.any(String) });
      expect(forked.data.sessionId).not.toBe(s.id);

      const mine = await client("b"); // and drives the fork from there
      const fork: SessionSnapshot = await join(mine, { joinCode: forked.data.joinCode, name: "Ada", instructorKey: forked.data.instructorKey, participantToken: TOKEN });
      expect(fork.role).toBe("instructor");
      expect(fork.step).toBe(0);
      expect(fork.params).toEqual(origin.params); // θ at the origin's step 5
      expect(fork.hyper.learningRate).toBe(0.7);
      expect(fork.config.dataset).toEqual(origin.config.dataset);
      expect(fork.teaching?.origin).toEqual({ sessionId: s.id, step: 5 });

      const originFrames: unknown[] = [];
      const originStates: unknown[] = [];
      teacher.on("session:step", (f) => originFrames.push(f));
      teacher.on("session:state", (e) => originStates.push(e));
      teacher.on("session:snapshot", (e) => originStates.push(e));
      expect(await request(mine, "session:control", { action: "set", learningRate: 2 })).toMatchObject({ ok: true });
      expect(await request(mine, "session:control", { action: "step", count: 10 })).toMatchObject({ ok: true, data: { step: 10 } });
      expect(await request(mine, "session:control", { action: "preset", presetId: "dead-relu" })).toMatchObject({ ok: true });
      expect(await request(mine, "session:control", { action: "end" })).toMatchObject({ ok: true });
      // The origin is untouched: same step, parameters, learning rate; it heard nothing.
      const after = await request<SessionSnapshot>(teacher, "session:resync", {});
      expect(after.ok && after.data).toMatchObject({ step: 5, params: origin.params, hyper: { learningRate: 0.7 }, state: "paused" });
      expect(after.ok && after.data.teaching?.preset).toBeNull();
      expect(originFrames).toEqual([]);
      expect(originStates).toEqual([]);

      // The fork is linked to its origin in storage, and they compare (same dataset).
      const comparable = await (await fetch(`${server.url}/api/sessions/${forked.data.sessionId}/comparable`, { headers: { authorization: `Bearer ${forked.data.instructorKey}` } })).json();
      const origRow = comparable.sessions.find((r: { id: string }) => r.id === s.id);
      expect(origRow.relation).toBe("origin");
      const fromOrigin = await (await fetch(`${server.url}/api/sessions/${s.id}/comparable`, { headers: { authorization: `Bearer ${s.instructorKey}` } })).json();
      expect(fromOrigin.sessions.find((r: { id: string }) => r.id === forked.data.sessionId)).toMatchObject({ relation: "fork", parentId: s.id, forkedAtStep: 5 });
    });

    it("[F3] at most FORK_LIMIT_PER_PARTICIPANT live forks per participant per origin, also across reconnects; ended forks free a slot", async () => {
      const s = await createSession(server.url);
      const a = await client();
      await join(a, { joinCode: s.joinCode, name: "Bo", participantToken: issuedToken("limit-token-0000000001") });
      const first = await request<ForkCreated>(a, "session:fork", { title: "Bo's try" });
      expect(first.ok).toBe(true);
      a.close();
      const again = await client();
      await join(again, { joinCode: s.joinCode, name: "Bo", participantToken: issuedToken("limit-token-0000000001") });
      expect(await request(again, "session:fork", {})).toMatchObject({ ok: true });
      const refused = await request(again, "session:fork", {});
      expect(refused).toMatchObject({ ok: false, error: { code: "LIMIT_REACHED", message: "you already have 2 live forks of this session (the limit is 2); end one first" } });
      // Someone else is not affected by Bo's forks.
      const other = await client();
      await join(other, { joinCode: s.joinCode, name: "Cy", participantToken: issuedToken("limit-token-0000000002") });
      expect(await request(other, "session:fork", {})).toMatchObject({ ok: true });
      // Ending one of Bo's forks frees a slot.
      if (!first.ok) return;
      const owner = await client();
      await join(owner, { joinCode: first.data.joinCode, name: "Bo", instructorKey: first.data.instructorKey });
      await request(owner, "session:control", { action: "end" });
      expect(await request(again, "session:fork", {})).toMatchObject({ ok: true });
      // Bad input is named.
      expect(await request(again, "session:fork", { title: "" })).toMatchObject({ ok: false, error: { code: "BAD_REQUEST", message: "title: must not be empty" } });
      expect(await request(again, "session:fork", { colour: "red" })).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
    });

    it("[F3] at most FORK_LIMIT_PER_IP live forks per IP address", async () => {
      const s = await createSession(server.url);
      // The earlier tests already hold some forks from 127.0.0.1; fill up to the limit of 5 with new participants.
      let refused: { ok: boolean; error?: { code: string; message: string } } | null = null;
      for (let k = 0; k < 6 && !refused; k++) {
        const c = await client();
        await join(c, { joinCode: s.joinCode, name: `P${k}`, participantToken: issuedToken(`ip-limit-token-0000000${k}`) });
        const r = await request(c, "session:fork", {});
        if (!r.ok) refused = r as never;
      }
      expect(refused).toMatchObject({ ok: false, error: { code: "LIMIT_REACHED", message: expect.stringMatching(/your network already has 5 live forks on this server \(the limit is 5\)/) } });
    });

    it("[F1] forking needs a joined socket, and is refused mid-walk", async () => {
      const loner = await client();
      expect(await request(loner, "session:fork", {})).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
      const s = await createSession(server.url);
      const t = await client();
      await join(t, { joinCode: s.joinCode, name: "T", instructorKey: s.instructorKey, participantToken: issuedToken("walk-token-000000000001") });
      await request(t, "session:control", { action: "phase" });
      expect(await request(t, "session:fork", {})).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
    });
  },
  { FORK_LIMIT_PER_PARTICIPANT: "2", FORK_LIMIT_PER_IP: "5" },
);

describe("[F4] idle forks are ended by the sweeper", () => {
  let server: TestServer;
  beforeAll(async () => {
    // 0.0005 h = 1.8 s idle; sweep every 0.2 s.
    server = await startTestServer("pglite", { FORK_IDLE_HOURS: "0.0005", FORK_SWEEP_SECONDS: "0.2" });
  });
  afterAll(async () => server?.close());

  it("[F4] a fork nobody uses is ended (read-only, rows kept); a fork in use is not; the origin never is", async () => {
    const s = await createSession(server.url);
    const a = await connectClient(server.url);
    await join(a, { joinCode: s.joinCode, name: "Ada", participantToken: issuedToken("sweep-token-00000000001") });
    const idle = await request<ForkCreated>(a, "session:fork", {});
    const used = await request<ForkCreated>(a, "session:fork", {});
    if (!idle.ok || !used.ok) throw new Error("fork failed");
    const user = await connectClient(server.url);
    await join(user, { joinCode: used.data.joinCode, name: "Ada", instructorKey: used.data.instructorKey });
    const state = async (id: string) => (await (await fetch(`${server.url}/api/sessions/${id}`)).json()).state as string;
    const start = Date.now();
    let idleState = "paused";
    while (idleState !== "finished" && Date.now() - start < 20_000) {
      await new Promise((r) => setTimeout(r, 200));
      idleState = await state(idle.data.sessionId);
    }
    expect(idleState).toBe("finished");
    expect(server.live.registry.loaded(idle.data.sessionId)).toBeUndefined(); // live resources freed
    expect(await state(used.data.sessionId)).toBe("paused");
    expect(await state(s.id)).toBe("paused");
    // The ended fork is still stored and replayable.
    const viewer = await connectClient(server.url);
    const replay = await join(viewer, { sessionId: idle.data.sessionId, name: "Later" });
    expect(replay.state).toBe("finished");
    for (const c of [a, user, viewer]) c.close();
  });
});
