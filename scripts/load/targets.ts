/**
 * What the load benches drive: the product (a session on the real server, controlled by an instructor
 * socket) or the bare baseline server (controlled over IPC). Both are observed by one extra client
 * that tracks the last step broadcast.
 */
import { io as connect, type Socket } from "socket.io-client";
import type { Ack, SessionSnapshot, StepFrame } from "../../lib/protocol";
import { nextMessage, startBaselineServer, startProductServer, type ProductOptions, type ServerProcess } from "./processes";

/** A broadcaster under test. */
export interface Target {
  kind: "product" | "baseline";
  server: ServerProcess;
  /** Join code students use (product only). */
  joinCode?: string;
  /** Last step the observer received. */
  lastStep(): number;
  /** Resolves once the observer has received `step`. */
  waitForStep(step: number, timeoutMs?: number): Promise<void>;
  play(stepsPerSecond: number, frameBytes?: number): Promise<void>;
  /** Stops broadcasting; resolves with the last step released. */
  pause(): Promise<number>;
  close(): Promise<void>;
}

function observe(url: string): Promise<{ socket: Socket; last: () => number; waitForStep: Target["waitForStep"] }> {
  const socket = connect(url, { transports: ["websocket"], forceNew: true, reconnection: false });
  let last = 0;
  const waiters = new Set<{ step: number; resolve: () => void }>();
  socket.on("session:step", (f: StepFrame) => {
    last = Math.max(last, f[0]);
    for (const w of waiters) if (last >= w.step) (waiters.delete(w), w.resolve());
  });
  const waitForStep = (step: number, timeoutMs = 120_000) =>
    new Promise<void>((resolve, reject) => {
      if (last >= step) return resolve();
      const w = { step, resolve: () => (clearTimeout(timer), resolve()) };
      const timer = setTimeout(() => (waiters.delete(w), reject(new Error(`observer never saw step ${step} (last ${last})`))), timeoutMs);
      waiters.add(w);
    });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve({ socket, last: () => last, waitForStep }));
    socket.once("connect_error", reject);
  });
}

function request<T>(socket: Socket, event: string, payload: unknown): Promise<T> {
  return new Promise((resolve, reject) =>
    socket.emit(event, payload, (ack: Ack<T>) => (ack.ok ? resolve(ack.data) : reject(new Error(`${event}: ${ack.error.code} ${ack.error.message}`)))),
  );
}

/** The real server with one live session, its instructor joined. */
export async function startProduct(env: Record<string, string> = {}, nodeArgs: string[] = [], options: ProductOptions = {}): Promise<Target> {
  // Every simulated student comes from 127.0.0.1: raise the per-session and per-IP limits above any N.
  const server = await startProductServer({ MAX_SOCKETS_PER_SESSION: "100000", MAX_CONNECTIONS_PER_IP: "100000", CONTROLS_PER_SECOND: "1000", ...env }, nodeArgs, options);
  const res = await fetch(`${server.url}/api/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ title: "bench" }) });
  if (res.status !== 201) throw new Error(`creating a session failed: ${res.status} ${await res.text()}`);
  const session = (await res.json()) as { joinCode: string; instructorKey: string };
  const observer = await observe(server.url);
  await request<SessionSnapshot>(observer.socket, "session:join", { joinCode: session.joinCode, name: "instructor", instructorKey: session.instructorKey });
  return {
    kind: "product",
    server,
    joinCode: session.joinCode,
    lastStep: observer.last,
    waitForStep: observer.waitForStep,
    play: (stepsPerSecond) => request(observer.socket, "session:control", { action: "play", stepsPerSecond }).then(() => undefined),
    pause: () => request<{ step: number }>(observer.socket, "session:control", { action: "pause" }).then((r) => r.step),
    async close() {
      observer.socket.disconnect();
      await server.stop();
    },
  };
}

/** The bare Socket.IO server of scripts/bench-baseline-server.ts. */
export async function startBaseline(): Promise<Target> {
  const server = await startBaselineServer();
  const observer = await observe(server.url);
  return {
    kind: "baseline",
    server,
    lastStep: observer.last,
    waitForStep: observer.waitForStep,
    async play(stepsPerSecond, frameBytes = 256) {
      server.child.send({ type: "play", stepsPerSecond, frameBytes });
    },
    async pause() {
      const reply = nextMessage<{ type: "paused"; step: number }>(server.child, "paused");
      server.child.send({ type: "pause" });
      return (await reply).step;
    },
    async close() {
      observer.socket.disconnect();
      await server.stop();
    },
  };
}
