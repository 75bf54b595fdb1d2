import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "@/server/app";
import { openDatabase, type Database } from "@/server/db";
import { loadEnv } from "@/server/env";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

function connected(url: string, transports: ("websocket" | "polling")[]): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(url, { transports, forceNew: true, reconnection: false });
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

/** The HTTP status a WebSocket upgrade request on `path` gets back. */
function upgradeStatus(url: string, pathname: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${pathname}`, {
      headers: { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==" },
    });
    req.on("response", (res) => resolve(res.statusCode ?? 0));
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

/** Runs `tsx server/index.ts` and collects how it ended. */
function runServer(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child: ChildProcessWithoutNullStreams = spawn(path.join(ROOT, "node_modules/.bin/tsx"), ["server/index.ts"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...env },
      stdio: "pipe",
    });
    child.stdout.resume();
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe("createApp without Next", () => {
  let dataDir: string;
  let db: Database;
  let app: App;
  let url: string;
  const shutdownCalls: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "bp-app-"));
    const env = loadEnv({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir });
    db = await openDatabase(env);
    app = await createApp({
      env,
      db,
      dev: false,
      next: false,
      hooks: {
        onRequest: [
          (req, res) => {
            if (req.url !== "/api/ping") return false;
            res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, data: "pong" }));
            return true;
          },
          async (req) => {
            if (req.url === "/api/boom") throw new Error("secret detail from the database");
            return false;
          },
        ],
        onShutdown: [() => void shutdownCalls.push("flush")],
      },
    });
    app.hooks.onSocketServer.push((io) => {
      io.on("connection", (socket) => socket.on("echo", (value: unknown, ack: (v: unknown) => void) => ack(value)));
    });
    ({ url } = await app.listen());
  });

  afterAll(async () => {
    await app?.close();
    await db?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("listens on an ephemeral port", () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url).not.toMatch(/:0$/);
  });

  it("answers an unknown path with a JSON 404", async () => {
    const res = await fetch(`${url}/no/such/page`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect(await res.json()).toEqual({ ok: false, error: { code: "NOT_FOUND", message: "no route for GET /no/such/page" } });
  });

  it("lets a request hook answer before the fallback", async () => {
    const res = await fetch(`${url}/api/ping`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, data: "pong" });
  });

  it("turns a throwing hook into a 500 that leaks nothing", async () => {
    const res = await fetch(`${url}/api/boom`);
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(JSON.parse(body)).toEqual({ ok: false, error: { code: "INTERNAL", message: "internal server error" } });
    expect(body).not.toContain("secret");
  });

  it("serves Socket.IO over WebSocket and long-polling, with the registered handlers", async () => {
    for (const transports of [["websocket"], ["polling"]] as const) {
      const socket = await connected(url, [...transports]);
      try {
        await expect(socket.timeout(5_000).emitWithAck("echo", { n: 1 })).resolves.toEqual({ n: 1 });
      } finally {
        socket.close();
      }
    }
  });

  it("refuses WebSocket upgrades on other paths", async () => {
    expect(await upgradeStatus(url, "/elsewhere")).toBe(404);
    expect(await upgradeStatus(url, "/_next/hmr")).toBe(404);
  });

  it("closes gracefully: runs shutdown hooks, disconnects sockets, stops listening", async () => {
    const socket = await connected(url, ["websocket"]);
    const disconnected = new Promise<string>((resolve) => socket.once("disconnect", resolve));
    await app.close();
    expect(await disconnected).toBeTruthy();
    expect(shutdownCalls).toEqual(["flush"]);
    expect(app.server.listening).toBe(false);
    await expect(fetch(`${url}/api/ping`)).rejects.toThrow();
    await app.close();
    expect(shutdownCalls).toEqual(["flush"]);
    socket.close();
  });
});

describe("server/index.ts start-up failures", () => {
  it("exits 1 with one clear line when the database cannot be opened", async () => {
    const { code, stderr } = await runServer({ DATABASE_URL: "postgresql://postgres@127.0.0.1:1/nowhere", PORT: "0" });
    expect(code).toBe(1);
    const lines = stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^backprop-live: cannot open database: .*ECONNREFUSED/);
  });

  it("exits 1 with one clear line naming a bad environment variable", async () => {
    const { code, stderr } = await runServer({ PORT: "not-a-port" });
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toEqual([expect.stringMatching(/^backprop-live: invalid environment variable PORT: /)]);
  });
});
