import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { io as connect, type Socket } from "socket.io-client";
import type { Ack, ClientToServerEvents, ServerToClientEvents, SessionSnapshot, StepFrame } from "@/lib/protocol";
import { createApp, type App } from "@/server/app";
import { openDatabase, type Database } from "@/server/db";
import { loadEnv } from "@/server/env";
import { attachLiveSessions, type LiveService } from "@/server/live";
import { seedPgliteDataDir } from "./pglite-template";
import { createTempDatabase } from "./postgres";
import { TEST_TOKEN_SECRET } from "./tokens";

/** A real server (API + Socket.IO, no Next) on an ephemeral port. */
export interface TestServer {
  url: string;
  app: App;
  db: Database;
  live: LiveService;
  close(): Promise<void>;
}

/** Starts the server on PGlite in a temp dir (a copy of the template database), or on a fresh PostgreSQL database. */
export async function startTestServer(kind: "pglite" | "postgres", extraEnv: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "bp-live-"));
  // A DATABASE_URL given by the caller is shared (several nodes of one cluster): the caller drops it.
  const pgdb = kind === "postgres" && extraEnv.DATABASE_URL === undefined ? await createTempDatabase() : null;
  const env = loadEnv({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, PARTICIPANT_TOKEN_SECRET: TEST_TOKEN_SECRET, ...(pgdb ? { DATABASE_URL: pgdb.url } : {}), ...extraEnv });
  if (!env.DATABASE_URL) await seedPgliteDataDir(env.DATA_DIR);
  const db = await openDatabase(env);
  const app = await createApp({ env, db, dev: false, next: false });
  const live = attachLiveSessions(app, env);
  const { url } = await app.listen();
  return {
    url,
    app,
    db,
    live,
    async close() {
      await app.close();
      await db.close();
      await pgdb?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A typed socket.io client. */
export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Connects a client over WebSocket. */
export function connectClient(url: string, options: { reconnection?: boolean } = {}): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket: Client = connect(url, { transports: ["websocket"], forceNew: true, reconnection: options.reconnection ?? false });
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

/** Emits an event with an ack and resolves with the ack. */
export function request<T = unknown>(socket: Client, event: keyof ClientToServerEvents, payload: unknown): Promise<Ack<T>> {
  return new Promise((resolve) => (socket.emit as (e: string, p: unknown, cb: (r: Ack<T>) => void) => void)(event, payload, resolve));
}

/** Creates a session over HTTP. */
export async function createSession(url: string, body: unknown = {}): Promise<{ id: string; joinCode: string; instructorKey: string; joinUrl: string }> {
  const res = await fetch(`${url}/api/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Joins and returns the snapshot (throws on a failed ack). */
export async function join(socket: Client, payload: Record<string, unknown>): Promise<SessionSnapshot> {
  const ack = await request<SessionSnapshot>(socket, "session:join", payload);
  if (!ack.ok) throw new Error(`join failed: ${ack.error.code} ${ack.error.message}`);
  return ack.data;
}

/** Collects every step frame a client receives. */
export function collectFrames(socket: Client): StepFrame[] {
  const frames: StepFrame[] = [];
  socket.on("session:step", (f) => frames.push(f));
  return frames;
}

/** Resolves once `predicate` holds, polling; rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
