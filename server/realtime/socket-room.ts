import type { Server } from "socket.io";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/protocol";
import type { RoomPort } from "./room";

/** Socket.IO room of a session (everyone in it). */
export const sessionRoom = (sessionId: string) => `s:${sessionId}`;
/** Socket.IO room of a session's instructors. */
export const instructorRoom = (sessionId: string) => `i:${sessionId}`;

/** The session's RoomPort on a Socket.IO server: one broadcast encodes the packet once for the room. */
export function socketRoom(server: Server, sessionId: string): RoomPort {
  const io = server as unknown as Server<ClientToServerEvents, ServerToClientEvents>;
  return {
    broadcast: (event, ...args) => io.to(sessionRoom(sessionId)).emit(event, ...args),
    toInstructors: (event, ...args) => io.to(instructorRoom(sessionId)).emit(event, ...args),
  };
}
