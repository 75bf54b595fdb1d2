/**
 * Issue 16: what an operator and a load balancer see. /healthz and /readyz (database reachable and
 * migrated, not shutting down), /metrics in the Prometheus text format with the product's series
 * moving while a session plays, and /metrics refused to a non-loopback address without the token.
 */
import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorCode } from "@/lib/errors";
import { DATABASE_AWAY_REASON } from "@/server/sessions/live-session";
import { TcpProxy } from "../hardening/tcp-proxy";
import { collectFrames, connectClient, createSession, join, request, startTestServer, waitFor, type Client, type TestServer } from "../helpers/live-server";
import { createTempDatabase, postgresReachable } from "../helpers/postgres";
import { parsePrometheus, valueOf, type Sample } from "../helpers/prometheus";

const PRODUCT_SERIES = [
  "backprop_sessions_live",
  "backprop_sockets_connected",
  "backprop_steps_broadcast_total",
  "backprop_broadcast_latency_seconds_count",
  "backprop_write_queue_depth",
  "backprop_flush_seconds_count",
  "backprop_db_errors_total",
  "backprop_rate_limited_total",
];

async function scrape(url: string): Promise<Sample[]> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheus(await res.text()).samples;
}

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

describe("health and metrics on one server (PGlite)", { timeout: 120_000 }, () => {
  let server: TestServer;
  const sockets: Client[] = [];

  beforeAll(async () => {
    server = await startTestServer("pglite", { CONTROLS_PER_SECOND: "5" });
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await server?.close();
  });

  it("/healthz answers 200 while the process serves; /readyz 200 with the database up and migrated", async () => {
    expect(await getJson(`${server.url}/healthz`)).toEqual({ status: 200, body: { ok: true } });
    expect(await getJson(`${server.url}/readyz`)).toEqual({ status: 200, body: { ready: true } });
    const post = await fetch(`${server.url}/readyz`, { method: "POST" });
    expect(post.status).toBe(405);
  });

  it("/metrics parses as Prometheus text, with the Node defaults (event-loop lag) and every product series", async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const { samples, types } = parsePrometheus(text);
    expect(types.get("nodejs_eventloop_lag_seconds")).toBe("gauge");
    expect(types.get("nodejs_eventloop_lag_p99_seconds")).toBe("gauge");
    expect(types.get("backprop_broadcast_latency_seconds")).toBe("histogram");
    expect(types.get("backprop_flush_seconds")).toBe("histogram");
    expect(types.get("backprop_controls_total")).toBe("counter");
    for (const name of PRODUCT_SERIES) expect(valueOf(samples, name), name).toBeTypeOf("number");
    expect(() => parsePrometheus("backprop_x{le=0.1} 1")).toThrow(); // the parser is strict enough to fail
  });

  it("each product series moves when a session plays (and controls are counted by action)", async () => {
    const before = await scrape(server.url);
    const created = await createSession(server.url, { title: "metrics" });
    const teacher = await connectClient(server.url);
    const student = await connectClient(server.url);
    sockets.push(teacher, student);
    await join(teacher, { joinCode: created.joinCode, name: "Teacher", instructorKey: created.instructorKey });
    await join(student, { joinCode: created.joinCode, name: "Student" });
    const frames = collectFrames(student);
    expect((await request(teacher, "session:control", { action: "play", stepsPerSecond: 30 })).ok).toBe(true);
    await waitFor(() => frames.length >= 15, 20_000, "15 steps");
    const during = await scrape(server.url);
    expect(valueOf(during, "backprop_sessions_live")).toBe((valueOf(before, "backprop_sessions_live") ?? 0) + 1);
    expect(valueOf(during, "backprop_sockets_connected")).toBe((valueOf(before, "backprop_sockets_connected") ?? 0) + 2);
    const paused = await request<{ step: number }>(teacher, "session:control", { action: "pause" });
    expect(paused.ok).toBe(true);
    expect((await request(teacher, "session:control", { action: "end" })).ok).toBe(true);
    // Over the socket's limit (CONTROLS_PER_SECOND=5): some of these are refused with RATE_LIMITED.
    const burst = await Promise.all(Array.from({ length: 12 }, () => request(student, "session:resync", {})));
    const limited = burst.filter((a) => !a.ok && a.error.code === ErrorCode.RATE_LIMITED).length;
    expect(limited).toBeGreaterThan(0);

    const after = await scrape(server.url);
    const grew = (name: string, labels: Record<string, string> = {}) => (valueOf(after, name, labels) ?? 0) - (valueOf(before, name, labels) ?? 0);
    const steps = paused.ok ? paused.data.step : 0;
    expect(grew("backprop_steps_broadcast_total")).toBe(steps);
    expect(grew("backprop_broadcast_latency_seconds_count")).toBe(steps);
    expect(grew("backprop_broadcast_latency_seconds_sum")).toBeGreaterThan(0);
    expect(grew("backprop_flush_seconds_count")).toBeGreaterThan(0);
    expect(grew("backprop_controls_total", { action: "play" })).toBe(1);
    expect(grew("backprop_controls_total", { action: "pause" })).toBe(1);
    expect(grew("backprop_controls_total", { action: "end" })).toBe(1);
    expect(grew("backprop_rate_limited_total")).toBe(limited);
    expect(valueOf(after, "backprop_sessions_live")).toBe(valueOf(before, "backprop_sessions_live")); // ended: not live any more
  });
});

describe("/readyz during shutdown", { timeout: 60_000 }, () => {
  it("answers 503 'shutting down' while the server drains (SHUTDOWN_DRAIN_SECONDS), /healthz still 200", async () => {
    const server = await startTestServer("pglite", { SHUTDOWN_DRAIN_SECONDS: "5" }); // room for the requests below on a loaded machine
    try {
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      const closing = server.app.close();
      expect(await getJson(`${server.url}/readyz`)).toEqual({ status: 503, body: { ready: false, reason: "shutting down" } });
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      await closing;
      await expect(fetch(`${server.url}/healthz`)).rejects.toThrow(); // closed after the drain
    } finally {
      await server.close();
    }
  });
});

const hasPostgres = await postgresReachable();

describe.skipIf(!hasPostgres)("/readyz and the database series while PostgreSQL is unreachable", { timeout: 120_000 }, () => {
  let server: TestServer;
  let proxy: TcpProxy;
  let drop: () => Promise<void>;
  const sockets: Client[] = [];

  beforeAll(async () => {
    const db = await createTempDatabase("bp_ready");
    drop = db.drop;
    const url = new URL(db.url);
    proxy = new TcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    await proxy.listen();
    url.host = `127.0.0.1:${proxy.port}`;
    server = await startTestServer("pglite", { DATABASE_URL: url.toString() });
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await proxy?.restore().catch(() => undefined);
    await server?.close();
    await proxy?.cut();
    await drop?.();
  }, 30_000);

  it("answers 503 naming the database while it is cut, counts the failed writes and the queued ones, and 200 once it is back", async () => {
    expect(await getJson(`${server.url}/readyz`)).toEqual({ status: 200, body: { ready: true } });
    const created = await createSession(server.url, { title: "outage" });
    const teacher = await connectClient(server.url);
    sockets.push(teacher);
    const states: { reason: string | null }[] = [];
    teacher.on("session:state", (e) => states.push(e));
    const frames = collectFrames(teacher);
    await join(teacher, { joinCode: created.joinCode, name: "Teacher", instructorKey: created.instructorKey });
    await request(teacher, "session:control", { action: "play", stepsPerSecond: 30 });
    await waitFor(() => frames.length >= 5, 15_000, "steps before the cut");
    const before = await scrape(server.url);

    await proxy.cut();
    const down = await getJson(`${server.url}/readyz`);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ ready: false, reason: expect.stringMatching(/^database: /) });
    await waitFor(() => states.some((e) => e.reason === DATABASE_AWAY_REASON), 20_000, "the outage reason");
    const during = await scrape(server.url);
    expect(valueOf(during, "backprop_db_errors_total")!).toBeGreaterThan(valueOf(before, "backprop_db_errors_total")!);
    expect(valueOf(during, "backprop_write_queue_depth")!).toBeGreaterThan(0); // the computed steps wait for the database

    await proxy.restore();
    await waitFor(() => server.live.queue.available && server.live.queue.size === 0, 30_000, "the queue drained");
    expect(await getJson(`${server.url}/readyz`)).toEqual({ status: 200, body: { ready: true } });
    expect(valueOf(await scrape(server.url), "backprop_write_queue_depth")).toBe(0);
  });
});

/** An IPv4 address of this machine that is not loopback, if it has one. */
function nonLoopbackAddress(): string | undefined {
  return Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i && i.family === "IPv4" && !i.internal)?.address;
}

const lanAddress = nonLoopbackAddress();

describe.skipIf(lanAddress === undefined)(`/metrics from a non-loopback address (${lanAddress ?? "none on this machine: skipped"})`, { timeout: 60_000 }, () => {
  const token = "a-metrics-token-for-the-test";
  let server: TestServer;

  beforeAll(async () => {
    // Listening on the interface's own address only: this process connects from that address too.
    server = await startTestServer("pglite", { HOST: lanAddress!, METRICS_TOKEN: token });
  });

  afterAll(async () => {
    await server?.close();
  });

  it("refuses /metrics (403) without the token, serves it with Authorization: Bearer <METRICS_TOKEN>", async () => {
    expect(server.url).toContain(lanAddress!);
    const refused = await fetch(`${server.url}/metrics`);
    expect(refused.status).toBe(403);
    expect(await refused.text()).not.toContain("backprop_");
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: "Bearer wrong-token-of-same-size" } })).status).toBe(403);
    const allowed = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(allowed.status).toBe(200);
    expect(valueOf(parsePrometheus(await allowed.text()).samples, "backprop_sessions_live")).toBe(0);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200); // health stays open to the load balancer
  });
});
