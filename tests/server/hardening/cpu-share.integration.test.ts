import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectClient, createSession, join, request, startTestServer, type Client, type TestServer } from "../helpers/live-server";

/** Seconds each measuring window lasts (CPU_WINDOW_SECONDS). */
const WINDOW_S = Number(process.env.CPU_WINDOW_SECONDS ?? 5);
/** The largest live network under MAX_LIVE_PARAMS (2,048): [2, 40, 40, 1] has 1,801 parameters, on a 2,000-point full batch. */
const MAXIMAL = { layers: [2, 40, 40, 1], dataset: { name: "circle", size: 2000, testRatio: 0 }, batchSize: 2000 };

/** Largest gap between consecutive times, and the p99 of a list. */
function maxGap(times: number[]): number {
  let gap = 0;
  for (let k = 1; k < times.length; k++) gap = Math.max(gap, times[k] - times[k - 1]);
  return gap;
}
function p99(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)];
}

describe("[issue 13] no request holds the event loop", { timeout: 600_000 }, () => {
  let server: TestServer;
  const clients: Client[] = [];
  beforeAll(async () => {
    server = await startTestServer("pglite");
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.close();
  });
  async function instructor(body: unknown): Promise<{ id: string; socket: Client }> {
    const s = await createSession(server.url, body);
    const socket = await connectClient(server.url);
    clients.push(socket);
    await join(socket, { joinCode: s.joinCode, name: "T", instructorKey: s.instructorKey });
    return { id: s.id, socket };
  }

  /** Frame arrival times of the 30 steps/s class and HTTP latencies over one window. */
  async function measure(classId: string, frames: number[]): Promise<{ gap: number; httpP99: number; frames: number }> {
    const from = frames.length;
    const latencies: number[] = [];
    const end = performance.now() + WINDOW_S * 1000;
    while (performance.now() < end) {
      const t0 = performance.now();
      expect((await fetch(`${server.url}/api/sessions/${classId}`)).status).toBe(200);
      latencies.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 50));
    }
    const window = frames.slice(Math.max(0, from - 1));
    return { gap: maxGap(window), httpP99: p99(latencies), frames: frames.length - from };
  }

  it("while maximal sessions run `step 1000` and `fastForward 10000`, a class playing at 30 steps/s keeps its frame gaps and HTTP p99 bounded", async () => {
    const lecture = await instructor({});
    const student = await connectClient(server.url);
    clients.push(student);
    const code = (await request<{ joinCode: string }>(lecture.socket, "session:resync", {})) as { ok: true; data: { joinCode: string } };
    await join(student, { joinCode: code.data.joinCode, name: "Student" });
    const arrivals: number[] = [];
    student.on("session:step", () => arrivals.push(performance.now()));
    await request(lecture.socket, "session:control", { action: "play", stepsPerSecond: 30 });
    await new Promise((r) => setTimeout(r, 1000));

    // The same machine, same moment, without the heavy sessions: how noisy it is right now, and how
    // long one step of the maximal network takes here (the smallest slice training can be cut into).
    const quiet = await measure(lecture.id, arrivals);
    const probe = await instructor(MAXIMAL);
    let oneStepMs = Number.POSITIVE_INFINITY;
    for (let k = 0; k < 3; k++) {
      const t0 = performance.now();
      await request(probe.socket, "session:control", { action: "step", count: 1 });
      oneStepMs = Math.min(oneStepMs, performance.now() - t0);
    }
    const stepper = await instructor(MAXIMAL);
    const forwarder = await instructor(MAXIMAL);
    const stepping = request(stepper.socket, "session:control", { action: "step", count: 1000 });
    const forwarding = request(forwarder.socket, "session:control", { action: "fastForward", epochs: 10_000 });
    await new Promise((r) => setTimeout(r, 300));
    const loaded = await measure(lecture.id, arrivals);
    // Steps of `step {count}` are released together at the end; the stored rows show its progress.
    const heavyStep = await server.db.prisma.stepMetric.count({ where: { sessionId: stepper.id } });
    const gapBound = Math.max(150, quiet.gap + 3 * oneStepMs);
    const httpBound = Math.max(250, quiet.httpP99 + 2 * oneStepMs);
    console.log(
      `cpu share (${WINDOW_S} s windows): one maximal step ${oneStepMs.toFixed(0)} ms; quiet: max frame gap ${quiet.gap.toFixed(0)} ms, HTTP p99 ${quiet.httpP99.toFixed(0)} ms, ${quiet.frames} frames; ` +
        `with step 1000 + fastForward 10000 on [2,40,40,1] × 2,000 points: max gap ${loaded.gap.toFixed(0)} ms, HTTP p99 ${loaded.httpP99.toFixed(0)} ms, ${loaded.frames} frames; the stepping session stored ${heavyStep} steps; bounds ${gapBound.toFixed(0)} / ${httpBound.toFixed(0)} ms`,
    );
    // 150 ms and 250 ms (the bounds), or, on a machine so loaded that one step of the maximal
    // network alone takes longer, what its slicing promises: a frame waits for at most a few turns of
    // the event loop, each holding at most one slice (one step); see docs/security.md.
    expect(loaded.gap).toBeLessThanOrEqual(gapBound);
    expect(loaded.httpP99).toBeLessThanOrEqual(httpBound);
    expect(loaded.frames).toBeGreaterThanOrEqual((WINDOW_S * 1000) / gapBound);
    expect(heavyStep).toBeGreaterThan(0); // the heavy session did make progress meanwhile
    await request(lecture.socket, "session:control", { action: "pause" });
    void stepping;
    void forwarding;
  });
});
