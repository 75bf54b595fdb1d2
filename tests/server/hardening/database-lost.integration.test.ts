/**
 * Issue 7, "database lost mid-session", on PostgreSQL through a loopback proxy the test cuts and
 * restores (the shared server itself is never stopped). Steps are broadcast only once stored (R2), so
 * the promise is: the process stays up, playing sessions pause with a reason everyone sees, the
 * computed steps wait in bounded memory, controls fail fast with UNAVAILABLE, and once the database
 * is back every step is stored exactly once and the broadcast is gap-free and equal to an
 * uninterrupted run.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Trainer } from "@/lib/engine";
import { ErrorCode } from "@/lib/errors";
import { decodeStepFrame, type StateEvent } from "@/lib/protocol";
import { parseEngineConfig } from "@/lib/schemas";
import { DATABASE_AWAY_REASON, DATABASE_BACK_REASON } from "@/server/sessions/live-session";
import { MAX_PLAY_BACKLOG } from "@/server/sessions/step-pipeline";
import { collectFrames, connectClient, createSession, join, request, startTestServer, waitFor, type Client, type TestServer } from "../helpers/live-server";
import { createTempDatabase, postgresReachable } from "../helpers/postgres";
import { TcpProxy } from "./tcp-proxy";

const hasPostgres = await postgresReachable();

describe.skipIf(!hasPostgres)("database lost mid-session (PostgreSQL behind a proxy)", { timeout: 120_000 }, () => {
  let server: TestServer;
  let proxy: TcpProxy;
  let drop: () => Promise<void>;
  const sockets: Client[] = [];
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => uncaught.push(err);

  beforeAll(async () => {
    process.on("uncaughtException", onUncaught);
    process.on("unhandledRejection", onUncaught);
    const db = await createTempDatabase("bp_lost");
    drop = db.drop;
    const url = new URL(db.url);
    proxy = new TcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    await proxy.listen();
    url.host = `127.0.0.1:${proxy.port}`;
    server = await startTestServer("pglite", { DATABASE_URL: url.toString() }); // DATABASE_URL wins: PostgreSQL via the proxy
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await server?.close(); // hangs if a transaction's pool client leaked during the cut (pg-broken-clients.ts)
    await proxy?.cut();
    await drop?.();
    process.off("uncaughtException", onUncaught);
    process.off("unhandledRejection", onUncaught);
  }, 30_000);

  async function connect(): Promise<Client> {
    const s = await connectClient(server.url);
    sockets.push(s);
    return s;
  }

  it("[R2] playing sessions pause with a visible reason, nothing is dropped, and the steps resume gap-free once it is back", async () => {
    const playing = await createSession(server.url, { title: "playing" });
    const idle = await createSession(server.url, { title: "idle" });
    const teacher = await connect();
    await join(teacher, { joinCode: playing.joinCode, name: "Teacher", instructorKey: playing.instructorKey });
    const student = await connect();
    await join(student, { joinCode: playing.joinCode, name: "Student" });
    const idleStudent = await connect();
    await join(idleStudent, { joinCode: idle.joinCode, name: "Other" });
    const frames = collectFrames(student);
    const states: StateEvent[] = [];
    student.on("session:state", (e) => states.push(e));
    const idleStates: StateEvent[] = [];
    idleStudent.on("session:state", (e) => idleStates.push(e));

    await request(teacher, "session:control", { action: "play", stepsPerSecond: 60 });
    await waitFor(() => frames.length >= 30, 15_000, "30 steps before the cut");

    await proxy.cut();
    await waitFor(() => states.some((e) => e.reason === DATABASE_AWAY_REASON), 20_000, "the outage reason");
    const away = states.find((e) => e.reason === DATABASE_AWAY_REASON)!;
    expect(away.state).toBe("paused");
    await waitFor(() => idleStates.some((e) => e.reason === DATABASE_AWAY_REASON), 5_000, "the reason in the idle session");
    expect(server.live.queue.available).toBe(false);

    // Controls that need the database fail at once with a clear code instead of hanging.
    const refused = await request(teacher, "session:control", { action: "play", stepsPerSecond: 10 });
    expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.UNAVAILABLE } });
    const stepRefused = await request(teacher, "session:control", { action: "step", count: 5 });
    expect(stepRefused).toMatchObject({ ok: false, error: { code: ErrorCode.UNAVAILABLE } });

    // Bounded memory: the paused session computes nothing more while its steps wait in the queue.
    const live = server.live.registry.loaded(playing.id)!;
    const seenAtCut = frames.length;
    let maxBacklog = 0;
    let maxQueued = 0;
    for (let i = 0; i < 20; i++) {
      maxBacklog = Math.max(maxBacklog, live.backlog);
      maxQueued = Math.max(maxQueued, server.live.queue.size);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(maxBacklog).toBeLessThanOrEqual(MAX_PLAY_BACKLOG);
    expect(maxQueued).toBeLessThanOrEqual(MAX_PLAY_BACKLOG + 10); // its steps + a handful of control/state/checkpoint ops
    expect(frames.length).toBe(seenAtCut); // nothing unstored was broadcast
    const backlogAtRestore = live.backlog;

    await proxy.restore();
    await waitFor(() => states.some((e) => e.reason === DATABASE_BACK_REASON), 30_000, "the database-back reason");
    expect(server.live.queue.available).toBe(true);
    expect(live.state).toBe("paused"); // the instructor decides when to play again
    await waitFor(() => frames.length === seenAtCut + backlogAtRestore, 5_000, "the held-back steps");
    await waitFor(() => idleStates.at(-1)?.reason === null, 5_000, "the idle session's reason cleared");

    // Play goes on from there, then stop and compare with an uninterrupted run.
    await request(teacher, "session:control", { action: "play", stepsPerSecond: 60 });
    const resumedFrom = frames.length;
    await waitFor(() => frames.length >= resumedFrom + 10, 10_000, "steps after play");
    const paused = await request<{ step: number }>(teacher, "session:control", { action: "pause" });
    expect(paused.ok).toBe(true);
    const n = paused.ok ? paused.data.step : -1;
    await waitFor(() => frames.length === n, 5_000, "every step up to the pause");

    const steps = frames.map((f) => decodeStepFrame(f));
    expect(steps.map((s) => s.step)).toEqual(Array.from({ length: n }, (_, k) => k + 1));
    const t = new Trainer(parseEngineConfig({}));
    for (const s of steps) {
      t.run(1);
      expect(s.params).toEqual(Array.from(t.theta));
    }
    const rows = (await server.db.prisma.$queryRawUnsafe(`SELECT step, count(*)::int AS n FROM "StepMetric" WHERE "sessionId" = $1 GROUP BY step ORDER BY step`, playing.id)) as { step: number; n: number }[];
    expect(rows.map((r) => r.step)).toEqual(Array.from({ length: n }, (_, k) => k + 1));
    expect(rows.every((r) => r.n === 1)).toBe(true);
    expect(uncaught).toEqual([]);
  });
});
