import type { Server } from "socket.io";
import type { LiveSession } from "../sessions/live-session";
import { instructorRoom, sessionRoom } from "./socket-room";

/** Presence is announced at most this often per session (a class arriving is hundreds of joins a second). */
export const PRESENCE_INTERVAL_MS = 250;

/** Coalesces joins and leaves into one `session:presence` (and instructor roster) per interval. */
export class PresenceNotifier {
  private readonly due = new Map<string, LiveSession>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly io: Server) {}

  /** Notes that a session's participants changed. */
  changed(session: LiveSession): void {
    session.participantsChanged();
    this.due.set(session.id, session);
    this.timer ??= setTimeout(() => this.flush(), PRESENCE_INTERVAL_MS);
  }

  private flush(): void {
    this.timer = null;
    for (const session of this.due.values()) {
      this.io.to(sessionRoom(session.id)).emit("session:presence", { count: session.participants.people });
      this.io.to(instructorRoom(session.id)).emit("session:roster", session.roster());
    }
    this.due.clear();
  }
}
