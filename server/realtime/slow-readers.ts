import type { Server, Socket } from "socket.io";

/**
 * A socket with more than this many bytes not yet handed to the network stops getting step frames.
 * Above any legitimate burst of small frames (`step {count: 1000}` of a 2-2-1 network is ~200 KB).
 */
export const STALE_BYTES = 1024 * 1024;
/** A stale socket is resynced once its backlog has drained below this. */
export const DRAINED_BYTES = 64 * 1024;
/**
 * Backlogs are measured at most this often, after a broadcast. Reading every socket's buffers
 * costs ~0.5–0.8 ms per 1,000 sockets; between measurements, the stale set stands. A reader that stops
 * between two measurements gets at most this long's worth of frames beyond STALE_BYTES, plus the
 * frame broadcast just before the measurement (60 steps/s of a 27 KB frame: 351 KB).
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
 * server memory: sockets whose send buffers are backed up are left out of step broadcasts; once
 * drained, they are resynced with a snapshot and receive frames again. Everyone else gets every frame,
 * encoded once for the room. The buffers are measured after a broadcast, not before it, so that the
 * measurement (~0.8 ms per 1,000 sockets) never delays a frame.
 */
export class SlowReaders {
  private readonly stale = new Set<string>();
  private scannedAt = Number.NEGATIVE_INFINITY;

  /** `now` is a millisecond clock (injected by tests). */
  constructor(
    private readonly io: Server,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The ids to leave out of the next broadcast: the sockets found stale at the last measurement. */
  skipped(): string[] {
    return [...this.stale];
  }

  /**
   * After a broadcast to `room`, at most every SCAN_INTERVAL_MS: updates which of its sockets are
   * stale, and calls `resync` for each stale socket that has drained (it was left out of the broadcast
   * just made, which its snapshot includes). `packetBytes` gives the size of one frame, computed only
   * when measuring.
   */
  scan(room: string, packetBytes: () => number, resync: (socket: Socket) => void): void {
    const now = this.now();
    if (now - this.scannedAt < SCAN_INTERVAL_MS) return;
    this.scannedAt = now;
    const ids = this.io.sockets.adapter.rooms.get(room);
    for (const id of this.stale) if (!ids?.has(id)) this.stale.delete(id);
    if (!ids) return;
    const bytesPerPacket = packetBytes();
    for (const id of ids) {
      const socket = this.io.sockets.sockets.get(id);
      if (!socket) continue;
      const bytes = backlogBytes(socket, bytesPerPacket);
      if (this.stale.has(id)) {
        if (bytes <= DRAINED_BYTES) {
          this.stale.delete(id);
          resync(socket);
        }
      } else if (bytes > STALE_BYTES) this.stale.add(id);
    }
  }

  /** Sockets currently left out (for tests and metrics). */
  get size(): number {
    return this.stale.size;
  }
}
