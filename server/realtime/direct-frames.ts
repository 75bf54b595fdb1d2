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
    /** Its `perMessageDeflate` is set when the server compresses: frames must then go through `ws`'s deflate (engine.io checks the same). */
    opts?: { perMessageDeflate?: unknown };
    socket?: { readyState?: number; bufferedAmount?: number; _sender?: { sendFrame?: (list: Buffer[], cb?: () => void) => void } };
  };
}

/** `WebSocket.OPEN` of the `ws` package. */
const WS_OPEN = 1;

/** One buffer per broadcast: its frame's header and payload joined, so each socket's write is one `write`, not a corked pair. */
const joinedFrames = new WeakMap<object, Buffer[]>();

function joinedFrame(options: BroadcastOptions): Buffer[] | null {
  const frame = options.wsPreEncodedFrame;
  if (!frame) return null;
  let joined = joinedFrames.get(options);
  if (!joined) {
    joined = [frame.length === 1 ? frame[0] : Buffer.concat(frame)];
    joinedFrames.set(options, joined);
  }
  return joined;
}

/**
 * Writes a pre-encoded WebSocket frame (one buffer) straight to the socket's `ws` sender when nothing
 * of engine.io is waiting ahead of it (its write buffer is empty and its transport is not mid-send)
 * and the WebSocket holds at most `maxBufferedBytes` unsent, and returns true; otherwise returns false
 * and the caller takes engine.io's path.
 *
 * engine.io's own path for such a frame ends in the same `sendFrame` call, after building a packet,
 * queueing and flushing it, five event emissions and a write callback that turns the transport
 * writable again (`transport.send`, `_onSentLast`): per socket and per broadcast. Skipping them is
 * safe because engine.io has nothing queued that this frame could overtake, and the TCP socket keeps
 * the order of everything written to it; bytes still in its buffer count in `bufferedAmount`, which
 * the slow-reader check (R20) and the outbound guard (R21) read.
 */
function writeFrame(socket: Socket, frame: Buffer[], maxBufferedBytes: number): boolean {
  const conn = socket.conn as unknown as EngineConnection;
  if (conn.readyState !== "open" || (conn.writeBuffer?.length ?? 0) > 0) return false;
  const transport = conn.transport;
  if (transport?.name !== "websocket" || transport.writable !== true || transport.opts?.perMessageDeflate) return false;
  const ws = transport.socket;
  // ws's OPEN: a WebSocket closing its handshake takes nothing more (ws.send would refuse too)
  if (ws?.readyState !== WS_OPEN || (ws.bufferedAmount ?? 0) > maxBufferedBytes) return false;
  const sender = ws._sender;
  if (typeof sender?.sendFrame !== "function") return false;
  sender.sendFrame(frame);
  return true;
}

/**
 * Writes a room broadcast's pre-encoded frame straight to the socket (see writeFrame), for a packet
 * that reaches the socket through its client's `writeToEngine`; false for anything else (acks, one
 * socket's emits, a socket with something queued).
 */
export function writeBroadcastFrame(socket: Socket, packets: unknown, options: unknown): boolean {
  if (!Array.isArray(packets) || packets.length !== 1 || typeof options !== "object" || options === null) return false;
  const frame = joinedFrame(options as BroadcastOptions);
  return frame !== null && writeFrame(socket, frame, Number.POSITIVE_INFINITY);
}

/** The parts of socket.io-adapter's in-memory adapter (the base of every adapter) that room broadcasts go through. */
interface AdapterInternals {
  rooms: Map<string, Set<string>>;
  nsp: { sockets: Map<string, Socket> };
  _encode(packet: { id?: number; data?: unknown[] }, packetOpts: BroadcastOptions): unknown[];
  apply(opts: { rooms: Set<string>; except?: Set<string> }, callback: (socket: Socket) => void): void;
  computeExceptSids(exceptRooms?: Set<string>): Set<string>;
}

const directAdapters = new WeakSet<object>();

/**
 * Makes `adapter`'s broadcasts of `events` to one room (a session's step frames) write each idle
 * socket's frame directly in one loop over the room (see writeFrame), instead of calling, per socket,
 * the adapter's callback, the outbound guard's `writeToEngine` and then the same checks; a socket this
 * loop declines (something queued, over `maxBufferedBytes`, cut off) takes that path as before. At
 * 1,000 students this is most of the event loop's JavaScript per step (docs/benchmarks.md, issue 17,
 * fourth pass). Every other broadcast (presence, state events: a few a minute) keeps the adapter's path.
 *
 * The adapter keeps everything else of the broadcast: the recovery offset and the packet it stores
 * (connection state recovery), the cluster adapter's publication to other nodes, `except`. Its
 * `broadcast` encodes the packet (`_encode`) and then, synchronously, hands every socket of the room
 * to `apply`; this wraps the two on the adapter instance. Broadcasts with an ack, to several rooms or
 * to everyone take the adapter's own path. Idempotent per adapter.
 */
export function fanOutDirectly(adapter: object, events: ReadonlySet<string>, maxBufferedBytes: number, isCutOff: (socket: Socket) => boolean): void {
  if (directAdapters.has(adapter)) return;
  directAdapters.add(adapter);
  const a = adapter as AdapterInternals;
  // An adapter without these (another major version of socket.io-adapter) keeps its own path.
  if (typeof a._encode !== "function" || typeof a.apply !== "function" || typeof a.computeExceptSids !== "function" || !(a.rooms instanceof Map)) return;
  const encode = a._encode.bind(a);
  const apply = a.apply.bind(a);
  /** The frame of the broadcast being applied: set by `_encode`, taken by the `apply` that follows it. */
  let pending: Buffer[] | null = null;
  a._encode = (packet, packetOpts) => {
    const encoded = encode(packet, packetOpts);
    const event = packet.data?.[0];
    pending = packet.id === undefined && typeof event === "string" && events.has(event) ? joinedFrame(packetOpts) : null;
    return encoded;
  };
  a.apply = (opts, callback) => {
    const frame = pending;
    pending = null;
    if (frame === null || opts.rooms.size !== 1) return apply(opts, callback);
    const [room] = opts.rooms;
    const ids = a.rooms.get(room);
    if (!ids) return;
    const except = a.computeExceptSids(opts.except);
    const sockets = a.nsp.sockets;
    for (const id of ids) {
      if (except.size > 0 && except.has(id)) continue;
      const socket = sockets.get(id);
      if (socket && (isCutOff(socket) || !writeFrame(socket, frame, maxBufferedBytes))) callback(socket);
    }
  };
}
