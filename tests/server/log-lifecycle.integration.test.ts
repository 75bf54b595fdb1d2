/**
 * Issue 16: in production the server logs one JSON object a line (pino), and a session's life cycle
 * (created, first join, play, pause, end) can be followed by its `sessionId`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startChildServer, type ChildServer } from "./helpers/child-server";
import { connectClient, createSession, join, request, waitFor, type Client } from "./helpers/live-server";

describe("the production log (child process, NODE_ENV=production)", { timeout: 120_000 }, () => {
  let server: ChildServer;
  let dataDir: string;
  let teacher: Client | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "bp-log-"));
    server = await startChildServer({ DATA_DIR: dataDir });
  });

  afterAll(async () => {
    teacher?.disconnect();
    if (server && server.child.exitCode === null) {
      server.child.kill("SIGTERM");
      await server.exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it("writes JSON lines, and those of one session carry its sessionId from creation to end", async () => {
    const created = await createSession(server.url, { title: "logged" });
    teacher = await connectClient(server.url);
    await join(teacher, { joinCode: created.joinCode, name: "Teacher", instructorKey: created.instructorKey });
    for (const action of ["play", "pause", "end"]) {
      const ack = await request(teacher, "session:control", action === "play" ? { action, stepsPerSecond: 20 } : { action });
      expect(ack.ok, action).toBe(true);
    }
    const sessionLines = () =>
      server
        .output()
        .split("\n")
        .filter((l) => l.includes(created.id))
        .map((l) => JSON.parse(l) as { sessionId?: string; msg: string; level: number; time: string });
    await waitFor(() => sessionLines().some((l) => l.msg === "control end"), 10_000, "the end line");

    // Every line the server wrote is one JSON object (nothing free-text left).
    const lines = server.output().split("\n").filter((l) => l.trim() !== "");
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    expect(lines.map((l) => JSON.parse(l).msg)).toContain(`ready on ${server.url}`);

    const mine = sessionLines();
    expect(mine.every((l) => l.sessionId === created.id && typeof l.time === "string" && l.level === 30)).toBe(true);
    expect(mine.map((l) => l.msg)).toEqual(["session created", "first participant joined", "control play", "control pause", "control end"]);
    expect(created.instructorKey.length).toBeGreaterThan(0);
    expect(server.output()).not.toContain(created.instructorKey); // secrets never reach the log
  });
});
