import { expect, it } from "vitest";
import type { CoInstructorLink, ControlsInfo, SessionSnapshot } from "@/lib/protocol";
import { connectClient, createSession, join, request, waitFor, type Client } from "../helpers/live-server";
import { describeTopologies, nodeClients } from "../helpers/topologies";
import { issuedToken } from "../helpers/tokens";

const ADA = issuedToken("driver-ada");
const BO = issuedToken("driver-bo");

/** Every training control a driver may send (H2), in an order that works from a paused session. */
const TRAINING = [
  { action: "step", count: 2 },
  { action: "phase" },
  { action: "step" },
  { action: "set", learningRate: 0.2 },
  { action: "play", stepsPerSecond: 20 },
  { action: "play", stepsPerSecond: 30 },
  { action: "pause" },
];
/** Controls and requests that stay the instructor's (H2). */
const ADMIN_CONTROLS = [{ action: "reset" }, { action: "fastForward", epochs: 1 }, { action: "preset", presetId: "dead-relu" }, { action: "edit", edit: { kind: "restart" } }, { action: "data", points: [{ x: [0, 0], y: [1] }] }, { action: "end" }];

describeTopologies("a student at the controls", (nodes) => {
  const client = nodeClients(nodes);

  /** A session run by node A; the instructor and Bo on node B, Ada on A; a read-only viewer and a stranger who never joined. */
  async function classroom() {
    const s = await createSession(nodes().a.url);
    const teacher = await client("b");
    await join(teacher, { joinCode: s.joinCode, name: "Teacher", instructorKey: s.instructorKey });
    const ada = await client("a");
    const adaSnap = await join(ada, { joinCode: s.joinCode, name: "Ada", participantToken: ADA });
    const bo = await client("b");
    await join(bo, { joinCode: s.joinCode, name: "Bo", participantToken: BO });
    const viewer = await client("b");
    await join(viewer, { sessionId: s.id, name: "Viewer" });
    const stranger = await client("a");
    const resynced = await request<SessionSnapshot>(teacher, "session:resync", {});
    if (!resynced.ok) throw new Error(resynced.error.message);
    const roster = resynced.data.roster ?? [];
    return { s, teacher, ada, bo, viewer, stranger, adaId: adaSnap.teaching!.driverId!, roster };
  }

  async function expectForbidden(c: Client, event: Parameters<typeof request>[1], payload: unknown, message?: RegExp) {
    const res = await request(c, event, payload);
    expect(res, `${event} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, error: { code: "FORBIDDEN", ...(message ? { message: expect.stringMatching(message) } : {}) } });
  }

  it("[H1][H2][H3][H4] authorisation matrix: instructor, driver, former driver, other student, read-only viewer, stranger", async () => {
    const { s, teacher, ada, bo, viewer, stranger, adaId, roster } = await classroom();
    // The roster gives every participant an id; Ada's is the one her own join answer says she would drive as.
    expect(roster.find((p) => p.name === "Ada")?.participantId).toBe(adaId);
    expect(adaId).toMatch(/^[0-9a-f]{16}$/);

    // Only the instructor hands over (H1); bad ids are named.
    for (const c of [ada, bo]) await expectForbidden(c, "control:hand", { participantId: adaId });
    await expectForbidden(viewer, "control:hand", { participantId: adaId }, /join a session first/);
    await expectForbidden(stranger, "control:take", {}, /join a session first/);
    expect(await request(teacher, "control:hand", { participantId: "Ada" })).toMatchObject({ ok: false, error: { code: "BAD_REQUEST", message: expect.stringMatching(/^participantId: must be a participant id/) } });
    expect(await request(teacher, "control:hand", { participantId: "0123456789abcdef" })).toMatchObject({ ok: false, error: { code: "NOT_FOUND", message: expect.stringMatching(/^participantId: nobody connected/) } });
    const teacherId = roster.find((p) => p.role === "instructor")!.participantId;
    expect(await request(teacher, "control:hand", { participantId: teacherId })).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });

    // Before the hand-over nobody but the instructor controls.
    await expectForbidden(ada, "session:control", { action: "step" }, /^only the instructor can control the session$/);

    const told: ControlsInfo[] = [];
    bo.on("session:controls", (e) => told.push(e));
    const handed = await request<ControlsInfo>(teacher, "control:hand", { participantId: adaId });
    expect(handed).toMatchObject({ ok: true, data: { driver: { id: adaId, name: "Ada", kind: "student" } } });
    await waitFor(() => told.length === 1, 5000, "session:controls");
    expect(told[0]).toEqual(handed.ok && handed.data);

    // The driver: every training control (H2)…
    for (const c of TRAINING) expect(await request(ada, "session:control", c), JSON.stringify(c)).toMatchObject({ ok: true });
    // …but nothing that is the instructor's.
    for (const c of ADMIN_CONTROLS) await expectForbidden(ada, "session:control", c, new RegExp(`${c.action} is for the instructor`));
    await expectForbidden(ada, "poll:open", { kind: "loss-direction" });
    await expectForbidden(ada, "session:focus", { view: "curve" });
    await expectForbidden(ada, "control:hand", { participantId: adaId });
    await expectForbidden(ada, "control:link", { name: "Me" });
    await expectForbidden(ada, "control:take", {});
    // Other student, read-only viewer, stranger: nothing.
    await expectForbidden(bo, "session:control", { action: "step" }, /^only the instructor can control the session$/);
    await expectForbidden(viewer, "session:control", { action: "step" }, /join a session first/);
    await expectForbidden(stranger, "session:control", { action: "step" }, /join a session first/);
    // The instructor keeps every control meanwhile.
    expect(await request(teacher, "session:control", { action: "step" })).toMatchObject({ ok: true });

    // A driver is a participant token, not a socket: Ada on another node, in another tab, still drives; and everyone's snapshot says who drives.
    const ada2 = await client("b");
    const snap = await join(ada2, { joinCode: s.joinCode, name: "Ada", participantToken: ADA });
    expect(snap.teaching?.controls?.driver).toMatchObject({ id: adaId, name: "Ada" });
    expect(snap.teaching?.driverId).toBe(adaId);
    expect(await request(ada2, "session:control", { action: "step" })).toMatchObject({ ok: true });
    // A poll holds the driver's controls too (Q6).
    const poll = await request<{ id: string }>(teacher, "poll:open", { kind: "loss-direction" });
    expect(await request(ada, "session:control", { action: "step" })).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
    await request(teacher, "poll:cancel", { pollId: poll.ok ? poll.data.id : "" });

    // Take back (H3): the former driver, on every tab, is a student again.
    expect(await request<ControlsInfo>(teacher, "control:take", {})).toEqual({ ok: true, data: { driver: null } });
    await waitFor(() => told.length === 2, 5000, "session:controls after take-back");
    expect(told[1]).toEqual({ driver: null });
    for (const c of [ada, ada2]) await expectForbidden(c, "session:control", { action: "pause" }, /^only the instructor can control the session$/);
    expect(await request(teacher, "session:control", { action: "step" })).toMatchObject({ ok: true });

    // Every control is logged with who sent it (H5).
    const log = await (await fetch(`${nodes().b.url}/api/sessions/${s.id}/runs/0`)).json();
    const actors = log.controls.map((c: { action: string; actor: { role: string; name: string } | null }) => `${c.action}:${c.actor?.role}:${c.actor?.name}`);
    expect(actors).toEqual([
      "step:student:Ada",
      "phase:student:Ada",
      "step:student:Ada",
      "set:student:Ada",
      "play:student:Ada",
      "play:student:Ada",
      "pause:student:Ada",
      "step:instructor:Teacher",
      "step:student:Ada",
      "step:instructor:Teacher",
    ]);
  });

  it("[H1][H3][H4] a co-instructor link drives with its own key until taken back; the key is never shown to the room", async () => {
    const { s, teacher, ada, bo, adaId } = await classroom();
    expect(await request(teacher, "control:link", { name: "" })).toMatchObject({ ok: false, error: { code: "BAD_REQUEST", message: expect.stringMatching(/^name: must not be empty/) } });
    const link = await request<CoInstructorLink>(teacher, "control:link", { name: "Sam (TA)" });
    if (!link.ok) throw new Error(link.error.message);
    expect(link.data.key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(link.data.controls.driver).toMatchObject({ name: "Sam (TA)", kind: "co-instructor", id: expect.stringMatching(/^link:/) });

    const sam = await client("a");
    expect(await request(sam, "session:join", { joinCode: s.joinCode, name: "Sam", coInstructorKey: "wrong" })).toMatchObject({ ok: false, error: { code: "UNAUTHORIZED", message: expect.stringMatching(/^coInstructorKey:/) } });
    expect(await request(sam, "session:join", { joinCode: s.joinCode, name: "Sam", coInstructorKey: link.data.key, instructorKey: s.instructorKey })).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
    const samSnap = await join(sam, { joinCode: s.joinCode, name: "Sam", coInstructorKey: link.data.key });
    expect(samSnap.role).toBe("student");
    expect(samSnap.teaching?.driverId).toBe(link.data.controls.driver!.id);
    expect(await request(sam, "session:control", { action: "step", count: 3 })).toMatchObject({ ok: true, data: { step: 3 } });
    await expectForbidden(sam, "session:control", { action: "reset" }, /reset is for the instructor/);
    // Ada is not the driver while the link is.
    await expectForbidden(ada, "session:control", { action: "step" });

    // What the room (a projector joins like a student) sees: a name, never the key.
    const projector = await connectClient(nodes().b.url);
    const seen = await join(projector, { joinCode: s.joinCode, name: "Projector" });
    projector.close();
    expect(seen.teaching?.controls?.driver).toMatchObject({ name: "Sam (TA)", kind: "co-instructor" });
    expect(JSON.stringify(seen)).not.toContain(link.data.key);

    // Handing to a student replaces the link: its key stops working at once (one driver at a time).
    expect(await request(teacher, "control:hand", { participantId: adaId })).toMatchObject({ ok: true });
    await expectForbidden(sam, "session:control", { action: "step" });
    expect(await request(ada, "session:control", { action: "step" })).toMatchObject({ ok: true });
    const late = await client("b");
    expect(await request(late, "session:join", { joinCode: s.joinCode, name: "Sam", coInstructorKey: link.data.key })).toMatchObject({ ok: false, error: { code: "UNAUTHORIZED" } });
    await request(teacher, "control:take", {});
    await expectForbidden(bo, "session:control", { action: "step" });

    const log = await (await fetch(`${nodes().a.url}/api/sessions/${s.id}/runs/0`)).json();
    expect(log.controls.map((c: { actor: { role: string; name: string } | null }) => c.actor)).toEqual([
      { role: "co-instructor", name: "Sam (TA)" },
      { role: "student", name: "Ada" },
    ]);
  });
});
