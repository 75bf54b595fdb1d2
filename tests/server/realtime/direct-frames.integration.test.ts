import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server, type Socket } from "socket.io";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { writeBroadcastFrame } from "@/server/realtime/direct-frames";
import { guardOutbound } from "@/server/security/outbound-guard";

/** A bare Socket.IO server with the outbound guard (which takes the direct path), and one WebSocket client. */
async function start(): Promise<{ io: Server; http: HttpServer; client: ClientSocket; socket: Socket }> {
  const http = createServer();
  const io = new Server(http);
  guardOutbound(io);
  const connected = new Promise<Socket>((resolve) => io.once("connection", resolve));
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const client = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ["websocket"], forceNew: true, reconnection: false });
  const socket = await connected;
  await new Promise<void>((resolve) => (client.connected ? resolve() : client.once("connect", () => resolve())));
  return { io, http, client, socket };
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
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  it("[R1] an idle socket gets each broadcast as one direct write, in order, with the same payload as engine.io's path", async () => {
    const { io, http, client, socket } = await start();
    stop = async () => {
      client.close();
      await io.close();
      http.close();
    };
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
    const { io, http, client, socket } = await start();
    stop = async () => {
      client.close();
      await io.close();
      http.close();
    };
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
    const { io, http, client, socket } = await start();
    stop = async () => {
      client.close();
      await io.close();
      http.close();
    };
    expect(writeBroadcastFrame(socket, ["2[\"x\"]"], {})).toBe(false);
    expect(writeBroadcastFrame(socket, ["a", "b"], { wsPreEncodedFrame: [Buffer.from("x")] })).toBe(false);
    const direct = countDirectWrites(socket);
    const got = new Promise((resolve) => client.once("session:error", resolve));
    socket.emit("session:error", { code: "X", message: "y" });
    await expect(got).resolves.toEqual({ code: "X", message: "y" });
    expect(direct()).toBe(0);
  });
});
