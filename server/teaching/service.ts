import type { JoinRequest, SessionSnapshot } from "@/lib/protocol";
import type { PrismaClient } from "../generated/prisma/client";
import type { RoomPort } from "../realtime/room";
import type { LiveSession } from "../sessions/live-session";
import { hashKey } from "../sessions/keys";
import type { SessionRegistry } from "../sessions/registry";
import type { Budgets } from "../security/budgets";
import type { ParticipantTokens } from "../security/participant-tokens";
import { ForkService, type ForkLimits } from "./forks";
import { PollService } from "./polls";

/** What a joined socket carries for the teaching tools. */
export interface TeachingSocketData {
  session?: LiveSession;
  role?: "student" | "instructor";
  name?: string;
  /** The participant token (Q3): who this browser is, across reconnects. */
  participantToken?: string;
}

/** The id a participant token is known by in storage (never the token itself). */
export function voterIdOf(token: string): string {
  return hashKey(token);
}

/**
 * The teaching tools of issue 8 on this server: polls and forks, attached to every session the
 * registry holds (the control guard), and the participant identity added to joins.
 */
export class TeachingService {
  readonly polls: PollService;
  readonly forks: ForkService;

  constructor(readonly deps: { registry: SessionRegistry; prisma: PrismaClient; roomFor: (sessionId: string) => RoomPort; forkLimits: ForkLimits; tokens: ParticipantTokens; budgets?: Budgets; now?: () => number }) {
    this.polls = new PollService({ prisma: deps.prisma, roomFor: deps.roomFor });
    this.forks = new ForkService({ registry: deps.registry, prisma: deps.prisma, limits: deps.forkLimits, budgets: deps.budgets, now: deps.now });
    deps.registry.onAdd = (session) => this.attach(session);
    for (const s of deps.registry.all()) this.attach(s);
  }

  /** Installs the control guard on a session: holds the run still while a poll is open (Q6), notes fork activity (F4). */
  attach(session: LiveSession): void {
    session.controlGuard = (c) => {
      this.polls.guard(session, c);
      this.forks.touch(session);
    };
    this.forks.touch(session);
  }

  /** After recovery at start-up: open polls come back (Q10); the fork sweeper starts (F4). */
  async start(): Promise<void> {
    await this.polls.recover(this.deps.registry);
    this.forks.start();
  }

  /** Stops the sweeper (shutdown). */
  stop(): void {
    this.forks.stop();
  }

  /** A fresh participant token, signed by this server (Q3). */
  issueToken(): string {
    return this.deps.tokens.issue();
  }

  /**
   * Completes a join: gives the socket its participant identity and adds the caller's own poll state.
   * The identity is fixed at the socket's first join (the token it sent, already checked as issued
   * by this server by server/security/join-guard.ts, or a new one); a later join on the same socket
   * with another token keeps the first, so one connection is one voter.
   */
  afterJoin(data: TeachingSocketData, req: JoinRequest, snapshot: SessionSnapshot): SessionSnapshot {
    data.participantToken ??= req.participantToken ?? this.issueToken();
    if (data.session) this.forks.touch(data.session);
    return this.decorate(data, snapshot);
  }

  /** The caller's own snapshot: their vote in the open poll and their token (Q9). */
  decorate(data: TeachingSocketData, snapshot: SessionSnapshot): SessionSnapshot {
    const token = data.participantToken;
    const myVote = token && data.role === "student" ? this.polls.voteOf(snapshot.sessionId, voterIdOf(token)) : null;
    return { ...snapshot, teaching: { ...snapshot.teaching!, myVote, participantToken: token } };
  }
}
