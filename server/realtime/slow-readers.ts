import type { Server, Socket } from "socket.io";

/** A socket with more than this many bytes waiting in its WebSocket send buffer stops getting step frames. */
export const STALE_BUFFER_BYTES = 256 * 1024;
/** …or more than this many packets waiting in engine.io's own write buffer. */
export const STALE_PACKETS = 64;
/** A stale socket is resynced once its send buffer has drained below this. */
export const DRAINED_BUFFER_BYTES = 16 * 1024;

/** Bytes and packets a socket has not yet handed to the network. */
function backlog(socket: Socket): { bytes: number; packets: number } {
  const conn = socket.conn as unknown as { writeBuffer?: unknown[]; transport?: { socket?: { bufferedAmount?: number } } };
  return { bytes: conn.transport?.socket?.bufferedAmount ?? 0, packets: conn.writeBuffer?.length ?? 0 };
}

/**
 * Keeps a student who stops reading (a phone in a pocket, a stalled tab) from holding frames in
 * server memory: before each step broadcast, sockets whose send buffers are backed up are left out of
 * the broadcast; once drained, they are resynced with a snapshot and receive frames again. Everyone
 * else gets every frame, encoded once for the room.
 */
export class SlowReaders {
  private readonly stale = new Set<string>();

  constructor(private readonly io: Server) {}

  /**
   * Updates which sockets of `room` are stale; calls `resync` for each socket that just drained.
   * Returns the ids to leave out of this broadcast (stale ones, and ones resynced just now, whose
   * snapshot already includes this step).
   */
  check(room: string, resync: (socket: Socket) => void): string[] {
    const ids = this.io.sockets.adapter.rooms.get(room);
    if (!ids) return [];
    const skip: string[] = [];
    for (const id of this.stale) if (!ids.has(id)) this.stale.delete(id);
    for (const id of ids) {
      const socket = this.io.sockets.sockets.get(id);
      if (!socket) continue;
      const { bytes, packets } = backlog(socket);
      if (this.stale.has(id)) {
        if (bytes <= DRAINED_BUFFER_BYTES && packets === 0) {
          this.stale.delete(id);
          resync(socket);
        }
        skip.push(id);
      } else if (bytes > STALE_BUFFER_BYTES || packets > STALE_PACKETS) {
        this.stale.add(id);
        skip.push(id);
      }
    }
    return skip;
  }

  /** Sockets currently left out (for tests and metrics). */
  get size(): number {
    return this.stale.size;
  }
}
