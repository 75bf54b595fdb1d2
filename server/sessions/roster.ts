import type { Role, RosterEntry } from "@/lib/protocol";
import { systemClock, type Clock, type TimerHandle } from "./clock";

/**
 * Who is in a session, by socket id (kept by the node that runs it, for every node's sockets), and the
 * away timer: with no instructor left, `onInstructorAway` runs after `awayMs` (R19) unless one comes back.
 */
export class Roster {
  private readonly bySocket = new Map<string, RosterEntry>();
  /** Voter id (hash of the participant token) by participant id, for handing the controls over (H1). */
  private readonly voters = new Map<string, string>();
  private awayTimer: TimerHandle | null = null;

  constructor(
    private readonly awayMs: number,
    private readonly onInstructorAway: () => void,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Sockets in the session. */
  get size(): number {
    return this.bySocket.size;
  }

  /** True if this socket is in the session. */
  has(socketId: string): boolean {
    return this.bySocket.has(socketId);
  }

  /** The entry of a socket. */
  get(socketId: string): RosterEntry | undefined {
    return this.bySocket.get(socketId);
  }

  /** Everyone, in joining order. */
  list(): RosterEntry[] {
    return [...this.bySocket.values()];
  }

  /** How many sockets have this role. */
  count(role: Role): number {
    let n = 0;
    for (const p of this.bySocket.values()) if (p.role === role) n++;
    return n;
  }

  /** Adds (or replaces) a socket's entry, with its voter id when known; returns the one it replaced. */
  add(socketId: string, entry: RosterEntry, voterId?: string): RosterEntry | undefined {
    const previous = this.bySocket.get(socketId);
    this.bySocket.set(socketId, entry);
    if (entry.participantId && voterId) this.voters.set(entry.participantId, voterId);
    return previous;
  }

  /** The voter id behind a participant id of someone connected now. */
  voterIdOf(participantId: string): string | undefined {
    for (const p of this.bySocket.values()) if (p.participantId === participantId) return this.voters.get(participantId);
    return undefined;
  }

  /** Removes a socket; returns its entry. */
  remove(socketId: string): RosterEntry | undefined {
    const entry = this.bySocket.get(socketId);
    this.bySocket.delete(socketId);
    if (entry?.participantId && !this.list().some((p) => p.participantId === entry.participantId)) this.voters.delete(entry.participantId);
    return entry;
  }

  /** Re-arms the away timer after a change: armed while no instructor is in, cleared otherwise (or when `active` is false). */
  watch(active: boolean): void {
    if (!active || this.count("instructor") > 0) return this.stop();
    this.awayTimer ??= this.clock.setTimeout(() => {
      this.awayTimer = null;
      if (this.count("instructor") === 0) this.onInstructorAway();
    }, this.awayMs);
  }

  /** Clears the away timer. */
  stop(): void {
    if (this.awayTimer) this.clock.clearTimeout(this.awayTimer);
    this.awayTimer = null;
  }
}
