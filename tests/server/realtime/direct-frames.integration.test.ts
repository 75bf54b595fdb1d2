import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server, type Socket } from "socket.io";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { writeBroadcastFrame } from "@/server/realtime/direct-frames";
import { guardOutbound } from "@/server/security/outbound-guard";

/** Closes what the running test started (set by startMany, or by a test that starts its own server). */
let stop: (() => Promise<void>) | undefined;

/** A bare Socket.IO server with the outbound guard (which takes the direct path), and one WebSocket client. */
async function start(options: ConstructorParameters<typeof Server>[1] = {}): Promise<{ io: Server; http: HttpServer; client: ClientSocket; socket: Socket }> {
  const { io, http, clients, sockets } = await startMany(1, options);
  return { io, http, client: clients[0], socket: sockets[0] };
}

/** The same with `count` clients, connected one after the other (so `sockets[k]` is `clients[k]`'s). */
async function startMany(count: number, options: ConstructorParameters<typeof Server>[1] = {}): Promise<{ io: Server; http: HttpServer; clients: ClientSocket[]; sockets: Socket[] }> {
  const http = createServer();
  const io = new Server(http, options);
  guardOutbound(io);
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const clients: ClientSocket[] = [];
  const sockets: Socket[] = [];
  stop = async () => {
    for (const c of clients) c.close();
    await io.close();
    http.close();
  };
  for (let k = 0; k < count; k++) {
    const connected = new Promise<Socket>((resolve) => io.once("connection", resolve));
    const client = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ["websocket"], forceNew: true, reconnection: false });
    sockets.push(await connected);
    await new Promise<void>((resolve) => (client.connected ? resolve() : client.once("connect", () => resolve())));
    clients.push(client);
  }
  return { io, http, clients, sockets };
}

/** Counts the direct writes of the socket's `ws` sender (engine.io's path uses it too, but with a callback). */
function countDirectWrites(socket: Socket): () => number {
  const sender = (socket.conn as unknown as { transport: { socket: { _sender: { sendFrame: (list: Buffer[], cb?: unknown) => void } } } }).transport.socket._sender;
  const send = sender.sendFrame.bind(sender);
  let direct = 0;
  sender.sendFrame = (list, cb) => {
    if (cb === undefined) direct++;
    send(list, cb);
  };
  return () => direct;
}

describe("room broadcasts written straight to the WebSocket (server/realtime/direct-frames.ts)", () => {
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  it("[R1] an idle socket gets each broadcast as one direct write, in order, with the same payload as engine.io's path", async () => {
    const { io, client, socket } = await start();
    const direct = countDirectWrites(socket);
    const got: number[][] = [];
    client.on("session:step", (frame: number[]) => got.push(frame));
    for (let step = 1; step <= 50; step++) {
      io.emit("session:step", [step, 0.5, "é ☃"]);
      await new Promise((r) => setTimeout(r, 2));
    }
    await expect.poll(() => got.length, { timeout: 5000 }).toBe(50);
    expect(got.map((f) => f[0])).toEqual(Array.from({ length: 50 }, (_, k) => k + 1));
    expect(got[49]).toEqual([50, 0.5, "é ☃"]);
    expect(direct()).toBe(50);
  });

  it("[R14] a broadcast never overtakes packets engine.io still holds for that socket: it queues behind them", async () => {
    const { io, client, socket } = await start();
    const order: string[] = [];
    client.on("session:snapshot", (s: { k: number }) => order.push(`snapshot ${s.k}`));
    client.on("session:step", (f: number[]) => order.push(`step ${f[0]}`));
    // Large packets to this socket alone: after the first, engine.io's transport is mid-send and buffers the rest.
    const big = "x".repeat(200_000);
    for (let k = 0; k < 5; k++) socket.emit("session:snapshot", { k, big });
    const queued = (socket.conn as unknown as { writeBuffer: unknown[] }).writeBuffer.length;
    expect(queued).toBeGreaterThan(0);
    expect(writeBroadcastFrame(socket, ["4…"], { wsPreEncodedFrame: [Buffer.from("x")] })).toBe(false);
    io.emit("session:step", [1]);
    await expect.poll(() => order.length, { timeout: 5000 }).toBe(6);
    expect(order).toEqual(["snapshot 0", "snapshot 1", "snapshot 2", "snapshot 3", "snapshot 4", "step 1"]);
  });

  it("leaves anything that is not a pre-encoded broadcast (acks, one socket's emits) to engine.io", async () => {
    const { io, client, socket } = await start();
    expect(writeBroadcastFrame(socket, ["2[\"x\"]"], {})).toBe(false);
    expect(writeBroadcastFrame(socket, ["a", "b"], { wsPreEncodedFrame: [Buffer.from("x")] })).toBe(false);
    const direct = countDirectWrites(socket);
    const got = new Promise((resolve) => client.once("session:error", resolve));
    socket.emit("session:error", { code: "X", message: "y" });
    await expect(got).resolves.toEqual({ code: "X", message: "y" });
    expect(direct()).toBe(0);
  });

  it("[R1] a step frame broadcast to one room is written to each of its idle sockets in one loop, leaving out `except` and sockets outside the room", async () => {
    const { io, clients, sockets } = await startMany(4);
    const direct = sockets.map(countDirectWrites);
    const got: number[][] = clients.map(() => []);
    clients.forEach((c, k) => c.on("session:step", (f: number[]) => got[k].push(f[0])));
    // Any per-socket path would pass through the guard's writeToEngine: count who gets there.
    const viaEngine: string[] = [];
    for (const socket of sockets) {
      const client = socket.client as unknown as { writeToEngine: (p: unknown, o: unknown) => void };
      const write = client.writeToEngine.bind(client);
      client.writeToEngine = (p, o) => (viaEngine.push(socket.id), write(p, o));
    }
    for (const k of [0, 1, 2]) sockets[k].join("s:1");
    for (let step = 1; step <= 20; step++) {
      (step > 10 ? io.to("s:1").except(sockets[1].id) : io.to("s:1")).emit("session:step", [step, "é"]);
      await new Promise((r) => setTimeout(r, 2));
    }
    await expect.poll(() => got[2].length, { timeout: 5000 }).toBe(20);
    await expect.poll(() => got[1].length, { timeout: 5000 }).toBe(10);
    const steps = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => from + k);
    expect(got[0]).toEqual(steps(1, 20));
    expect(got[1]).toEqual(steps(1, 10));
    expect(got[3]).toEqual([]);
    expect(direct.map((d) => d())).toEqual([20, 10, 20, 0]);
    expect(viaEngine).toEqual([]);
    // Other events (presence, state: a few a minute) keep the adapter's path, through the guard.
    io.to("s:1").emit("session:state", { state: "paused" });
    expect([...viaEngine].sort()).toEqual([sockets[0].id, sockets[1].id, sockets[2].id].sort());
    // The loop takes only the broadcast it follows: the next use of the room (here, a disconnect) is the adapter's own.
    io.in("s:1").disconnectSockets(true);
    await expect.poll(() => clients.map((c) => c.connected)).toEqual([false, false, false, true]);
  });

  it("[R14][R21] in a room broadcast, a socket with packets queued gets its frame behind them, and one over the backlog cap is cut off", async () => {
    const { io, clients, sockets } = await startMany(3);
    for (const socket of sockets) socket.join("s:1");
    const order: string[] = [];
    clients[0].on("session:snapshot", (s: { k: number }) => order.push(`snapshot ${s.k}`));
    clients[0].on("session:step", (f: number[]) => order.push(`step ${f[0]}`));
    const others: number[] = [];
    clients[1].on("session:step", (f: number[]) => others.push(f[0]));
    const big = "x".repeat(200_000);
    for (let k = 0; k < 3; k++) sockets[0].emit("session:snapshot", { k, big });
    expect((sockets[0].conn as unknown as { writeBuffer: unknown[] }).writeBuffer.length).toBeGreaterThan(0);
    // Socket 2's WebSocket holds more than the guard's 2 MB cap: the loop declines it and the guard cuts it off.
    const ws = (sockets[2].conn as unknown as { transport: { socket: object } }).transport.socket;
    Object.defineProperty(ws, "bufferedAmount", { get: () => 3 * 1024 * 1024 });
    const cut = new Promise<string>((resolve) => clients[2].once("disconnect", resolve));
    io.to("s:1").emit("session:step", [1]);
    await expect.poll(() => order.length, { timeout: 5000 }).toBe(4);
    expect(order).toEqual(["snapshot 0", "snapshot 1", "snapshot 2", "step 1"]);
    expect(others).toEqual([1]);
    await expect(cut).resolves.toBe("transport close");
  });

  it("keeps connection state recovery: the offset travels with each frame and a client back within the window gets what it missed", async () => {
    const http = createServer();
    const io = new Server(http, { connectionStateRecovery: { maxDisconnectionDuration: 30_000, skipMiddlewares: true } });
    guardOutbound(io);
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    io.on("connection", (socket) => {
      if (!socket.recovered) socket.join("s:1");
    });
    const client = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ["websocket"], forceNew: true, reconnectionDelay: 300, reconnectionDelayMax: 300, randomizationFactor: 0 });
    stop = async () => {
      client.close();
      await io.close();
      http.close();
    };
    const got: number[] = [];
    client.on("session:step", (f: number[]) => got.push(f[0]));
    await new Promise<void>((resolve) => client.once("connect", () => resolve()));
    const [socket] = await io.in("s:1").fetchSockets();
    const direct = countDirectWrites(io.of("/").sockets.get(socket.id)!);
    io.to("s:1").emit("session:step", [1]);
    await expect.poll(() => got).toEqual([1]);
    expect(direct()).toBe(1);
    // Drop the connection without a goodbye; broadcast while the client is away; it comes back recovered.
    const server = io.of("/").sockets.get(socket.id)!;
    const gone = new Promise((resolve) => server.once("disconnect", resolve));
    (server.conn as unknown as { transport: { socket: { terminate: () => void } } }).transport.socket.terminate();
    await gone; // the client comes back 300 ms after it notices
    expect(io.of("/").sockets.size).toBe(0);
    io.to("s:1").emit("session:step", [2]);
    io.to("s:1").emit("session:step", [3]);
    await expect.poll(() => got, { timeout: 5000 }).toEqual([1, 2, 3]);
    expect(client.recovered).toBe(true);
    io.to("s:1").emit("session:step", [4]);
    await expect.poll(() => got).toEqual([1, 2, 3, 4]);
  });

  it("leaves compressed connections (perMessageDeflate) to engine.io, which deflates each frame", async () => {
    const { io, clients, sockets } = await startMany(1, { perMessageDeflate: { threshold: 0 } });
    const direct = countDirectWrites(sockets[0]);
    sockets[0].join("s:1");
    const got: number[] = [];
    clients[0].on("session:step", (f: number[]) => got.push(f[0]));
    for (let step = 1; step <= 3; step++) io.to("s:1").emit("session:step", [step, "x".repeat(100)]);
    await expect.poll(() => got).toEqual([1, 2, 3]);
    expect(direct()).toBe(0);
  });
});
