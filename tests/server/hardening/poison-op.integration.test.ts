/**
 * Issue 7, poison op isolation, on a real database: a CHECK constraint added mid-session refuses one
 * session's step rows from a given step on. Before, the shared write queue retried that batch
 * forever and every session on the server stopped; now the batch is bisected, the good ops commit,
 * the bad op's session stops with a reason its clients see, and the other session plays on.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorCode } from "@/lib/errors";
import { decodeStepFrame, type StateEvent } from "@/lib/protocol";
import { classifyDbError } from "@/server/data/db-errors";
import { collectFrames, connectClient, createSession, join, request, startTestServer, waitFor, type Client, type TestServer } from "../helpers/live-server";

describe("poison op isolation (PGlite)", { timeout: 120_000 }, () => {
  let server: TestServer;
  const sockets: Client[] = [];
  beforeAll(async () => {
    server = await startTestServer("pglite");
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await server?.close();
  });

  async function watch(s: { joinCode: string; instructorKey: string }) {
    const teacher = await connectClient(server.url);
    const student = await connectClient(server.url);
    sockets.push(teacher, student);
    await join(teacher, { joinCode: s.joinCode, name: "Teacher", instructorKey: s.instructorKey });
    await join(student, { joinCode: s.joinCode, name: "Student" });
    const states: StateEvent[] = [];
    student.on("session:state", (e) => states.push(e));
    return { teacher, frames: collectFrames(student), states };
  }

  async function storedSteps(id: string): Promise<number[]> {
    const rows = (await server.db.prisma.$queryRawUnsafe(`SELECT step FROM "StepMetric" WHERE "sessionId" = $1 ORDER BY step`, id)) as { step: number }[];
    return rows.map((r) => r.step);
  }

  it("a constraint violation in one session's write stops only that session, visibly; the good ops of the batch commit", async () => {
    const bad = await createSession(server.url, { title: "bad" });
    const good = await createSession(server.url, { title: "good" });
    const a = await watch(bad);
    const b = await watch(good);
    await request(a.teacher, "session:control", { action: "play", stepsPerSecond: 30 });
    await request(b.teacher, "session:control", { action: "play", stepsPerSecond: 30 });
    await waitFor(() => a.frames.length >= 10 && b.frames.length >= 10, 15_000, "both sessions playing");

    const limit = a.frames.length + 15;
    await server.db.prisma.$executeRawUnsafe(`ALTER TABLE "StepMetric" ADD CONSTRAINT poison_test CHECK ("sessionId" <> '${bad.id}' OR step < ${limit})`);
    await waitFor(() => a.states.some((e) => e.reason?.startsWith("Stopped: the database refused") ?? false), 20_000, "the refused session's reason");
    const stopped = a.states.find((e) => e.reason?.startsWith("Stopped"))!;
    expect(stopped.state).toBe("paused");

    // The other session goes on, gap-free, well past the moment the bad op was refused.
    const bAtStop = b.frames.length;
    await waitFor(() => b.frames.length >= bAtStop + 20, 15_000, "the other session playing on");
    const bSteps = b.frames.map((f) => f[0]);
    expect(bSteps).toEqual(Array.from({ length: bSteps.length }, (_, k) => k + 1));

    // The stopped session: every step its clients saw is stored, exactly once, and nothing from `limit` on.
    const aSteps = a.frames.map((f) => decodeStepFrame(f).step);
    expect(aSteps).toEqual(Array.from({ length: aSteps.length }, (_, k) => k + 1));
    const stored = await storedSteps(bad.id);
    expect(stored).toEqual(Array.from({ length: stored.length }, (_, k) => k + 1));
    expect(stored.length).toBeGreaterThanOrEqual(aSteps.length);
    expect(stored.length).toBeLessThan(limit);
    expect(stopped.step).toBe(aSteps.length);

    const control = await request(a.teacher, "session:control", { action: "play", stepsPerSecond: 10 });
    expect(control).toMatchObject({ ok: false, error: { code: ErrorCode.UNAVAILABLE } });
    expect(server.live.queue.available).toBe(true);
    expect(server.live.queue.refused).toBeGreaterThan(0);

    const paused = await request<{ step: number }>(b.teacher, "session:control", { action: "pause" });
    expect(paused.ok).toBe(true);
    const n = paused.ok ? paused.data.step : 0;
    expect(await storedSteps(good.id)).toEqual(Array.from({ length: n }, (_, k) => k + 1));
  });

  it("the classifier tells outages from refusals", () => {
    expect(classifyDbError(Object.assign(new Error("could not extend file"), { code: "53100" }))).toBe("outage");
    expect(classifyDbError(Object.assign(new Error(""), { code: "ECONNREFUSED" }))).toBe("outage");
    expect(classifyDbError({ message: "x", cause: { kind: "DatabaseNotReachable" } })).toBe("outage");
    expect(classifyDbError(Object.assign(new Error("new row violates check constraint"), { code: "23514" }))).toBe("refused");
    expect(classifyDbError(Object.assign(new Error("invalid byte sequence for encoding UTF8: 0x00"), { code: "22021" }))).toBe("refused");
  });
});
