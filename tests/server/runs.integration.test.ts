import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hyperChanges, type EngineConfig, type LoggedControl } from "@/lib/engine";
import { decodeStepFrame, type StepInfo } from "@/lib/protocol";
import { Replayer } from "@/app/_lib/replayer";
import { loadSessionRecord } from "@/server/data/history";
import { rebuildAt } from "@/server/sessions/rebuild";
import { parseTrustedEngineConfig } from "@/lib/presets";
import { collectFrames, connectClient, createSession, join, request, startTestServer, waitFor, type Client, type TestServer } from "./helpers/live-server";
import { postgresReachable } from "./helpers/postgres";

const hasPostgres = await postgresReachable();
if (!hasPostgres) console.warn("skipping the PostgreSQL run of the run tests: PostgreSQL is unreachable");

/** θ as its bytes: equal exactly when bit-identical (also −0 and NaN). */
function bits(params: ArrayLike<number>): string {
  return Buffer.from(Float64Array.from(params).buffer).toString("hex");
}

interface RunLog {
  run: number;
  cause: string;
  steps: number | null;
  config: EngineConfig;
  controls: LoggedControl[];
}

for (const kind of ["pglite", "postgres"] as const) {
  describe.skipIf(kind === "postgres" && !hasPostgres)(`every run is kept and replays as the class saw it (${kind})`, () => {
    let server: TestServer;
    const clients: Client[] = [];
    beforeAll(async () => {
      server = await startTestServer(kind);
    });
    afterAll(async () => {
      for (const c of clients) c.disconnect();
      await server.close();
    });

    async function teacherOf(s: { joinCode: string; instructorKey: string }) {
      const teacher = await connectClient(server.url);
      clients.push(teacher);
      await join(teacher, { joinCode: s.joinCode, name: "Teacher", instructorKey: s.instructorKey });
      return teacher;
    }
    async function control(teacher: Client, c: Record<string, unknown>) {
      const ack = await request(teacher, "session:control", c);
      if (!ack.ok) throw new Error(`${String(c.action)}: ${ack.error.code} ${ack.error.message}`);
    }
    async function getJson<T>(path: string): Promise<{ status: number; body: T }> {
      const res = await fetch(`${server.url}${path}`);
      return { status: res.status, body: (await res.json()) as T };
    }
    async function runLog(id: string, run: number): Promise<RunLog> {
      const { status, body } = await getJson<RunLog>(`/api/sessions/${id}/runs/${run}`);
      expect(status).toBe(200);
      return body;
    }
    /** The broadcast frames, split into runs where the step number starts again. */
    function byRun(frames: StepInfo[]): StepInfo[][] {
      const runs: StepInfo[][] = [[]];
      for (const f of frames) {
        const current = runs[runs.length - 1];
        if (current.length > 0 && f.step <= current[current.length - 1].step) runs.push([]);
        runs[runs.length - 1].push(f);
      }
      return runs;
    }

    it("[V1][V2][V3] set + preset + data + reset + set: every step of every run replays bit-identical, in the browser's replayer and the server's rebuild", async () => {
      const s = await createSession(server.url, { title: "runs" });
      const teacher = await teacherOf(s);
      const raw = collectFrames(teacher);
      await control(teacher, { action: "step", count: 6 });
      await control(teacher, { action: "set", learningRate: 2 });
      await control(teacher, { action: "step", count: 4 });
      await control(teacher, { action: "preset", presetId: "symmetric-init" });
      await control(teacher, { action: "step", count: 5 });
      await control(teacher, { action: "set", learningRate: 0.25, batchSize: 2 });
      await control(teacher, { action: "step", count: 5 });
      await control(teacher, { action: "data", points: [{ x: [0, 0], y: [0] }, { x: [0, 1], y: [1] }, { x: [1, 0], y: [1] }, { x: [1, 1], y: [0] }, { x: [0.5, 0.5], y: [1] }] });
      await control(teacher, { action: "step", count: 7 });
      await control(teacher, { action: "reset", seed: 99 });
      await control(teacher, { action: "step", count: 3 });
      await control(teacher, { action: "set", learningRate: 1.5 });
      // A set while playing is logged at the step the engine has computed, ahead of the broadcast one.
      await control(teacher, { action: "play", stepsPerSecond: 30 });
      await waitFor(() => raw.length >= 6 + 4 + 10 + 7 + 3 + 4, 10_000, "steps while playing");
      await control(teacher, { action: "set", learningRate: 0.75 });
      const before = raw.length;
      await waitFor(() => raw.length >= before + 6, 10_000, "more steps while playing");
      await control(teacher, { action: "pause" });

      const frames = byRun(raw.map((f) => decodeStepFrame(f)));
      expect(frames.map((r) => r[0].step)).toEqual([1, 1, 1, 1]);
      expect(frames.slice(0, 3).map((r) => r.length)).toEqual([10, 10, 7]);

      const listed = await getJson<{ runs: { run: number; cause: string; steps: number; startedAt: string; kept: boolean }[] }>(`/api/sessions/${s.id}/runs`);
      expect(listed.status).toBe(200);
      expect(listed.body.runs.map((r) => [r.run, r.cause, r.steps, r.kept])).toEqual(frames.map((r, k) => [k, ["start", "preset", "data", "reset"][k], r[r.length - 1].step, true]));

      for (const [k, runFrames] of frames.entries()) {
        const log = await runLog(s.id, k);
        expect(log.steps).toBe(runFrames[runFrames.length - 1].step);
        const browser = new Replayer(log.config, hyperChanges(log.controls));
        const config = parseTrustedEngineConfig(log.config);
        for (const f of runFrames) {
          const traced = browser.traceStep(f.step)!;
          expect(bits(traced.trace.after), `browser run ${k} step ${f.step}`).toBe(bits(f.params));
          expect(Object.is(traced.trace.loss, f.loss), `browser loss run ${k} step ${f.step}`).toBe(true);
          const record = (await loadSessionRecord(server.db.prisma, s.id, f.step, k))!;
          expect(bits(rebuildAt(config, record, f.step).trainer.theta), `server run ${k} step ${f.step}`).toBe(bits(f.params));
        }
        // Nothing of an earlier run was deleted: every broadcast step's metrics row is still there.
        const stored = await getJson<{ run: number; steps: [number, number, number][] }>(`/api/sessions/${s.id}/steps?run=${k}&from=1`);
        expect(stored.body.run).toBe(k);
        expect(stored.body.steps.map((r) => r[0])).toEqual(runFrames.map((f) => f.step));
        stored.body.steps.forEach((r, i) => expect(r[2]).toBeCloseTo(runFrames[i].loss, 12));
      }
      // The default is the current run.
      const current = await getJson<{ run: number }>(`/api/sessions/${s.id}/steps`);
      expect(current.body.run).toBe(3);
    });

    it("[V4] the user's case: step 10, η = 3, the symmetric-init preset, step 20 replays with η = 0.5 (loss 0.2745, not 0.5707)", async () => {
      const s = await createSession(server.url, { title: "regression" });
      const teacher = await teacherOf(s);
      const raw = collectFrames(teacher);
      await control(teacher, { action: "step", count: 10 });
      await control(teacher, { action: "set", learningRate: 3 });
      await control(teacher, { action: "preset", presetId: "symmetric-init" });
      await control(teacher, { action: "step", count: 20 });
      await waitFor(() => raw.length === 30, 5_000, "30 frames");
      const seen = decodeStepFrame(raw[29]);
      expect(seen.step).toBe(20);
      const log = await runLog(s.id, 1);
      expect(log.config.learningRate).toBe(0.5);
      const replayed = new Replayer(log.config, hyperChanges(log.controls)).traceStep(20)!.trace;
      expect(replayed.learningRate).toBe(0.5);
      expect(Object.is(replayed.loss, seen.loss)).toBe(true);
      expect(replayed.loss).toBeCloseTo(0.2745, 4);
      // What the old replay computed: the current config with every logged set, whatever its run.
      const { body: exported } = await getJson<{ controls: LoggedControl[] }>(`/api/sessions/${s.id}/export`);
      const mixed = new Replayer(log.config, hyperChanges(exported.controls)).traceStep(20)!.trace;
      expect(mixed.loss).not.toBeCloseTo(0.2745, 4);
    });

    it("[V2] validates run and step queries with messages naming the field", async () => {
      const s = await createSession(server.url, {});
      const bad = await getJson<{ error: { code: string; message: string } }>(`/api/sessions/${s.id}/steps?run=x`);
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/^run: /);
      const missing = await getJson<{ error: { message: string } }>(`/api/sessions/${s.id}/steps?run=4`);
      expect(missing.status).toBe(404);
      expect(missing.body.error.message).toMatch(/run: this session has runs 0\.\.0, not 4/);
      expect((await getJson(`/api/sessions/${s.id}/runs/-1`)).status).toBe(400);
      expect((await getJson(`/api/sessions/${s.id}/runs/1`)).status).toBe(404);
      expect((await getJson(`/api/sessions/not-a-uuid/runs`)).status).toBe(404);
      const runs = await getJson<{ runs: { run: number; cause: string; steps: number }[] }>(`/api/sessions/${s.id}/runs`);
      expect(runs.body.runs.map((r) => [r.run, r.cause, r.steps])).toEqual([[0, "start", 0]]);
    });
  });
}
