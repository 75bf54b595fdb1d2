import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ack } from "@/lib/protocol";
import { connectClient, createSession, join, request, startTestServer, type Client, type TestServer } from "../helpers/live-server";

type Actor = "instructor" | "student" | "wrong key" | "no join" | "other session's instructor";

/** Every control with a valid payload and the state an instructor gets after it. */
const CONTROLS: { action: string; payload: Record<string, unknown>; state: string }[] = [
  { action: "play", payload: { action: "play", stepsPerSecond: 5 }, state: "playing" },
  { action: "pause", payload: { action: "pause" }, state: "paused" },
  { action: "step", payload: { action: "step", count: 2 }, state: "paused" },
  { action: "phase", payload: { action: "phase" }, state: "paused" },
  { action: "reset", payload: { action: "reset", seed: 7 }, state: "paused" },
  { action: "set", payload: { action: "set", learningRate: 0.05 }, state: "paused" },
  { action: "fastForward", payload: { action: "fastForward", epochs: 1 }, state: "paused" },
  { action: "end", payload: { action: "end" }, state: "finished" },
];

/** What each actor gets, for any control, on the target session. */
const EXPECTED: Record<Actor, { join: "ok" | "UNAUTHORIZED" | null; control: "ok" | "FORBIDDEN" | "ok on its own session only" }> = {
  instructor: { join: "ok", control: "ok" },
  student: { join: "ok", control: "FORBIDDEN" },
  "wrong key": { join: "UNAUTHORIZED", control: "FORBIDDEN" },
  "no join": { join: null, control: "FORBIDDEN" },
  "other session's instructor": { join: "UNAUTHORIZED", control: "ok on its own session only" },
};

describe("[R13] authorisation matrix: every control × every kind of caller", () => {
  let server: TestServer;
  const sockets: Client[] = [];
  let passed = 0;
  const cases = CONTROLS.flatMap((c) => (Object.keys(EXPECTED) as Actor[]).map((actor) => ({ ...c, actor })));

  beforeAll(async () => {
    server = await startTestServer("pglite", { FAILED_JOINS_PER_MINUTE: "1000" });
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    console.log(`authorisation cases passed: ${passed} of ${cases.length}`);
    await server.close();
  });

  async function socket(): Promise<Client> {
    const s = await connectClient(server.url);
    sockets.push(s);
    return s;
  }

  /** The target's state as the server holds it, and how many controls it has logged. */
  async function observe(id: string) {
    await server.live.queue.drain();
    const live = server.live.registry.loaded(id)!;
    return { state: live.state, step: live.step, controls: await server.db.prisma.controlEvent.count({ where: { sessionId: id } }) };
  }

  it.each(cases)("$action by $actor", async ({ action, payload, state, actor }) => {
    const expected = EXPECTED[actor];
    const target = await createSession(server.url, { title: `target of ${action} by ${actor}` });
    // The target has a history, so that reset, phase and end have something to change.
    const owner = await socket();
    await join(owner, { joinCode: target.joinCode, name: "Owner", instructorKey: target.instructorKey });
    expect((await request(owner, "session:control", { action: "step", count: 3 })).ok).toBe(true);
    const before = await observe(target.id);

    const caller = await socket();
    let other: Awaited<ReturnType<typeof createSession>> | null = null;
    let joinAck: Ack<unknown> | null = null;
    if (actor === "instructor") joinAck = await request(caller, "session:join", { joinCode: target.joinCode, name: "Co-teacher", instructorKey: target.instructorKey });
    if (actor === "student") joinAck = await request(caller, "session:join", { joinCode: target.joinCode, name: "Student" });
    if (actor === "wrong key") joinAck = await request(caller, "session:join", { joinCode: target.joinCode, name: "Guesser", instructorKey: `${target.instructorKey.slice(0, -1)}x` });
    if (actor === "other session's instructor") {
      other = await createSession(server.url, { title: "the other class" });
      await join(caller, { joinCode: other.joinCode, name: "Other teacher", instructorKey: other.instructorKey });
      joinAck = await request(caller, "session:join", { joinCode: target.joinCode, name: "Other teacher", instructorKey: other.instructorKey });
    }
    if (expected.join === null) expect(joinAck).toBeNull();
    else if (expected.join === "ok") expect(joinAck).toMatchObject({ ok: true });
    else expect(joinAck).toMatchObject({ ok: false, error: { code: expected.join } });

    const ack = await request<{ state: string }>(caller, "session:control", payload);
    const after = await observe(target.id);
    if (expected.control === "ok") {
      expect(ack).toMatchObject({ ok: true, data: { state } });
      expect(after.controls).toBe(before.controls + 1);
    } else {
      if (expected.control === "FORBIDDEN") expect(ack).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
      else {
        // The refused join left it in its own class: the control lands there, never on the target.
        expect(ack).toMatchObject({ ok: true, data: { state } });
        expect(await observe(other!.id)).toMatchObject({ state, controls: 1 });
      }
      expect(after).toEqual(before);
    }
    if (after.state === "playing") expect((await request(owner, "session:control", { action: "pause" })).ok).toBe(true);
    passed++;
  });
});
