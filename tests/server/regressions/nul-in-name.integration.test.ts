import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectClient, createSession, join, request, startTestServer, type Client, type TestServer } from "../helpers/live-server";

// Found by the fuzzer (tests/server/hardening): PostgreSQL text cannot hold U+0000, so a participant row
// with a NUL in its name failed every flush, and the write queue retried it forever: no step of any
// session became durable, so every class on the server stopped.
describe("[R18] names and titles with control characters or broken Unicode are refused at the door", () => {
  let server: TestServer;
  const clients: Client[] = [];
  beforeAll(async () => {
    server = await startTestServer("pglite");
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await server.close();
  });

  it("a join with NUL, another control character or a lone surrogate in the name gets BAD_REQUEST; the class goes on", async () => {
    const s = await createSession(server.url);
    const teacher = await connectClient(server.url);
    const student = await connectClient(server.url);
    clients.push(teacher, student);
    await join(teacher, { joinCode: s.joinCode, name: "T", instructorKey: s.instructorKey });
    for (const name of ["a\u0000b", "\u0007bell", "x\ud800"]) {
      expect(await request(student, "session:join", { joinCode: s.joinCode, name })).toMatchObject({ ok: false, error: { code: "BAD_REQUEST", message: expect.stringMatching(/^name: /) } });
      expect(await request(student, "session:join", { sessionId: s.id, name })).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
    }
    expect(await join(student, { joinCode: s.joinCode, name: "Zoë 🧠" })).toMatchObject({ role: "student" });
    const step = await Promise.race([request(teacher, "session:control", { action: "step", count: 2 }), new Promise((r) => setTimeout(() => r("stalled"), 5_000))]);
    expect(step).toMatchObject({ ok: true, data: { step: 2 } });
  });

  it("[P6] a join from a page older than protocol 3 (it sends lastStep) is told to reload the page, not given a field error", async () => {
    const s = await createSession(server.url);
    const old = await connectClient(server.url);
    clients.push(old);
    const res = await request(old, "session:join", { joinCode: s.joinCode, name: "Old tab", lastStep: 12 });
    expect(res).toMatchObject({ ok: false, error: { code: "BAD_REQUEST", message: expect.stringMatching(/reload the page/) } });
    expect(await join(old, { joinCode: s.joinCode, name: "Old tab" })).toMatchObject({ role: "student" });
  });

  it("a session title with a NUL is refused with 400, not a 500", async () => {
    const res = await fetch(`${server.url}/api/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ title: "a\u0000b" }) });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/^title: /);
  });
});
