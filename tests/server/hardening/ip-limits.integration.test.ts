import { io as connect } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectClient, createSession, join, request, startTestServer, type Client, type TestServer } from "../helpers/live-server";

describe("per-IP limits (configured low through the environment)", () => {
  let server: TestServer;
  const clients: Client[] = [];
  beforeAll(async () => {
    server = await startTestServer("pglite", { MAX_CONNECTIONS_PER_IP: "3", FAILED_JOINS_PER_MINUTE: "5", FAILED_JOIN_BLOCK_SECONDS: "2" });
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await server.close();
  });

  it("an address beyond MAX_CONNECTIONS_PER_IP open sockets gets connect_error LIMIT_REACHED; a close frees a place", async () => {
    for (let i = 0; i < 3; i++) clients.push(await connectClient(server.url));
    const refused = await new Promise<{ message: string; data?: { code?: string } }>((resolve, reject) => {
      const s = connect(server.url, { transports: ["websocket"], forceNew: true, reconnection: false });
      s.once("connect", () => reject(new Error("a 4th connection was accepted")));
      s.once("connect_error", (err) => {
        s.disconnect();
        resolve(err as Error & { data?: { code?: string } });
      });
    });
    expect(refused.message).toMatch(/too many connections from your address \(at most 3\)/);
    expect(refused.data?.code).toBe("LIMIT_REACHED");
    clients.pop()!.disconnect();
    await new Promise((r) => setTimeout(r, 200));
    clients.push(await connectClient(server.url));
    for (const c of clients.splice(0)) c.disconnect();
    await new Promise((r) => setTimeout(r, 200));
  });

  it("failed joins (unknown codes, wrong keys) beyond FAILED_JOINS_PER_MINUTE block every join from the address for a while", async () => {
    const created = await createSession(server.url);
    const guesser = await connectClient(server.url);
    clients.push(guesser);
    // A code no live session has: the first letter differs from the real one.
    const wrong = (created.joinCode[0] === "A" ? "B" : "A") + created.joinCode.slice(1);
    for (let i = 0; i < 4; i++) expect(await request(guesser, "session:join", { joinCode: wrong, name: "g" })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    expect(await request(guesser, "session:join", { joinCode: created.joinCode, name: "g", instructorKey: "guess" })).toMatchObject({ ok: false, error: { code: "UNAUTHORIZED" } });
    // Malformed payloads are not guesses: they do not count, and are refused as before.
    expect(await request(guesser, "session:join", { joinCode: "??", name: "g" })).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
    const blocked = await request(guesser, "session:join", { joinCode: created.joinCode, name: "g" });
    expect(blocked).toMatchObject({ ok: false, error: { code: "RATE_LIMITED", message: expect.stringMatching(/too many failed joins from your network; try again in [12] s/) } });
    // A new socket from the same address is blocked too.
    const other = await connectClient(server.url);
    clients.push(other);
    expect(await request(other, "session:join", { joinCode: created.joinCode, name: "o" })).toMatchObject({ ok: false, error: { code: "RATE_LIMITED" } });
    await new Promise((r) => setTimeout(r, 2_100));
    expect(await join(other, { joinCode: created.joinCode, name: "o" })).toMatchObject({ joinCode: created.joinCode, role: "student" });
  });
});
