/**
 * The bar for `bench:fanout`: a bare Socket.IO 4.8 server with default options that broadcasts, with
 * `io.emit`, a frame shaped like the product's step frame ([step, …, sentAt at index 4, …, padding])
 * padded to a given size on the wire, at a given rate. Forked by the bench and driven over IPC:
 * `{ type: "play", stepsPerSecond, frameBytes }`, `{ type: "pause" }`; it answers `{ type: "ready", port }` once it
 * listens. Usage: bench-baseline-server.ts <port> (0: a free one)
 */
import { createServer } from "node:http";
import { Server } from "socket.io";

const port = Number(process.argv[2] ?? 0);
const httpServer = createServer();
const io = new Server(httpServer);

let timer: NodeJS.Timeout | null = null;
let step = 0;

/** The frame for `step`, padded so that its engine.io packet has `frameBytes` bytes. */
function frame(stepNumber: number, sentAt: number, frameBytes: number): unknown[] {
  const bare: unknown[] = [stepNumber, 0, stepNumber % 4, 1, sentAt, 0.25, null, null, null, null, ""];
  // engine.io type "4" + socket.io type "2" + JSON of ["session:step", frame]
  const size = 2 + JSON.stringify(["session:step", bare]).length;
  bare[10] = "x".repeat(Math.max(0, frameBytes - size));
  return bare;
}

/** Broadcasts at a fixed rate; each tick is scheduled from the start time, so delays do not accumulate. */
function play(stepsPerSecond: number, frameBytes: number): void {
  const intervalMs = 1000 / stepsPerSecond;
  const start = performance.now();
  let ticks = 0;
  const tick = () => {
    step++;
    ticks++;
    io.emit("session:step", frame(step, Date.now(), frameBytes));
    timer = setTimeout(tick, Math.max(0, start + (ticks + 1) * intervalMs - performance.now()));
  };
  timer = setTimeout(tick, intervalMs);
}

process.on("message", (m: { type: string; stepsPerSecond?: number; frameBytes?: number }) => {
  if (m.type === "play") play(m.stepsPerSecond ?? 10, m.frameBytes ?? 256);
  if (m.type === "pause" && timer) {
    clearTimeout(timer);
    timer = null;
    process.send!({ type: "paused", step });
  }
});
process.on("SIGTERM", () => {
  if (timer) clearTimeout(timer);
  void io.close().then(() => process.exit(0));
});
process.on("disconnect", () => process.exit(0));

httpServer.listen(port, "127.0.0.1", () => process.send!({ type: "ready", port: (httpServer.address() as { port: number }).port }));
