import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectClient, createSession, join, request, startTestServer, type Client, type TestServer } from "./helpers/live-server";

describe("[R17] limits (configured low through the environment)", () => {
  let server: TestServer;
  const clients: Client[] = [];
  beforeAll(async () => {
    server = await startTestServer("pglite", { MAX_LIVE_SESSIONS: "2", MAX_SOCKETS_PER_SESSION: "2", MAX_BODY_BYTES: "2000" });
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await server.close();
  });

  it("a process refuses a session beyond its live-session limit with 503 LIMIT_REACHED, and accepts again after one ends", async () => {
    const a = await createSession(server.url);
    await createSession(server.url);
    const res = await fetch(`${server.url}/api/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(503);
    expect((await res.json()).error).toMatchObject({ code: "LIMIT_REACHED", message: expect.stringMatching(/already runs 2 live sessions/) });
    const teacher = await connectClient(server.url);
    clients.push(teacher);
    await join(teacher, { joinCode: a.joinCode, name: "T", instructorKey: a.instructorKey });
    expect(await request(teacher, "session:control", { action: "end" })).toMatchObject({ ok: true, data: { state: "finished" } });
    expect((await fetch(`${server.url}/api/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status).toBe(201);
  });

  it("a session refuses sockets beyond its limit; a leaver frees a place", async () => {
    const live = [...server.live.registry.all()].find((s) => s.state !== "finished")!;
    const c1 = await connectClient(server.url);
    const c2 = await connectClient(server.url);
    const c3 = await connectClient(server.url);
    clients.push(c1, c2, c3);
    await join(c1, { joinCode: live.joinCode, name: "one" });
    await join(c2, { joinCode: live.joinCode, name: "two" });
    expect(await request(c3, "session:join", { joinCode: live.joinCode, name: "three" })).toMatchObject({ ok: false, error: { code: "LIMIT_REACHED" } });
    c1.disconnect();
    await new Promise((r) => setTimeout(r, 200));
    expect((await request(c3, "session:join", { joinCode: live.joinCode, name: "three" })).ok).toBe(true);
  });

  it("a network above the live parameter limit is refused (every frame carries θ; recovery keeps frames 30 s)", async () => {
    const res = await fetch(`${server.url}/api/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ layers: [2, 64, 64, 1] }) });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/at most 2048 parameters; \[2,64,64,1\] has 4417/);
  });

  it("a body above MAX_BODY_BYTES is refused with 413", async () => {
    const res = await fetch(`${server.url}/api/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ title: "x".repeat(3000) }) });
    expect(res.status).toBe(413);
  });

  it("a finished session's code no longer joins, but its id joins read-only and serves traces", async () => {
    const ended = server.live.registry.all().find((s) => s.state === "finished")!;
    const viewer = await connectClient(server.url);
    clients.push(viewer);
    expect(await request(viewer, "session:join", { joinCode: ended.joinCode, name: "v" })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    const snap = await join(viewer, { sessionId: ended.id, name: "v" });
    expect(snap.state).toBe("finished");
    expect(await request(viewer, "session:control", { action: "play" })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
  });
});
