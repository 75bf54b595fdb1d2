import type { ProjectorFocus } from "@/lib/wire";
import type { PrismaClient } from "../generated/prisma/client";
import type { RoomPort } from "../realtime/room";
import type { LiveSession } from "../sessions/live-session";
import type { SessionRegistry } from "../sessions/registry";
import type { Budgets } from "../security/budgets";
import type { ParticipantTokens } from "../security/participant-tokens";
import { ForkService, type ForkLimits } from "./forks";
import { PollService } from "./polls";

/**
 * The teaching tools of issue 8 on the node that runs a session: polls and forks, attached to every
 * session the registry holds (the control guard). Requests reach them through the session's owner
 * (server/owner), whichever node the asker is connected to.
 */
export class TeachingService {
  readonly polls: PollService;
  readonly forks: ForkService;
  /** What each session's projector shows (PV1): room state, not part of the run, so neither logged nor stored. */
  private readonly focus = new Map<string, ProjectorFocus>();

  constructor(readonly deps: { registry: SessionRegistry; prisma: PrismaClient; roomFor: (sessionId: string) => RoomPort; forkLimits: ForkLimits; tokens: ParticipantTokens; budgets?: Budgets; now?: () => number }) {
    this.polls = new PollService({ prisma: deps.prisma, roomFor: deps.roomFor });
    this.forks = new ForkService({ registry: deps.registry, prisma: deps.prisma, limits: deps.forkLimits, budgets: deps.budgets, now: deps.now });
    deps.registry.onAdd = (session) => this.attach(session);
    for (const s of deps.registry.all()) this.attach(s);
  }

  /** Installs the control guard on a session: holds the run still while a poll is open (Q6), notes fork activity (F4). */
  attach(session: LiveSession): void {
    session.teaching.guard = (c) => {
      this.polls.guard(session, c);
      this.forks.touch(session);
    };
    session.teaching.view = () => ({ poll: this.polls.current(session.id), focus: this.focus.get(session.id) ?? "network" });
    this.forks.touch(session);
  }

  /** Points the session's projector at a view and tells the room (PV1–PV3). */
  setFocus(session: LiveSession, view: ProjectorFocus): { view: ProjectorFocus } {
    this.focus.set(session.id, view);
    this.deps.roomFor(session.id).broadcast("session:focus", { view });
    return { view };
  }

  /** Starts the fork sweeper (F4). */
  start(): void {
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
}
