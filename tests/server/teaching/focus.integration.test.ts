import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProjectorFocus } from "@/lib/protocol";
import { connectClient, createSession, join, request, startTestServer, waitFor, type Client, type TestServer } from "../helpers/live-server";

describe("projector focus (session:focus)", () => {
  let server: TestServer;
  const clients: Client[] = [];
  beforeAll(async () => {
    server = await startTestServer("pglite");
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.close();
  });

  async function client(): Promise<Client> {
    const c = await connectClient(server.url);
    clients.push(c);
    return c;
  }

  it("[PV1] the instructor sets the focus; everyone in the room gets it, and later snapshots carry it", async () => {
    const s = await createSession(server.url, {});
    const teacher = await client();
    const first = await join(teacher, { joinCode: s.joinCode, name: "Teacher", instructorKey: s.instructorKey });
    expect(first.teaching?.focus).toBe("network");
    const projector = await client();
    await join(projector, { joinCode: s.joinCode, name: "Projector" });
    const seen: ProjectorFocus[] = [];
    projector.on("session:focus", (e) => seen.push(e.view));
    expect(await request(teacher, "session:focus", { view: "curve" })).toEqual({ ok: true, data: { view: "curve" } });
    await waitFor(() => seen.length === 1, 5000, "the focus event");
    expect(seen).toEqual(["curve"]);
    const late = await client();
    expect((await join(late, { joinCode: s.joinCode, name: "Late" })).teaching?.focus).toBe("curve");
  });

  it("[PV2] only the instructor sets it (FORBIDDEN); an unknown view is BAD_REQUEST naming the field", async () => {
    const s = await createSession(server.url, {});
    const teacher = await client();
    await join(teacher, { joinCode: s.joinCode, name: "Teacher", instructorKey: s.instructorKey });
    const student = await client();
    await join(student, { joinCode: s.joinCode, name: "Ada" });
    expect(await request(student, "session:focus", { view: "join" })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    const bad = await request(teacher, "session:focus", { view: "names" });
    expect(bad).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
    expect(!bad.ok && bad.error.message).toMatch(/view: must be one of network, curve, poll, join/);
  });

  it("[PV4] the projector follows the room but is not a participant: not counted, not listed, cannot vote", async () => {
    const s = await createSession(server.url, {});
    const teacher = await client();
    await join(teacher, { joinCode: s.joinCode, name: "Teacher", instructorKey: s.instructorKey });
    const student = await client();
    await join(student, { joinCode: s.joinCode, name: "Ada" });
    const projector = await client();
    const shown = await join(projector, { joinCode: s.joinCode, name: "Projector", projector: true });
    expect(shown.participants).toBe(2);
    const steps: number[] = [];
    projector.on("session:step", () => steps.push(1));
    expect(await request(teacher, "session:control", { action: "step", count: 1 })).toMatchObject({ ok: true });
    await waitFor(() => steps.length === 1, 5000, "the projector's step frame");
    const again = await request<{ participants: number; roster?: { name: string; participantId?: string }[] }>(teacher, "session:resync", {});
    expect(again).toMatchObject({ ok: true, data: { participants: 2 } });
    const roster = again.ok ? (again.data.roster ?? []) : [];
    expect(roster.map((r) => r.name).sort()).toEqual(["Ada", "Teacher"]);
    const poll = await request<{ id: string }>(teacher, "poll:open", { kind: "loss-direction" });
    expect(poll.ok).toBe(true);
    if (poll.ok) {
      expect(await request(projector, "poll:vote", { pollId: poll.data.id, answer: "down" })).toMatchObject({ ok: false, error: { code: "FORBIDDEN", message: "the projector view cannot vote" } });
      expect(await request(student, "poll:vote", { pollId: poll.data.id, answer: "down" })).toMatchObject({ ok: true });
    }
    expect(await request(await client(), "session:join", { joinCode: s.joinCode, name: "P", projector: true, instructorKey: s.instructorKey })).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
  });

  it("[PV3] the focus may change while a poll is open (it does not move the run)", async () => {
    const s = await createSession(server.url, {});
    const teacher = await client();
    await join(teacher, { joinCode: s.joinCode, name: "Teacher", instructorKey: s.instructorKey });
    expect(await request(teacher, "poll:open", { kind: "loss-direction" })).toMatchObject({ ok: true });
    expect(await request(teacher, "session:focus", { view: "poll" })).toEqual({ ok: true, data: { view: "poll" } });
  });
});
