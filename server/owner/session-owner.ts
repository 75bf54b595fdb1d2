import type { Server } from "socket.io";
import { AppError, ErrorCode, toAck } from "@/lib/errors";
import type { Role, SessionSnapshot } from "@/lib/protocol";
import { classifyDbError } from "../data/db-errors";
import type { PrismaClient } from "../generated/prisma/client";
import type { Limits } from "../realtime/limits";
import { PresenceNotifier } from "../realtime/presence";
import { instructorRoom, sessionRoom } from "../realtime/socket-room";
import { readOnlyView } from "../realtime/read-only-view";
import { limitTraceSize } from "../realtime/trace-size";
import { verifyKey } from "../sessions/keys";
import type { LiveSession } from "../sessions/live-session";
import type { SessionRegistry } from "../sessions/registry";
import { recomputeStepTrace } from "../sessions/step-trace";
import { log } from "../log";
import type { TeachingService } from "../teaching/service";
import { participantIdOf, voterIdOf } from "../teaching/participant-token";
import type { OwnerRequest, OwnerReply, SessionSocketData } from "./requests";
import { applyDataUpload, applyTeachingRequest, type TeachingRequest } from "./teaching-requests";

/** What the owner needs: the sessions in memory, whether this node may run one, and the teaching tools. */
export interface SessionOwnerDeps {
  registry: SessionRegistry;
  prisma: PrismaClient;
  limits: Limits;
  teaching: TeachingService;
  /** True while this node may run the session (always, in a single process; the lease, in a cluster). */
  holds: (sessionId: string) => boolean;
  /** Gives the session up once it has ended (a cluster releases its lease). */
  release: (sessionId: string) => Promise<void>;
}

/**
 * The owner's half of every session request. The node running a session's engine keeps its roster
 * (so presence counts every node's sockets), answers joins with a snapshot, applies controls, and runs
 * its polls and forks; requests for sessions it does not run get null, so the asker tries elsewhere.
 * A single process is the same owner, asked in-process.
 */
export class SessionOwner {
  readonly presence: PresenceNotifier;
  /** Sessions being taken over: not answered until their roster and polls are back. */
  private readonly adopting = new Set<string>();

  constructor(
    private readonly io: Server,
    private readonly deps: SessionOwnerDeps,
  ) {
    this.presence = new PresenceNotifier(io);
  }

  /** The session if this node runs it (or holds it read-only, once finished). */
  running(sessionId: string): LiveSession | undefined {
    const session = this.deps.registry.loaded(sessionId);
    if (!session || this.adopting.has(sessionId)) return undefined;
    return session.state === "finished" || this.deps.holds(sessionId) ? session : undefined;
  }

  /** Answers a request if this node runs the session; null otherwise. Never throws. */
  async handle(req: OwnerRequest): Promise<OwnerReply> {
    // Absent fields arrive as null from other nodes (the adapter's encoding): test with `!= null`.
    const session = req.op === "join" && req.joinCode != null ? this.byJoinCode(req.joinCode) : this.running((req as { sessionId: string }).sessionId);
    if (!session) return null;
    try {
      return { ok: true, data: await this.apply(session, req) };
    } catch (err) {
      if (!(err instanceof AppError)) log.error({ err, op: req.op }, "request failed on the owner");
      // A database outage is UNAVAILABLE (the asker retries), on whichever node runs the session.
      return toAck(!(err instanceof AppError) && classifyDbError(err) === "outage" ? new AppError(ErrorCode.UNAVAILABLE, "the database is unreachable; try again shortly") : err);
    }
  }

  /**
   * Takes a session over (after a restart or from a dead node): loads it, its sockets become its roster,
   * its open polls come back (Q10). Requests wait (the asker hears "moving") until all of that is done.
   */
  async adopt(sessionId: string, load: () => Promise<LiveSession | null>): Promise<LiveSession | null> {
    this.adopting.add(sessionId);
    try {
      const session = await load();
      if (session) await this.restore(session);
      return session;
    } finally {
      this.adopting.delete(sessionId);
    }
  }

  private async restore(session: LiveSession): Promise<void> {
    const sockets = await this.io.in(sessionRoom(session.id)).fetchSockets();
    for (const s of sockets) {
      const data = s.data as SessionSocketData;
      if (data.sessionId === session.id && data.role) session.participants.join(s.id, data.role, data.name ?? "", data.participantToken ? voterIdOf(data.participantToken) : undefined, data.projector === true);
    }
    if (sockets.length > 0) this.presence.changed(session);
    await this.deps.teaching.recoverSession(session);
  }

  private byJoinCode(joinCode: string): LiveSession | undefined {
    const session = this.deps.registry.byJoinCode(joinCode);
    return session && !this.adopting.has(session.id) && this.deps.holds(session.id) ? session : undefined;
  }

  private async apply(session: LiveSession, req: OwnerRequest): Promise<unknown> {
    switch (req.op) {
      case "join":
        return this.join(session, req);
      case "view": {
        const view = readOnlyView(session);
        // A finished session loaded only for this view is not kept.
        this.deps.registry.unloadIfIdle(session);
        return view;
      }
      case "rejoin":
        if (session.participants.size >= this.deps.limits.maxSocketsPerSession) throw new AppError(ErrorCode.LIMIT_REACHED, "this session is full");
        session.participants.join(req.socketId, req.role, req.name, req.voterId ?? undefined, req.projector === true);
        this.presence.changed(session);
        return null;
      case "leave":
        return this.leave(session, req.socketId);
      case "control": {
        const actor = this.deps.teaching.controls.authorize(session, req.caller, req.control);
        const result = await session.control(req.control, actor);
        // An ended session is read-only: it stays loaded here while watched, and needs no owner.
        if (result.state === "finished") await this.deps.release(session.id).catch(() => undefined);
        return result;
      }
      case "trace":
        return limitTraceSize(await recomputeStepTrace(this.deps.prisma, session.id, req.step, session.step));
      case "resync":
        return this.ownSnapshot(session, req.role, req.voterId, req.linkId ?? undefined);
      case "status":
        return { state: session.state, step: session.step, connected: session.participants.people, preset: session.teaching.preset };
      case "data":
        return applyDataUpload(session, req);
      default:
        return applyTeachingRequest(this.deps.teaching, session, req as TeachingRequest);
    }
  }

  private join(session: LiveSession, req: Extract<OwnerRequest, { op: "join" }>): SessionSnapshot {
    let role: Role = "student";
    if (req.instructorKey != null) {
      if (!verifyKey(req.instructorKey, session.keyHash)) throw new AppError(ErrorCode.UNAUTHORIZED, "wrong instructor key for this session");
      role = "instructor";
    }
    // A co-instructor link drives only while it is the session's driver (H1, H3).
    const linkId = req.coInstructorKey != null ? this.deps.teaching.controls.linkFor(session.id, req.coInstructorKey) : undefined;
    if (!session.participants.has(req.socketId) && session.participants.size >= this.deps.limits.maxSocketsPerSession) {
      throw new AppError(ErrorCode.LIMIT_REACHED, `this session is full (${this.deps.limits.maxSocketsPerSession} connections)`);
    }
    // The room's projector follows as a student but is not a participant (PV4).
    if (req.projector && role !== "student") throw new AppError(ErrorCode.BAD_REQUEST, "projector: the projector view joins without an instructor key");
    session.participants.join(req.socketId, role, req.name, req.voterId, req.projector === true);
    // The owner puts the socket in the rooms (wherever it is connected) before taking the snapshot:
    // the join travels through the same stream as the steps, so the socket gets every step after it.
    this.io.in(req.socketId).socketsJoin(role === "instructor" ? [sessionRoom(session.id), instructorRoom(session.id)] : [sessionRoom(session.id)]);
    if (role === "student") this.io.in(req.socketId).socketsLeave(instructorRoom(session.id));
    this.presence.changed(session);
    this.deps.teaching.forks.touch(session);
    return this.ownSnapshot(session, role, req.voterId, linkId);
  }

  /** The caller's own snapshot: their vote in the open poll (Q9), and the driver id they would drive as (H4). */
  private ownSnapshot(session: LiveSession, role: Role, voterId: string, linkId?: string): SessionSnapshot {
    const snapshot = session.snapshot(role);
    const myVote = role === "student" ? this.deps.teaching.polls.voteOf(session.id, voterId) : null;
    const driverId = linkId ? `link:${linkId}` : participantIdOf(voterId);
    return { ...snapshot, teaching: { ...snapshot.teaching!, myVote, driverId } };
  }

  private leave(session: LiveSession, socketId: string): null {
    if (!session.participants.leave(socketId)) return null;
    this.presence.changed(session);
    this.deps.registry.unloadIfIdle(session);
    return null;
  }
}
