import type { Server, Socket } from "socket.io";

/**
 * A socket with more than this many bytes not yet handed to the network stops getting step frames.
 * Above any legitimate burst of small frames (`step {count: 1000}` of a 2-2-1 network is ~200 KB).
 */
export const STALE_BYTES = 1024 * 1024;
/** A stale socket is resynced once its backlog has drained below this. */
export const DRAINED_BYTES = 64 * 1024;

/**
 * Bytes a socket has not yet handed to the network: the WebSocket's send buffer plus engine.io's
 * queued packets (a stalled reader's frames wait there), counted at `packetBytes` each.
 */
export function backlogBytes(socket: Socket, packetBytes: number): number {
  const conn = socket.conn as unknown as { writeBuffer?: unknown[]; transport?: { socket?: { bufferedAmount?: number } } };
  return (conn.transport?.socket?.bufferedAmount ?? 0) + (conn.writeBuffer?.length ?? 0) * packetBytes;
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
  check(room: string, packetBytes: number, resync: (socket: Socket) => void): string[] {
    const ids = this.io.sockets.adapter.rooms.get(room);
    if (!ids) return [];
    const skip: string[] = [];
    for (const id of this.stale) if (!ids.has(id)) this.stale.delete(id);
    for (const id of ids) {
      const socket = this.io.sockets.sockets.get(id);
      if (!socket) continue;
      const bytes = backlogBytes(socket, packetBytes);
      if (this.stale.has(id)) {
        if (bytes <= DRAINED_BYTES) {
          this.stale.delete(id);
          resync(socket);
        }
        skip.push(id);
      } else if (bytes > STALE_BYTES) {
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
