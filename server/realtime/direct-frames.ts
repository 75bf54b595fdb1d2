import type { Socket } from "socket.io";

/** The options Socket.IO's adapter passes with a broadcast: the WebSocket frame it encoded once for the room. */
interface BroadcastOptions {
  wsPreEncodedFrame?: Buffer[];
}

interface EngineConnection {
  readyState?: string;
  writeBuffer?: unknown[];
  transport?: {
    name?: string;
    writable?: boolean;
    socket?: { readyState?: number; _sender?: { sendFrame?: (list: Buffer[], cb?: () => void) => void } };
  };
}

/** `WebSocket.OPEN` of the `ws` package. */
const WS_OPEN = 1;

/** One buffer per broadcast: its frame's header and payload joined, so each socket's write is one `write`, not a corked pair. */
const joinedFrames = new WeakMap<object, Buffer[]>();

/**
 * Writes a room broadcast's pre-encoded WebSocket frame straight to the socket's `ws` sender when
 * nothing of engine.io is waiting ahead of it (its write buffer is empty and its transport is not
 * mid-send), and returns true; otherwise returns false and the caller takes engine.io's path.
 *
 * engine.io's own path for such a frame ends in the same `sendFrame` call, after building a packet,
 * queueing and flushing it, five event emissions and a write callback that turns the transport
 * writable again (`transport.send`, `_onSentLast`): per socket and per broadcast. Skipping them is
 * safe because engine.io has nothing queued that this frame could overtake, and the TCP socket keeps
 * the order of everything written to it; bytes still in its buffer count in `bufferedAmount`, which
 * the slow-reader check (R20) and the outbound guard (R21) read.
 */
export function writeBroadcastFrame(socket: Socket, packets: unknown, options: unknown): boolean {
  const frame = (options as BroadcastOptions | undefined)?.wsPreEncodedFrame;
  if (!frame || !Array.isArray(packets) || packets.length !== 1) return false;
  const conn = socket.conn as unknown as EngineConnection;
  const transport = conn.transport;
  if (conn.readyState !== "open" || transport?.name !== "websocket" || transport.writable !== true || (conn.writeBuffer?.length ?? 0) > 0) return false;
  // ws's OPEN: a WebSocket closing its handshake takes nothing more (ws.send would refuse too)
  if (transport.socket?.readyState !== WS_OPEN) return false;
  const sender = transport.socket._sender;
  if (typeof sender?.sendFrame !== "function") return false;
  let joined = joinedFrames.get(options as object);
  if (!joined) {
    joined = [frame.length === 1 ? frame[0] : Buffer.concat(frame)];
    joinedFrames.set(options as object, joined);
  }
  sender.sendFrame(joined);
  return true;
}
