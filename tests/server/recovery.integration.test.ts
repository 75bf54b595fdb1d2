import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Trainer } from "@/lib/engine";
import { decodeStepFrame } from "@/lib/protocol";
import { parseEngineConfig } from "@/lib/schemas";
import { startChildServer, type ChildServer } from "./helpers/child-server";
import { collectFrames, connectClient, createSession, join, request, waitFor, type Client } from "./helpers/live-server";
import { createTempDatabase, postgresReachable } from "./helpers/postgres";

const hasPostgres = await postgresReachable();

/** θ after an uninterrupted run: `plan` is a list of step counts and learning-rate changes. */
function reference(plan: (number | { learningRate: number })[]): number[] {
  const t = new Trainer(parseEngineConfig({}));
  for (const p of plan) {
    if (typeof p === "number") t.run(p);
    else t.setHyper(p);
  }
  return Array.from(t.theta);
}

// The two databases' cases are independent (own servers, own storage) and wait on restarts: the two
// describes run at the same time, the cases of each one after the other (it.sequential).
describe.concurrent("[R15] kill -9 and restart", () => {
  for (const kind of ["pglite", "postgres"] as const) {
    describe.skipIf(kind === "postgres" && !hasPostgres)(`[R15] kill -9 and restart on ${kind}`, { timeout: 180_000 }, () => {
      const cleanups: (() => Promise<void>)[] = [];
      afterAll(async () => {
        for (const c of cleanups.reverse()) await c().catch(() => undefined);
      });

      async function storage(): Promise<Record<string, string>> {
        if (kind === "postgres") {
          const db = await createTempDatabase("bp_kill");
          cleanups.push(db.drop);
          return { DATABASE_URL: db.url };
        }
        const dir = await mkdtemp(path.join(tmpdir(), "bp-kill-"));
        cleanups.push(() => rm(dir, { recursive: true, force: true }));
        return { DATA_DIR: dir };
      }

      async function start(env: Record<string, string>): Promise<ChildServer> {
        const server = await startChildServer(env);
        cleanups.push(async () => {
          server.child.kill("SIGKILL");
          await server.exited;
        });
        return server;
      }

      async function teacherOf(server: ChildServer, s: { joinCode: string; instructorKey: string }): Promise<{ socket: Client; snapshot: Awaited<ReturnType<typeof join>> }> {
        const socket = await connectClient(server.url);
        cleanups.push(async () => void socket.disconnect());
        return { socket, snapshot: await join(socket, { joinCode: s.joinCode, name: "Teacher", instructorKey: s.instructorKey }) };
      }

      it.sequential("killed while playing: resumes paused at the last stored step (≥ every step a client saw), bit-identical", async () => {
        const env = await storage();
        const first = await start(env);
        const s = await createSession(first.url);
        const { socket } = await teacherOf(first, s);
        const frames = collectFrames(socket);
        await request(socket, "session:control", { action: "play", stepsPerSecond: 60 });
        await waitFor(() => frames.length >= 40, 10_000, "40 frames");
        first.child.kill("SIGKILL");
        await first.exited;
        const seen = Math.max(...frames.map((f) => decodeStepFrame(f).step));

        const second = await start(env);
        const { socket: again, snapshot } = await teacherOf(second, s);
        expect(snapshot.state).toBe("paused");
        expect(snapshot.step).toBeGreaterThanOrEqual(seen);
        expect(snapshot.params).toEqual(reference([snapshot.step]));
        const frames2 = collectFrames(again);
        await request(again, "session:control", { action: "step", count: 3 });
        await waitFor(() => frames2.length === 3, 5_000, "3 frames after restart");
        expect(frames2.map((f) => f[0])).toEqual([snapshot.step + 1, snapshot.step + 2, snapshot.step + 3]);
        expect(decodeStepFrame(frames2[2]).params).toEqual(reference([snapshot.step + 3]));
      });

      it.sequential("killed while idle: the exact step, hyperparameters and parameters come back", async () => {
        const env = await storage();
        const first = await start(env);
        const s = await createSession(first.url);
        const { socket } = await teacherOf(first, s);
        await request(socket, "session:control", { action: "step", count: 7 });
        await request(socket, "session:control", { action: "set", learningRate: 2 });
        await request(socket, "session:control", { action: "step", count: 5 });
        const before = await request<{ step: number }>(socket, "session:control", { action: "pause" });
        expect(before).toMatchObject({ ok: true, data: { step: 12 } });
        first.child.kill("SIGKILL");
        await first.exited;

        const second = await start(env);
        const { socket: again, snapshot } = await teacherOf(second, s);
        expect(snapshot).toMatchObject({ step: 12, state: "paused", hyper: { learningRate: 2 } });
        expect(snapshot.params).toEqual(reference([7, { learningRate: 2 }, 5]));
        expect(snapshot.history.map((h) => h[0])).toEqual(Array.from({ length: 12 }, (_, k) => k + 1));
        await request(again, "session:control", { action: "step", count: 4 });
        const resync = await request<{ params: number[]; step: number }>(again, "session:resync", {});
        expect(resync.ok && resync.data.params).toEqual(reference([7, { learningRate: 2 }, 9]));
      });

      it.sequential("[V1][W1] killed while playing a later run: every run is still listed and the current one comes back bit-identical", async () => {
        const env = await storage();
        const first = await start(env);
        const s = await createSession(first.url);
        const { socket } = await teacherOf(first, s);
        await request(socket, "session:control", { action: "step", count: 5 });
        await request(socket, "session:control", { action: "set", learningRate: 2 });
        await request(socket, "session:control", { action: "step", count: 3 });
        await request(socket, "session:control", { action: "reset", seed: 5 });
        await request(socket, "session:control", { action: "step", count: 4 });
        await request(socket, "session:control", { action: "set", learningRate: 1.5 });
        const frames = collectFrames(socket);
        await request(socket, "session:control", { action: "play", stepsPerSecond: 60 });
        await waitFor(() => frames.length >= 20, 10_000, "20 frames of the second run");
        first.child.kill("SIGKILL");
        await first.exited;
        const seen = Math.max(...frames.map((f) => decodeStepFrame(f).step));

        const second = await start(env);
        const { snapshot } = await teacherOf(second, s);
        expect(snapshot.step).toBeGreaterThanOrEqual(seen);
        const t = new Trainer(parseEngineConfig({ init: { seed: 5 } }));
        t.run(4);
        t.setHyper({ learningRate: 1.5 });
        t.run(snapshot.step - 4);
        expect(snapshot.params).toEqual(Array.from(t.theta));
        expect(snapshot.previous?.hyper.learningRate).toBe(1.5);
        const runs = (await (await fetch(`${second.url}/api/sessions/${s.id}/runs`)).json()) as { runs: { run: number; cause: string; steps: number }[] };
        expect(runs.runs.map((r) => [r.run, r.cause, r.steps])).toEqual([
          [0, "start", 8],
          [1, "reset", snapshot.step],
        ]);
        const kept = (await (await fetch(`${second.url}/api/sessions/${s.id}/steps?run=0`)).json()) as { steps: number[][] };
        expect(kept.steps.map((r) => r[0])).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      });

      it.sequential("SIGTERM exits 0 after storing everything, and the restart resumes where clients were", async () => {
        const env = await storage();
        const first = await start(env);
        const s = await createSession(first.url);
        const { socket } = await teacherOf(first, s);
        const frames = collectFrames(socket);
        await request(socket, "session:control", { action: "play", stepsPerSecond: 60 });
        await waitFor(() => frames.length >= 20, 10_000, "20 frames");
        first.child.kill("SIGTERM");
        expect(await first.exited).toBe(0);
        const seen = Math.max(...frames.map((f) => f[0]));
        const second = await start(env);
        const { snapshot } = await teacherOf(second, s);
        expect(snapshot.step).toBe(seen); // graceful: every computed step was released before exit
        expect(snapshot.params).toEqual(reference([seen]));
      });
    });
  }
});
