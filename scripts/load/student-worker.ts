/**
 * A worker process of simulated students (forked by the load benches, driven over IPC): opens
 * `socket.io-client` WebSocket connections, joins a session (or, for the bare baseline, just listens),
 * and records per-step delivery latency (receipt Date.now() − the frame's sentAt, same machine clock),
 * missing steps within each connection, and the bytes of a step frame on the wire.
 */
import { io as connect, type Socket } from "socket.io-client";
import type { Ack, SessionSnapshot, StepFrame } from "../../lib/protocol";
import { record, type Histogram } from "./stats";

/** Commands from the bench. */
export type WorkerCommand =
  | { type: "connect"; url: string; count: number; joinCode?: string; name: string; spreadMs?: number; concurrency?: number; measureBytes?: boolean }
  | { type: "window"; from: number; to: number }
  | { type: "churn"; count: number; awayMs: number }
  | { type: "report"; finalStep?: number }
  | { type: "close" };

/** Answer to `connect` (and `churn`): joins done, errors, and each join's connect-to-snapshot time. */
export interface ConnectedMessage {
  type: "connected";
  joined: number;
  errors: string[];
  joinMs: number[];
}

/** Answer to `report`. */
export interface WorkerReport {
  type: "report";
  /** Latency of frames whose step is inside a window. */
  latency: Histogram;
  /** Connections open now, and ever opened (churn replaces some). */
  open: number;
  connections: number;
  /** Window steps received by each open connection that was open since before the first window. */
  inWindow: number[];
  /** Steps skipped inside a connection (after its join snapshot), plus the tail it never got. */
  missing: number;
  connectionsWithGaps: number;
  /** Frames arriving out of order or twice. */
  disorder: number;
  /** Sizes of step messages on the wire (engine.io packet, WebSocket header excluded). */
  frameBytes: number[];
  /** This worker's own CPU time, to tell whether the load generator kept up. */
  cpuMs: number;
}

interface Conn {
  socket: Socket;
  /** The step this connection expects next (from its join snapshot, or its first frame). */
  expect: number | null;
  last: number;
  missing: number;
  inWindow: number;
  /** Joined before the first window opened, so it should have every window step. */
  wholeWindow: boolean;
  open: boolean;
}

const JOIN_TIMEOUT_MS = 15_000;
const conns: Conn[] = [];
const latency = new Map<number, number>();
const frameBytes: number[] = [];
/**
 * The measured ranges of steps (inclusive). A new window adds a range and never closes an earlier
 * one, so a frame of an earlier slice that arrives late still counts (BENCH_INTERLEAVE).
 */
const windows: { from: number; to: number }[] = [];
const inWindows = (step: number) => windows.some((w) => step >= w.from && step <= w.to);
let disorder = 0;
let target: Extract<WorkerCommand, { type: "connect" }> | null = null;

function onFrame(conn: Conn, frame: StepFrame): void {
  const now = Date.now();
  const step = frame[0];
  if (conn.expect !== null) {
    if (step > conn.expect) conn.missing += step - conn.expect;
    else if (step < conn.expect) disorder++;
  }
  conn.expect = Math.max(conn.expect ?? 0, step + 1);
  conn.last = Math.max(conn.last, step);
  if (inWindows(step)) {
    conn.inWindow++;
    record(latency, now - frame[4]);
  }
}

/** Opens one student: connects, joins, resolves with the time from connect start to snapshot. */
function openOne(spec: Extract<WorkerCommand, { type: "connect" }>, k: number, measure: boolean): Promise<number> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(spec.url, { transports: ["websocket"], forceNew: true, reconnection: false, timeout: JOIN_TIMEOUT_MS });
    const conn: Conn = { socket, expect: null, last: 0, missing: 0, inWindow: 0, wholeWindow: windows.length === 0, open: true };
    const timer = setTimeout(() => fail(new Error("join timed out")), JOIN_TIMEOUT_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      conn.open = false;
      socket.disconnect();
      reject(error);
    };
    socket.on("session:step", (frame: StepFrame) => onFrame(conn, frame));
    socket.on("disconnect", () => (conn.open = false));
    socket.once("connect_error", (error) => fail(error));
    socket.once("connect", () => {
      if (measure) {
        socket.io.engine.on("packet", (p: { type: string; data?: unknown }) => {
          if (p.type === "message" && typeof p.data === "string" && p.data.startsWith('2["session:step"')) frameBytes.push(1 + Buffer.byteLength(p.data));
        });
      }
      if (spec.joinCode === undefined) {
        clearTimeout(timer);
        conns.push(conn);
        return resolve(Date.now() - started);
      }
      socket.emit("session:join", { joinCode: spec.joinCode, name: `${spec.name} ${k}` }, (ack: Ack<SessionSnapshot>) => {
        if (!ack.ok) return fail(new Error(`${ack.error.code}: ${ack.error.message}`));
        clearTimeout(timer);
        conn.last = Math.max(conn.last, ack.data.step);
        conn.expect = Math.max(conn.expect ?? 0, ack.data.step + 1);
        conns.push(conn);
        resolve(Date.now() - started);
      });
    });
  });
}

/** Opens `count` students, at most `concurrency` at a time, or spread evenly over `spreadMs`. */
async function openMany(spec: Extract<WorkerCommand, { type: "connect" }>, count: number, firstIndex: number): Promise<ConnectedMessage> {
  const joinMs: number[] = [];
  const errors: string[] = [];
  const one = (k: number) =>
    openOne(spec, firstIndex + k, spec.measureBytes === true && firstIndex + k === 0).then(
      (ms) => void joinMs.push(ms),
      (error: Error) => void errors.push(error.message),
    );
  if (spec.spreadMs) {
    const gap = spec.spreadMs / count;
    await Promise.all(Array.from({ length: count }, (_, k) => new Promise<void>((r) => setTimeout(() => void one(k).then(r), k * gap))));
  } else {
    const concurrency = spec.concurrency ?? 25;
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await one(next++);
    }));
  }
  return { type: "connected", joined: joinMs.length, errors, joinMs };
}

/** Disconnects `count` random open students and, after `awayMs`, opens as many fresh ones. */
async function churn(count: number, awayMs: number): Promise<ConnectedMessage> {
  const open = conns.filter((c) => c.open);
  for (let k = 0; k < count && open.length > 0; k++) {
    const [conn] = open.splice(Math.floor(Math.random() * open.length), 1);
    conn.open = false;
    conn.socket.disconnect();
  }
  await new Promise((r) => setTimeout(r, awayMs));
  return openMany({ ...target!, measureBytes: false }, count, conns.length);
}

function report(finalStep: number | undefined): WorkerReport {
  let missing = 0;
  let withGaps = 0;
  const inWindow: number[] = [];
  for (const c of conns) {
    // A connection still open at the end should have every step up to the last one released.
    const tail = c.open && finalStep !== undefined && c.expect !== null ? Math.max(0, finalStep + 1 - c.expect) : 0;
    missing += c.missing + tail;
    if (c.missing + tail > 0) withGaps++;
    if (c.open && c.wholeWindow) inWindow.push(c.inWindow);
  }
  const cpu = process.cpuUsage();
  return {
    type: "report",
    latency: [...latency.entries()].sort((a, b) => a[0] - b[0]),
    open: conns.filter((c) => c.open).length,
    connections: conns.length,
    inWindow,
    missing,
    connectionsWithGaps: withGaps,
    disorder,
    frameBytes,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

process.on("message", (cmd: WorkerCommand) => {
  const send = (m: object) => process.send!(m);
  if (cmd.type === "connect") {
    target = cmd;
    void openMany(cmd, cmd.count, 0).then(send);
  } else if (cmd.type === "window") {
    windows.push({ from: cmd.from, to: cmd.to });
  } else if (cmd.type === "churn") void churn(cmd.count, cmd.awayMs).then((m) => send({ ...m, type: "churned" }));
  else if (cmd.type === "report") send(report(cmd.finalStep));
  else if (cmd.type === "close") {
    for (const c of conns) c.socket.disconnect();
    setTimeout(() => process.exit(0), 100);
  }
});
// The bench died: do not linger.
process.on("disconnect", () => process.exit(0));
