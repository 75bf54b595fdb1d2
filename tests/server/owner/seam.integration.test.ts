import { expect, it } from "vitest";
import type { SessionSnapshot } from "@/lib/protocol";
import { collectFrames, createSession, join, request, waitFor } from "../helpers/live-server";
import { describeTopologies, nodeClients } from "../helpers/topologies";

describeTopologies("one way into a session", (nodes) => {
  /** A client of node A or B (sessions are created on A; the same node in a single process). */
  const client = nodeClients(nodes);

  it("[R13][C2][C12] a join with a wrong instructor key leaves the socket in the session it was in, on any node", async () => {
    const s = await createSession(nodes().a.url);
    const other = await createSession(nodes().a.url);
    const teacher = await client("b");
    await join(teacher, { joinCode: s.joinCode, name: "T", instructorKey: s.instructorKey });
    const frames = collectFrames(teacher);
    const presence: number[] = [];
    teacher.on("session:presence", (p) => presence.push(p.count));
    const wrong = await request(teacher, "session:join", { joinCode: other.joinCode, name: "T", instructorKey: s.instructorKey });
    expect(wrong).toMatchObject({ ok: false, error: { code: "UNAUTHORIZED" } });
    // Still the instructor of the first session: controls work, steps arrive, the roster still counts it.
    expect(await request(teacher, "session:control", { action: "step", count: 2 })).toMatchObject({ ok: true, data: { step: 2 } });
    await waitFor(() => frames.length === 2, 10_000, "two steps");
    const resync = await request<SessionSnapshot>(teacher, "session:resync", {});
    expect(resync).toMatchObject({ ok: true, data: { sessionId: s.id, role: "instructor", participants: 1 } });
  });

  it("[D4][C2] PUT …/data on a node that does not run the session is applied by its owner; GET shows the owner's live state", async () => {
    const s = await createSession(nodes().a.url);
    const watcher = await client("a");
    await join(watcher, { joinCode: s.joinCode, name: "W" });
    const snapshots: SessionSnapshot[] = [];
    watcher.on("session:snapshot", (snap) => snapshots.push(snap));
    const url = `${nodes().b.url}/api/sessions/${s.id}/data`;
    const denied = await fetch(url, { method: "PUT", headers: { "content-type": "text/csv", authorization: "Bearer wrong" }, body: "x1,x2,y\n0,0,0\n1,1,1\n" });
    expect(denied.status).toBe(401);
    const res = await fetch(url, { method: "PUT", headers: { "content-type": "text/csv", authorization: `Bearer ${s.instructorKey}` }, body: "x1,x2,y\n0,0,0\n1,1,1\n0,1,1\n" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ step: 0, points: 3 });
    await waitFor(() => snapshots.length > 0, 10_000, "the data snapshot");
    expect((snapshots.at(-1)!.config.dataset as { points: unknown[] }).points).toHaveLength(3);
    const summary = await (await fetch(`${nodes().b.url}/api/sessions/${s.id}`)).json();
    expect(summary).toMatchObject({ id: s.id, connected: 1 });
    // The node that does not run the session never loads a copy of it.
    if (nodes().distinct) expect(nodes().b.live.registry.loaded(s.id)).toBeUndefined();
  });

  it("[P1] every event gets exactly one answer: an ack without a payload, and extra arguments", async () => {
    const c = await client("b");
    const bare = await new Promise((resolve) => (c.emit as (e: string, cb: (r: unknown) => void) => void)("session:resync", resolve));
    expect(bare).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    const extra = await new Promise((resolve) => (c.emit as (e: string, a: unknown, b: unknown, cb: (r: unknown) => void) => void)("session:join", { joinCode: "ZZZZZZ", name: "X" }, "more", resolve));
    expect(extra).toMatchObject({ ok: false, error: { code: "BAD_REQUEST", message: expect.stringMatching(/one payload/) } });
    const errors: unknown[] = [];
    c.on("session:error", (e) => errors.push(e));
    (c.emit as (e: string, p: unknown) => void)("session:control", { action: "pause" }); // no ack: the refusal comes as session:error
    await waitFor(() => errors.length === 1, 5_000, "session:error");
    expect(errors[0]).toMatchObject({ code: "FORBIDDEN" });
  });
});
