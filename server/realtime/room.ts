import type { ServerToClientEvents } from "@/lib/protocol";

/** Arguments of a server → client event. */
export type EventArgs<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>;

/**
 * What session logic needs from the realtime layer: broadcast to everyone in the session, or to its
 * instructors only. Socket.IO implements it in socket-room.ts; tests use an in-memory fake.
 */
export interface RoomPort {
  /** Sends an event to every socket in the session (one encoding for the whole room). */
  broadcast<E extends keyof ServerToClientEvents>(event: E, ...args: EventArgs<E>): void;
  /** Sends an event to the session's instructor sockets only. */
  toInstructors<E extends keyof ServerToClientEvents>(event: E, ...args: EventArgs<E>): void;
}
