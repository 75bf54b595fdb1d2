/**
 * Review finding 7: with connection state recovery, Socket.IO persists `socket.data` by reference before
 * it emits `disconnect`; the disconnect handler (leave) then clears `data.session`/`data.role` on that same
 * object. So a recovered socket comes back in the session's rooms (rooms are copied) but with no session:
 * `rejoin` never runs, it is not counted, and the instructor can no longer control until it joins again.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { connectClient, createSession, join, request, startTestServer, waitFor, type TestServer } from "../helpers/live-server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer("pglite");
});
afterAll(async () => {
  await server?.close();
});

it("a socket recovered after a transport drop keeps its session and role without joining again", async () => {
  const s = await createSession(server.url);
  const teacher = await connectClient(server.url, { reconnection: true });
  let presence = 0;
  teacher.on("session:presence", () => presence++);
  await join(teacher, { joinCode: s.joinCode, name: "T", instructorKey: s.instructorKey });
  const live = server.live.registry.byJoinCode(s.joinCode)!;
  expect(live.participants.size).toBe(1);
  await waitFor(() => presence > 0, 5_000, "a broadcast (recovery needs an offset)");
  teacher.io.engine.close(); // network blip
  await new Promise((r) => setTimeout(r, 400));
  await waitFor(() => teacher.connected, 5_000, "reconnection");
  expect((teacher as unknown as { recovered: boolean }).recovered).toBe(true);
  const ack = await request(teacher, "session:control", { action: "step", count: 1 });
  // fails: { ok: false, error: { code: "FORBIDDEN", message: "join a session first" } }, participants 0
  expect({ ok: ack.ok, participants: live.participants.size }).toEqual({ ok: true, participants: 1 });
  teacher.close();
});
