import type { Server, Socket } from "socket.io";
import { log } from "../log";
import { fanOutDirectly, writeBroadcastFrame } from "../realtime/direct-frames";

/**
 * Most bytes one socket may have waiting to be sent (engine.io's write buffer plus the WebSocket's
 * own buffer). Above the step-frame threshold of server/realtime/slow-readers.ts (1 MB), which is
 * reached first by a slow reader of step frames and resyncs it; this cap holds whatever the event
 * (resync answers, acks, errors, presence).
 */
export const MAX_BACKLOG_BYTES = 2 * 1024 * 1024;
/** Most packets waiting in engine.io's write buffer of one socket (bounds the cost of measuring it). */
export const MAX_BACKLOG_PACKETS = 2_000;

interface EngineConn {
  writeBuffer?: { data?: unknown }[];
  transport?: { socket?: { bufferedAmount?: number; terminate?: () => void } };
}

/** Room broadcasts written in one loop over the room (realtime/direct-frames.ts): the step frames, many a second to every student. */
const DIRECT_EVENTS: ReadonlySet<string> = new Set(["session:step"]);

/** Bytes (and packets) a socket has not yet handed to the network. */
export function pendingOutput(socket: Socket): { bytes: number; packets: number } {
  const conn = socket.conn as unknown as EngineConn;
  const buffer = conn.writeBuffer ?? [];
  let bytes = conn.transport?.socket?.bufferedAmount ?? 0;
  for (const p of buffer) bytes += typeof p.data === "string" ? p.data.length : ((p.data as ArrayBufferView | undefined)?.byteLength ?? 0);
  return { bytes, packets: buffer.length };
}

/**
 * Bounds every outgoing message per socket: each packet written to a socket, by `socket.emit`, an
 * ack or a room broadcast, passes through its client's `writeToEngine`, which is wrapped here. A socket
 * whose backlog is over the cap gets nothing more and is disconnected at once (its buffers are dropped
 * with the connection, so the memory is returned); the client reconnects and resyncs from a snapshot.
 * Below the cap, a room broadcast's frame is written straight to the WebSocket when engine.io has
 * nothing queued (realtime/direct-frames.ts): for a session's step frames, in one loop over the room
 * that comes here only for the sockets it declines.
 */
export function guardOutbound(io: Server, caps: { bytes: number; packets: number } = { bytes: MAX_BACKLOG_BYTES, packets: MAX_BACKLOG_PACKETS }): void {
  const cut = new WeakSet<Socket>();
  const isCut = (socket: Socket) => cut.has(socket);
  io.on("connection", (socket: Socket) => {
    // The namespace's adapter is final once sockets connect (a cluster sets the Redis one before).
    fanOutDirectly(socket.nsp.adapter, DIRECT_EVENTS, caps.bytes, isCut);
    const client = socket.client as unknown as { writeToEngine: (packets: unknown, opts: unknown) => void };
    const write = client.writeToEngine.bind(client);
    client.writeToEngine = (packets, opts) => {
      if (cut.has(socket)) return;
      const pending = pendingOutput(socket);
      if (pending.bytes <= caps.bytes && pending.packets <= caps.packets) {
        if (!writeBroadcastFrame(socket, packets, opts)) write(packets, opts);
        return;
      }
      cut.add(socket);
      log.warn({ socketId: socket.id }, `socket cut off: ${pending.bytes} bytes (${pending.packets} packets) unsent`);
      cutOff(socket);
    };
  });
}

/**
 * Disconnects a socket at once. A WebSocket whose peer does not read would otherwise wait for the
 * close handshake (30 s) holding its buffers, so the TCP connection is dropped too.
 */
export function cutOff(socket: Socket): void {
  socket.disconnect(true);
  (socket.conn as unknown as EngineConn).transport?.socket?.terminate?.();
}
