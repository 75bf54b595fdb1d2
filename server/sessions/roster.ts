import { randomUUID } from "node:crypto";
import type { Role, RosterEntry } from "@/lib/protocol";
import { participantIdOf } from "../teaching/participant-token";
import { systemClock, type Clock, type TimerHandle } from "./clock";

/** How long a session keeps playing with no instructor connected (R19). */
export const INSTRUCTOR_AWAY_MS = 10 * 60_000;

/** Where joins and leaves are recorded (the session's journal). */
export interface RosterRecorder {
  joined(entry: RosterEntry): void;
  left(entry: RosterEntry): void;
}

/**
 * Who is in a session, by socket id (kept by the node that runs it, for every node's sockets), and the
 * away timer: with no instructor left, `onInstructorAway` runs after `awayMs` (R19) unless one comes back.
 * Every join and leave is recorded.
 */
export class Roster {
  private readonly bySocket = new Map<string, RosterEntry>();
  /** Voter id (hash of the participant token) by participant id, for handing the controls over (H1). */
  private readonly voters = new Map<string, string>();
  /** Sockets of the room's projector (PV4): in the session, but neither counted, listed nor recorded. */
  private readonly projectors = new Set<string>();
  private awayTimer: TimerHandle | null = null;

  constructor(
    private readonly awayMs: number,
    private readonly onInstructorAway: () => void,
    private readonly clock: Clock = systemClock,
    private readonly recorder: RosterRecorder | null = null,
  ) {}

  /** Sockets in the session, the projector's included (it keeps a session in use). */
  get size(): number {
    return this.bySocket.size;
  }

  /** Participants: the sockets in the session but the projector's (presence, PV4). */
  get people(): number {
    return this.bySocket.size - this.projectors.size;
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
    return [...this.bySocket].filter(([socketId]) => !this.projectors.has(socketId)).map(([, entry]) => entry);
  }

  /** How many sockets have this role. */
  count(role: Role): number {
    let n = 0;
    for (const [socketId, p] of this.bySocket) if (p.role === role && !this.projectors.has(socketId)) n++;
    return n;
  }

  /**
   * Puts a socket in the session (replacing its earlier entry, which counts as a leave); returns its new
   * entry. With the voter id (hash of its participant token) the entry gets a participant id, by which
   * the instructor can hand it the controls (H1).
   */
  join(socketId: string, role: Role, name: string, voterId?: string, projector = false): RosterEntry {
    const entry: RosterEntry = { id: randomUUID(), name, role, joinedAt: new Date(this.clock.now()).toISOString(), ...(voterId && !projector ? { participantId: participantIdOf(voterId) } : {}) };
    if (entry.participantId && voterId) this.voters.set(entry.participantId, voterId);
    const previous = this.bySocket.get(socketId);
    const wasProjector = this.projectors.has(socketId);
    this.bySocket.set(socketId, entry);
    if (projector) this.projectors.add(socketId);
    else this.projectors.delete(socketId);
    if (previous && !wasProjector) this.recorder?.left(previous);
    if (!projector) this.recorder?.joined(entry);
    return entry;
  }

  /** The voter id behind a participant id of someone connected now. */
  voterIdOf(participantId: string): string | undefined {
    for (const p of this.bySocket.values()) if (p.participantId === participantId) return this.voters.get(participantId);
    return undefined;
  }

  /** Takes a socket out; returns its entry, if it was in. */
  leave(socketId: string): RosterEntry | undefined {
    const entry = this.bySocket.get(socketId);
    if (!entry) return undefined;
    this.bySocket.delete(socketId);
    if (this.projectors.delete(socketId)) return entry;
    if (entry.participantId && !this.list().some((p) => p.participantId === entry.participantId)) this.voters.delete(entry.participantId);
    this.recorder?.left(entry);
    return entry;
  }

  /** Re-arms the away timer after a change: armed while no instructor is in, cleared otherwise (or when `active` is false). */
  watch(active: boolean): void {
    if (!active || this.count("instructor") > 0) return this.stop();
    if (this.awayTimer) return;
    this.awayTimer = this.clock.setTimeout(() => {
      this.awayTimer = null;
      if (this.count("instructor") === 0) this.onInstructorAway();
    }, this.awayMs);
    this.awayTimer.unref?.(); // a session waiting for its instructor does not keep the process alive
  }

  /** Clears the away timer. */
  stop(): void {
    if (this.awayTimer) this.clock.clearTimeout(this.awayTimer);
    this.awayTimer = null;
  }
}
