import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Trainer } from "@/lib/engine";
import { presetConfig } from "@/lib/presets";
import type { ControlsInfo, PollResult, PollView, SessionSnapshot } from "@/lib/protocol";
import { startChildServer, type ChildServer } from "../helpers/child-server";
import { connectClient, createSession, join, request, type Client } from "../helpers/live-server";
import { issuedToken, TEST_TOKEN_SECRET } from "../helpers/tokens";

describe("[Q10][R15] teaching state after kill -9 and restart", { timeout: 180_000 }, () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });
  async function start(env: Record<string, string>): Promise<ChildServer> {
    const server = await startChildServer(env);
    cleanups.push(async () => {
      server.child.kill("SIGKILL");
      await server.exited;
    });
    return server;
  }
  async function connect(server: ChildServer): Promise<Client> {
    const c = await connectClient(server.url);
    cleanups.push(async () => void c.disconnect());
    return c;
  }

  it("[Q10] an open poll comes back open with its votes; the preset and the fork link come back; the reveal then works", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "bp-teach-kill-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const first = await start({ DATA_DIR: dir, PARTICIPANT_TOKEN_SECRET: TEST_TOKEN_SECRET });
    const s = await createSession(first.url);
    const teacher = await connect(first);
    await join(teacher, { joinCode: s.joinCode, name: "Teacher", instructorKey: s.instructorKey });
    await request(teacher, "session:control", { action: "preset", presetId: "symmetric-init" });
    await request(teacher, "session:control", { action: "step", count: 3 });
    const student = await connect(first);
    await join(student, { joinCode: s.joinCode, name: "Ada", participantToken: issuedToken("recovery-token-00000001") });
    const fork = await request<{ sessionId: string; joinCode: string; instructorKey: string }>(student, "session:fork", {});
    const opened = await request<PollView>(teacher, "poll:open", { kind: "param-direction", param: "w11" });
    if (!opened.ok || !fork.ok) throw new Error("setup failed");
    expect(await request(student, "poll:vote", { pollId: opened.data.id, answer: "down" })).toMatchObject({ ok: true });

    first.child.kill("SIGKILL");
    await first.exited;
    const second = await start({ DATA_DIR: dir, PARTICIPANT_TOKEN_SECRET: TEST_TOKEN_SECRET });
    const back = await connect(second);
    const snap: SessionSnapshot = await join(back, { joinCode: s.joinCode, name: "Ada", participantToken: issuedToken("recovery-token-00000001") });
    expect(snap.step).toBe(3);
    expect(snap.teaching?.preset?.id).toBe("symmetric-init");
    expect(snap.teaching?.poll).toEqual(opened.data);
    expect(snap.teaching?.myVote).toBe("down");
    expect(await request(back, "poll:vote", { pollId: opened.data.id, answer: "up" })).toMatchObject({ ok: false, error: { code: "CONFLICT" } });

    const forkViewer = await connect(second);
    const forkSnap = await join(forkViewer, { joinCode: fork.data.joinCode, name: "Ada" });
    expect(forkSnap.teaching?.origin).toEqual({ sessionId: s.id, step: 3 });
    expect(forkSnap.teaching?.preset?.id).toBe("symmetric-init");

    const teacher2 = await connect(second);
    await join(teacher2, { joinCode: s.joinCode, name: "Teacher", instructorKey: s.instructorKey });
    const revealed = await request<PollResult>(teacher2, "poll:reveal", { pollId: opened.data.id });
    if (!revealed.ok) throw new Error(revealed.error.message);
    const t = new Trainer(presetConfig("symmetric-init"));
    t.run(3);
    const before = t.theta[0];
    t.run(1);
    expect(revealed.data).toMatchObject({ step: 4, before, after: t.theta[0], votes: 1, counts: { up: 0, down: 1, stay: 0 } });
    const stored = await (await fetch(`${second.url}/api/sessions/${s.id}/polls`, { headers: { authorization: `Bearer ${s.instructorKey}` } })).json();
    expect(stored.polls[0]).toMatchObject({ state: "revealed", votes: 1 });
  });
  it("[Q10][Q11][H6] a poll in its second round comes back in round 2 with both rounds' votes; the driver comes back and still drives", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "bp-teach-round-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const env = { DATA_DIR: dir, PARTICIPANT_TOKEN_SECRET: TEST_TOKEN_SECRET };
    const first = await start(env);
    const s = await createSession(first.url);
    const teacher = await connect(first);
    await join(teacher, { joinCode: s.joinCode, name: "Teacher", instructorKey: s.instructorKey });
    const tokens = [issuedToken("round-recovery-ada-0001"), issuedToken("round-recovery-bo-00001")];
    const [ada, bo] = [await connect(first), await connect(first)];
    const adaSnap = await join(ada, { joinCode: s.joinCode, name: "Ada", participantToken: tokens[0] });
    await join(bo, { joinCode: s.joinCode, name: "Bo", participantToken: tokens[1] });
    const handed = await request<ControlsInfo>(teacher, "control:hand", { participantId: adaSnap.teaching!.driverId });
    expect(handed.ok).toBe(true);
    expect(await request(ada, "session:control", { action: "step", count: 2 })).toMatchObject({ ok: true });
    const opened = await request<PollView>(teacher, "poll:open", { kind: "param-direction", param: "wo1" });
    if (!opened.ok) throw new Error(opened.error.message);
    await request(ada, "poll:vote", { pollId: opened.data.id, answer: "up" });
    await request(bo, "poll:vote", { pollId: opened.data.id, answer: "up" });
    expect(await request(teacher, "poll:again", { pollId: opened.data.id })).toMatchObject({ ok: true, data: { round: 2 } });
    expect(await request(ada, "poll:vote", { pollId: opened.data.id, answer: "down" })).toMatchObject({ ok: true });

    first.child.kill("SIGKILL");
    await first.exited;
    const second = await start(env);
    const ada2 = await connect(second);
    const snap: SessionSnapshot = await join(ada2, { joinCode: s.joinCode, name: "Ada", participantToken: tokens[0] });
    expect(snap.teaching?.poll).toEqual({ ...opened.data, round: 2 });
    expect(snap.teaching?.myVote).toBe("down");
    expect(snap.teaching?.controls).toEqual(handed.ok && handed.data);
    expect(await request(ada2, "poll:vote", { pollId: opened.data.id, answer: "up" })).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
    const bo2 = await connect(second);
    await join(bo2, { joinCode: s.joinCode, name: "Bo", participantToken: tokens[1] });
    expect(await request(bo2, "poll:vote", { pollId: opened.data.id, answer: "stay" })).toMatchObject({ ok: true });

    const teacher2 = await connect(second);
    await join(teacher2, { joinCode: s.joinCode, name: "Teacher", instructorKey: s.instructorKey });
    const revealed = await request<PollResult>(teacher2, "poll:reveal", { pollId: opened.data.id });
    if (!revealed.ok) throw new Error(revealed.error.message);
    expect(revealed.data).toMatchObject({ votes: 2, counts: { up: 0, down: 1, stay: 1 }, rounds: [{ counts: { up: 2, down: 0, stay: 0 }, votes: 2 }, { votes: 2 }] });
    expect(revealed.data.moves).toEqual([
      { from: "up", to: "down", count: 1 },
      { from: "up", to: "stay", count: 1 },
    ]);
    // The driver drives after the restart, and is logged as such.
    expect(await request(ada2, "session:control", { action: "step" })).toMatchObject({ ok: true, data: { step: 4 } });
    const log = await (await fetch(`${second.url}/api/sessions/${s.id}/runs/0`)).json();
    const logged = log.controls.map((c: { action: string; actor: { role: string; name: string } | null }) => `${c.action}:${c.actor ? `${c.actor.role}:${c.actor.name}` : "server"}`);
    // The reveal's step is the instructor's (H5).
    expect(logged).toEqual(["step:student:Ada", "step:instructor:Teacher", "step:student:Ada"]);
  });
});
