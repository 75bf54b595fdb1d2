import type { Server, Socket } from "socket.io";
import type { ClientToServerEvents, Role, ServerToClientEvents, SessionSnapshot } from "@/lib/protocol";
import { metricsOf } from "../metrics";
import type { RoomPort } from "./room";
import { SlowReaders } from "./slow-readers";

/** Socket.IO room of a session (everyone in it). */
export const sessionRoom = (sessionId: string) => `s:${sessionId}`;
/** Socket.IO room of a session's instructors. */
export const instructorRoom = (sessionId: string) => `i:${sessionId}`;

/**
 * The session's RoomPort on a Socket.IO server: one broadcast encodes the packet once for the room.
 * Step frames skip sockets that have stopped reading (measured after each broadcast, at most every
 * SCAN_INTERVAL_MS); `snapshotFor` resyncs them once they drain.
 */
export function socketRoom(server: Server, sessionId: string, snapshotFor?: (role: Role) => SessionSnapshot | undefined): RoomPort {
  const io = server as unknown as Server<ClientToServerEvents, ServerToClientEvents>;
  const slow = new SlowReaders(server);
  const room = sessionRoom(sessionId);
  const metrics = metricsOf(server);
  const resync = (socket: Socket) => {
    const snapshot = snapshotFor?.((socket.data as { role?: Role }).role ?? "student");
    if (snapshot) socket.emit("session:snapshot", snapshot);
  };
  return {
    broadcast: (event, ...args) => {
      if (event !== "session:step") return void io.to(room).emit(event, ...args);
      const releasedAt = performance.now();
      const skip = snapshotFor ? slow.skipped() : [];
      (skip.length > 0 ? io.to(room).except(skip) : io.to(room)).emit(event, ...args);
      metrics?.stepBroadcast((performance.now() - releasedAt) / 1000);
      if (snapshotFor) slow.scan(room, () => JSON.stringify(args[0]).length + 20, resync);
    },
    toInstructors: (event, ...args) => io.to(instructorRoom(sessionId)).emit(event, ...args),
  };
}
