import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import type { StepFrame } from "@/lib/protocol";
import { startChildServer, type ChildServer } from "../helpers/child-server";
import { connectClient, createSession, join, request, waitFor, type Client } from "../helpers/live-server";
import { createTempDatabase, postgresReachable } from "../helpers/postgres";
import { TcpProxy } from "./tcp-proxy";

const hasPostgres = await postgresReachable();

/** Resolves with [status, Retry-After, ms] of a request that must answer within 5 s. */
async function timed(url: string, init: RequestInit = {}): Promise<[number, string | null, number]> {
  const t0 = performance.now();
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(6_000) });
  await res.text();
  return [res.status, res.headers.get("retry-after"), performance.now() - t0];
}

describe.skipIf(!hasPostgres)("[issue 13] outage edges: clean answers, nothing hangs, SIGTERM exits", { timeout: 180_000 }, () => {
  let server: ChildServer | undefined;
  let proxy: TcpProxy | undefined;
  let drop: (() => Promise<void>) | undefined;
  const sockets: Client[] = [];
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    server?.child.kill("SIGKILL");
    await server?.exited;
    await proxy?.cut();
    await drop?.();
  });

  it("during an outage HTTP answers 503 with Retry-After and sockets UNAVAILABLE within 5 s; SIGTERM exits within 10 s and every step seen is stored", async () => {
    const db = await createTempDatabase("bp_edges");
    drop = db.drop;
    const url = new URL(db.url);
    proxy = new TcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    await proxy.listen();
    const proxied = new URL(db.url);
    proxied.host = `127.0.0.1:${proxy.port}`;
    server = await startChildServer({ DATABASE_URL: proxied.toString() }, { startTimeoutMs: 180_000 });
    const s = await createSession(server.url);
    const teacher = await connectClient(server.url);
    sockets.push(teacher);
    await join(teacher, { joinCode: s.joinCode, name: "T", instructorKey: s.instructorKey });
    const frames: StepFrame[] = [];
    teacher.on("session:step", (f) => frames.push(f));
    const states: { state: string; reason?: string | null }[] = [];
    teacher.on("session:state", (e) => states.push(e));
    await request(teacher, "session:control", { action: "play", stepsPerSecond: 20 });
    await waitFor(() => frames.length >= 10, 20_000, "frames before the outage");

    await proxy.cut();
    const answers = {
      summary: await timed(`${server.url}/api/sessions/${s.id}`),
      steps: await timed(`${server.url}/api/sessions/${s.id}/steps`),
      create: await timed(`${server.url}/api/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }),
    };
    for (const [status, retryAfter, ms] of Object.values(answers)) {
      expect(status).toBe(503);
      expect(Number(retryAfter)).toBeGreaterThan(0);
      expect(ms).toBeLessThan(5_000);
    }
    const t0 = performance.now();
    const trace = await request(teacher, "session:trace", { step: 1 });
    expect(trace).toMatchObject({ ok: false, error: { code: "UNAVAILABLE" } });
    expect(performance.now() - t0).toBeLessThan(5_000);
    // The write queue declares the outage after 2 s of failures; playing sessions then pause with a reason.
    await waitFor(() => states.some((e) => e.state === "paused" && /database/i.test(e.reason ?? "")), 60_000, "the outage declared to the room");
    const t1 = performance.now();
    expect(await request(teacher, "session:control", { action: "play", stepsPerSecond: 20 })).toMatchObject({ ok: false, error: { code: "UNAVAILABLE" } });
    expect(performance.now() - t1).toBeLessThan(5_000);
    const seen = frames.map((f) => f[0]);

    const t2 = performance.now();
    server.child.kill("SIGTERM");
    await server.exited;
    const exitMs = performance.now() - t2;
    console.log(`outage edges: summary ${answers.summary[2].toFixed(0)} ms, create ${answers.create[2].toFixed(0)} ms, SIGTERM exit after ${exitMs.toFixed(0)} ms; ${seen.length} steps seen`);
    expect(exitMs).toBeLessThan(10_000);

    await proxy.restore();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const stored = await client.query<{ step: number }>(`SELECT step FROM "StepMetric" WHERE "sessionId" = $1`, [s.id]);
    await client.end();
    const storedSteps = new Set(stored.rows.map((r) => r.step));
    expect(seen.length).toBeGreaterThan(0);
    for (const step of seen) expect(storedSteps.has(step)).toBe(true);
  });
});
