import { afterAll, expect, it } from "vitest";
import { Trainer } from "@/lib/engine";
import { decodeStepFrame, type SessionSnapshot } from "@/lib/protocol";
import { parseEngineConfig } from "@/lib/schemas";
import { collectFrames, connectClient, createSession, join, request, startTestServer, waitFor, type Client } from "./helpers/live-server";
import { describeTopologies } from "./helpers/topologies";

/** θ after `count` uninterrupted steps of the default config. */
function reference(count: number, raw: unknown = {}): number[] {
  const t = new Trainer(parseEngineConfig(raw));
  t.run(count);
  return Array.from(t.theta);
}

describeTopologies("live sessions", (nodes) => {
  const clients: Client[] = [];
  let next = 0;
  /** Clients alternate between node A (which runs the sessions created here) and node B. */
  const client = async (options?: { reconnection?: boolean }) => {
    const node = next++ % 2 === 0 ? nodes().a : nodes().b;
    const c = await connectClient(node.url, options);
    clients.push(c);
    return c;
  };
  /** Node A: sessions are created here, so it runs them. */
  const server = { get url() { return nodes().a.url; }, get live() { return nodes().a.live; }, get db() { return nodes().a.db; } };

  afterAll(async () => {
    for (const c of clients) c.disconnect();
  });

  it("[R1][R14] three clients see the same steps and parameters; a late joiner continues gap-free", async () => {
    const s = await createSession(server.url, { title: "XOR" });
    expect(s.joinCode).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$/);
    expect(s.joinUrl).toMatch(new RegExp(`/s/${s.joinCode}$`));
    const teacher = await client();
    const alice = await client();
    const bob = await client();
    const snapT = await join(teacher, { joinCode: s.joinCode, name: "Teacher", instructorKey: s.instructorKey });
    expect(snapT.role).toBe("instructor");
    expect(snapT.roster?.length).toBe(1);
    const snapA = await join(alice, { joinCode: s.joinCode.toLowerCase(), name: "Alice" });
    expect(snapA.role).toBe("student");
    expect(snapA.roster).toBeUndefined();
    await join(bob, { joinCode: s.joinCode, name: "Bob" });
    const frames = [teacher, alice, bob].map(collectFrames);
    const ack = await request(teacher, "session:control", { action: "step", count: 5 });
    expect(ack).toEqual({ ok: true, data: { step: 5, state: "paused" } });
    await waitFor(() => frames.every((f) => f.length === 5), 5_000, "5 frames on every client");
    for (const f of frames) {
      expect(f.map((x) => decodeStepFrame(x).step)).toEqual([1, 2, 3, 4, 5]);
      expect(decodeStepFrame(f[4]).params).toEqual(reference(5));
    }
    const late = await client();
    const lateFrames = collectFrames(late);
    const snapL = await join(late, { joinCode: s.joinCode, name: "Late" });
    expect(snapL.step).toBe(5);
    expect(snapL.params).toEqual(reference(5));
    expect(snapL.history.map((h) => h[0])).toEqual([1, 2, 3, 4, 5]);
    expect(snapL.previous?.params).toEqual(reference(4));
    expect(snapL.participants).toBe(4);
    await request(teacher, "session:control", { action: "step", count: 1 });
    await waitFor(() => lateFrames.length === 1, 5_000, "the late joiner's frame");
    expect(decodeStepFrame(lateFrames[0]).step).toBe(6);
  });

  it("a 2-2-1 step frame is at most 300 bytes on the wire (measured on the client's transport)", async () => {
    const s = await createSession(server.url);
    const teacher = await client();
    await join(teacher, { joinCode: s.joinCode, name: "T", instructorKey: s.instructorKey });
    const sizes: number[] = [];
    teacher.io.engine.on("packet", (packet: { type: string; data?: unknown }) => {
      if (packet.type === "message" && typeof packet.data === "string" && packet.data.startsWith('2["session:step"')) {
        const payload = Buffer.byteLength(packet.data) + 1; // + the engine.io packet type byte
        sizes.push(payload + (payload < 126 ? 2 : 4)); // + the WebSocket frame header (server → client, unmasked)
      }
    });
    await request(teacher, "session:control", { action: "step", count: 400 });
    await waitFor(() => sizes.length === 400, 10_000, "400 frames");
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    console.log(`session:step on the wire, 2-2-1 XOR: max ${Math.max(...sizes)} B, mean ${mean.toFixed(1)} B`);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(300);
  });

  it("[R4] a phase walk reaches every client, then the step", async () => {
    const s = await createSession(server.url);
    const teacher = await client();
    const student = await client();
    await join(teacher, { joinCode: s.joinCode, name: "T", instructorKey: s.instructorKey });
    await join(student, { joinCode: s.joinCode, name: "S" });
    const phases: string[] = [];
    student.on("session:phase", (p) => phases.push(p.phase));
    const frames = collectFrames(student);
    for (let k = 0; k < 4; k++) expect((await request(teacher, "session:control", { action: "phase" })).ok).toBe(true);
    await waitFor(() => frames.length === 1, 5_000, "the walked step");
    expect(phases).toEqual(["forward", "loss", "backward", "update"]);
  });

  it("a client whose connection drops while playing gets every step it missed, no gaps, no duplicates", async () => {
    const s = await createSession(server.url);
    const teacher = await client();
    const student = await client({ reconnection: true });
    await join(teacher, { joinCode: s.joinCode, name: "T", instructorKey: s.instructorKey });
    await join(student, { joinCode: s.joinCode, name: "S" });
    const frames = collectFrames(student);
    await request(teacher, "session:control", { action: "play", stepsPerSecond: 30 });
    await waitFor(() => frames.length >= 5, 5_000, "first frames");
    student.io.engine.close(); // transport drop: Socket.IO reconnects and recovers the session state
    await new Promise((r) => setTimeout(r, 400));
    await waitFor(() => student.connected, 5_000, "reconnection");
    const ack = await request<{ step: number }>(teacher, "session:control", { action: "pause" });
    if (!ack.ok) throw new Error(ack.error.message);
    await waitFor(() => frames.length >= ack.data.step, 5_000, "the rest of the frames");
    expect((student as unknown as { recovered: boolean }).recovered).toBe(true);
    expect(frames.map((f) => f[0])).toEqual(Array.from({ length: ack.data.step }, (_, k) => k + 1));
  });

  it("[R13] authorisation: students, wrong keys, unknown codes and strangers cannot control", async () => {
    const s = await createSession(server.url);
    const stranger = await client();
    expect(await request(stranger, "session:control", { action: "pause" })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    const student = await client();
    await join(student, { joinCode: s.joinCode, name: "S" });
    expect(await request(student, "session:control", { action: "step", count: 1 })).toMatchObject({ ok: false, error: { code: "FORBIDDEN", message: "only the instructor can control the session" } });
    const wrong = await client();
    expect(await request(wrong, "session:join", { joinCode: s.joinCode, name: "X", instructorKey: "not-the-key" })).toMatchObject({ ok: false, error: { code: "UNAUTHORIZED" } });
    expect(await request(wrong, "session:control", { action: "pause" })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(await request(wrong, "session:join", { joinCode: "ZZZZZZ", name: "X" })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    const other = await createSession(server.url);
    const otherTeacher = await client();
    expect((await request(otherTeacher, "session:join", { joinCode: s.joinCode, name: "O", instructorKey: other.instructorKey })).ok).toBe(false);
    const live = server.live.registry.byJoinCode(s.joinCode)!;
    expect(live.step).toBe(0);
  });

  it("[P1][P2][P4][R18] malformed payloads are refused with the field named; the socket stays usable", async () => {
    const s = await createSession(server.url);
    const teacher = await client();
    const bad: [string, unknown, RegExp][] = [
      ["session:join", "hello", /^\(root\)/],
      ["session:join", { joinCode: s.joinCode }, /^name:/],
      ["session:join", { joinCode: s.joinCode, name: "x".repeat(41) }, /^name: at most 40 characters/],
      ["session:join", { joinCode: s.joinCode, name: "   " }, /^name: must not be empty/],
      ["session:join", { joinCode: "AB", name: "x" }, /^joinCode: must be 6 characters/],
      ["session:join", { joinCode: s.joinCode, sessionId: s.id, name: "x" }, /either joinCode or sessionId/],
      ["session:join", { joinCode: s.joinCode, name: "x", __proto__: { admin: true }, extra: 1 }, /Unrecognized key/],
      ["session:join", { joinCode: s.joinCode, name: "x".repeat(20_000) }, /payload larger than 16384 bytes/],
    ];
    for (const [event, payload, message] of bad) {
      const ack = await request(teacher, event as "session:join", payload);
      expect(ack.ok, `${event} ${JSON.stringify(payload).slice(0, 60)}`).toBe(false);
      if (!ack.ok) expect(ack.error.message).toMatch(message);
    }
    await join(teacher, { joinCode: s.joinCode, name: "T", instructorKey: s.instructorKey });
    const badControls: [unknown, RegExp][] = [
      [{ action: "fly" }, /action must be one of/],
      [{ action: "step", count: 0 }, /^count: must be ≥ 1/],
      [{ action: "step", count: 1001 }, /^count: must be ≤ 1000/],
      [{ action: "play", stepsPerSecond: 61 }, /^stepsPerSecond: must be ≤ 60/],
      [{ action: "set", learningRate: -1 }, /^learningRate: must be > 0/],
      [{ action: "set", batchSize: 5 }, /^batchSize: must be ≤ the training split size 4/],
      [{ action: "fastForward", epochs: 10_001 }, /^epochs: must be ≤ 10000/],
      [{ action: "pause", extra: true }, /Unrecognized key/],
      [null, /action must be one of|\(root\)/],
    ];
    for (const [payload, message] of badControls) {
      const ack = await request(teacher, "session:control", payload);
      expect(ack.ok, JSON.stringify(payload)).toBe(false);
      if (!ack.ok) expect(ack.error.message).toMatch(message);
    }
    const errors: string[] = [];
    teacher.on("session:error", (e) => errors.push(e.message));
    (teacher.emit as (e: string, p: unknown) => void)("session:hack", { x: 1 });
    (teacher.emit as (e: string, p: unknown) => void)("session:control", { action: "step", count: 1 }); // no ack callback
    await waitFor(() => errors.length === 1, 2_000, "session:error");
    expect(errors[0]).toMatch(/unknown event "session:hack"/);
    expect(await request(teacher, "session:control", { action: "step", count: 2 })).toMatchObject({ ok: true, data: { step: 3 } });
  });

  it("[P3] more than 20 requests a second from one socket are rate limited", async () => {
    const s = await createSession(server.url);
    const teacher = await client();
    await join(teacher, { joinCode: s.joinCode, name: "T", instructorKey: s.instructorKey });
    // 100 at once: the bucket holds 20 and refills 20/s, so even if the acks take a few seconds on a
    // busy machine most are refused; without the limiter none would be.
    const acks = await Promise.all(Array.from({ length: 100 }, () => request(teacher, "session:control", { action: "pause" })));
    const limited = acks.filter((a) => !a.ok && a.error.code === "RATE_LIMITED");
    expect(limited.length).toBeGreaterThanOrEqual(40);
    expect(acks.filter((a) => a.ok).length).toBeGreaterThanOrEqual(19); // the join took one token
    expect(!limited[0].ok && limited[0].error.message).toMatch(/at most 20 per second/);
  });

  it("session:trace recomputes any stored step bit-identically; session:resync returns a snapshot", async () => {
    const s = await createSession(server.url, { layers: [2, 3, 1], batchSize: 2, dataset: { name: "circle", size: 30 } });
    const teacher = await client();
    await join(teacher, { joinCode: s.joinCode, name: "T", instructorKey: s.instructorKey });
    const frames = collectFrames(teacher);
    await request(teacher, "session:control", { action: "step", count: 4 });
    await request(teacher, "session:control", { action: "set", learningRate: 2 });
    await request(teacher, "session:control", { action: "step", count: 4 });
    await waitFor(() => frames.length === 8);
    for (const step of [1, 4, 5, 8]) {
      const ack = await request<{ after: number[]; step: number; learningRate: number }>(teacher, "session:trace", { step });
      if (!ack.ok) throw new Error(ack.error.message);
      expect(ack.data.step).toBe(step);
      expect(ack.data.after).toEqual(decodeStepFrame(frames[step - 1]).params);
      expect(ack.data.learningRate).toBe(step <= 4 ? 0.5 : 2);
    }
    expect(await request(teacher, "session:trace", { step: 9 })).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
    const resync = await request<SessionSnapshot>(teacher, "session:resync", {});
    expect(resync.ok && resync.data.step).toBe(8);
  });

  it("HTTP: create validates, summaries and metrics are served, secrets never appear", async () => {
    const post = (body: string, type = "application/json") => fetch(`${server.url}/api/sessions`, { method: "POST", headers: { "content-type": type }, body });
    expect((await post("{nope")).status).toBe(400);
    expect((await post("{}", "text/plain")).status).toBe(415);
    const invalid = await post(JSON.stringify({ learningRate: 20, title: "x" }));
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).error.message).toMatch(/^learningRate: must be ≤ 10/);
    expect((await post(JSON.stringify({ title: 5 }))).status).toBe(400);
    expect((await post("x".repeat(300_000))).status).toBe(413);
    expect((await fetch(`${server.url}/api/sessions/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/sessions/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/nothing`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/sessions`)).status).toBe(405);

    const s = await createSession(server.url, { title: "Lecture 3" });
    const teacher = await client();
    await join(teacher, { joinCode: s.joinCode, name: "T", instructorKey: s.instructorKey });
    await request(teacher, "session:control", { action: "step", count: 8 });
    const summary = await (await fetch(`${server.url}/api/sessions/${s.id}`)).json();
    expect(summary).toMatchObject({ id: s.id, title: "Lecture 3", step: 8, state: "paused" });
    expect(JSON.stringify(summary)).not.toContain(s.instructorKey);
    expect(JSON.stringify(summary)).not.toMatch(/hash/i);
    const steps = await (await fetch(`${server.url}/api/sessions/${s.id}/steps?from=3&to=6`)).json();
    expect(steps.steps.map((r: number[]) => r[0])).toEqual([3, 4, 5, 6]);
    expect(steps.steps[1][3]).toBeTypeOf("number"); // step 4 ends an XOR epoch: train loss measured
    expect((await fetch(`${server.url}/api/sessions/${s.id}/steps?from=x`)).status).toBe(400);
    const exported = await (await fetch(`${server.url}/api/sessions/${s.id}/export`)).json();
    expect(exported.controls.map((c: { action: string }) => c.action)).toEqual(["step"]);
    expect(exported.metrics).toHaveLength(8);
    expect(JSON.stringify(exported)).not.toContain(s.instructorKey);
    const csv = await (await fetch(`${server.url}/api/sessions/${s.id}/export?format=csv`)).text();
    expect(csv.split("\n")[0]).toBe("run,step,epoch,loss,trainLoss,trainAccuracy,testLoss,testAccuracy,at");
    expect(csv.trim().split("\n")).toHaveLength(9);
  });

  it("[R16] shutdown flushes: everything broadcast is stored, with a checkpoint, and the session is paused", async () => {
    const own = await startTestServer("pglite");
    const s = await createSession(own.url);
    const teacher = await connectClient(own.url);
    await join(teacher, { joinCode: s.joinCode, name: "T", instructorKey: s.instructorKey });
    const frames = collectFrames(teacher);
    await request(teacher, "session:control", { action: "play", stepsPerSecond: 60 });
    await waitFor(() => frames.length >= 10, 5_000);
    const live = own.live.registry.byJoinCode(s.joinCode)!;
    await own.app.close(); // stops accepting, then the shutdown hooks flush
    const row = await own.db.prisma.session.findUniqueOrThrow({ where: { id: s.id } });
    expect(row.state).toBe("paused");
    expect(row.step).toBe(live.step);
    expect(row.step).toBeGreaterThanOrEqual(frames.length);
    expect(await own.db.prisma.checkpoint.count({ where: { sessionId: s.id, step: row.step } })).toBe(1);
    expect(await own.db.prisma.stepMetric.count({ where: { sessionId: s.id } })).toBe(row.step);
    teacher.disconnect();
    await own.db.close();
  });
});
