import type { Server, Socket } from "socket.io";

/**
 * A socket with more than this many bytes not yet handed to the network stops getting step frames.
 * Above any legitimate burst of small frames (`step {count: 1000}` of a 2-2-1 network is ~200 KB).
 */
export const STALE_BYTES = 1024 * 1024;
/** A stale socket is resynced once its backlog has drained below this. */
export const DRAINED_BYTES = 64 * 1024;
/**
 * Backlogs are measured at most this often. Reading every socket's buffers before every step costs
 * ~0.5 ms per 1,000 sockets; between measurements, the stale set stands. A reader that stops between
 * two measurements gets at most this long's worth of frames beyond STALE_BYTES (60 steps/s of a 27 KB
 * frame: 324 KB).
 */
export const SCAN_INTERVAL_MS = 200;

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
  private scannedAt = Number.NEGATIVE_INFINITY;

  /** `now` is a millisecond clock (injected by tests). */
  constructor(
    private readonly io: Server,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * At most every SCAN_INTERVAL_MS, updates which sockets of `room` are stale and calls `resync` for
   * each socket that just drained. Returns the ids to leave out of this broadcast: the stale ones, and
   * (on a measuring call) the ones resynced just now, whose snapshot already includes this step.
   * `packetBytes` gives the size of one frame, computed only when measuring.
   */
  check(room: string, packetBytes: () => number, resync: (socket: Socket) => void): string[] {
    const now = this.now();
    if (now - this.scannedAt < SCAN_INTERVAL_MS) return [...this.stale];
    this.scannedAt = now;
    const ids = this.io.sockets.adapter.rooms.get(room);
    if (!ids) return [];
    const bytesPerPacket = packetBytes();
    const skip: string[] = [];
    for (const id of this.stale) if (!ids.has(id)) this.stale.delete(id);
    for (const id of ids) {
      const socket = this.io.sockets.sockets.get(id);
      if (!socket) continue;
      const bytes = backlogBytes(socket, bytesPerPacket);
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
