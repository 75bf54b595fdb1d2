import { randomUUID } from "node:crypto";
import type { Server } from "socket.io";
import { AppError, ErrorCode, toAck } from "@/lib/errors";
import type { Ack, Control, Role, SessionSnapshot } from "@/lib/protocol";
import type { PrismaClient } from "../generated/prisma/client";
import type { Limits } from "../realtime/limits";
import { limitTraceSize } from "../realtime/handlers";
import { PresenceNotifier } from "../realtime/presence";
import { instructorRoom, sessionRoom } from "../realtime/socket-room";
import { verifyKey } from "../sessions/keys";
import type { LiveSession } from "../sessions/live-session";
import type { SessionRegistry } from "../sessions/registry";
import { recomputeStepTrace } from "../sessions/step-trace";
import type { WriteQueue } from "../sessions/write-queue";
import type { LeaseKeeper } from "./lease-keeper";
import { log } from "../log";

/** What a node asks of a session's owner on behalf of one of its sockets. */
export type OwnerRequest =
  | { op: "join"; socketId: string; joinCode?: string; sessionId?: string; instructorKey?: string; name: string }
  | { op: "rejoin"; socketId: string; sessionId: string; role: Role; name: string }
  | { op: "leave"; socketId: string; sessionId: string }
  | { op: "control"; sessionId: string; control: Control }
  | { op: "trace"; sessionId: string; step: number }
  | { op: "resync"; sessionId: string; role: Role };

/** The owner's answer; null from a node that does not run the session. */
export type OwnerReply = Ack<unknown> | null;

/** What a socket is in multi-node mode: plain data, since the adapter serialises it (recovery, fetchSockets). */
export interface ClusterSocketData {
  cluster?: { sessionId: string; role: Role; name: string };
}

/**
 * The owner's half of every session request in multi-node mode. The node running a session's engine
 * keeps its roster (so presence counts every node's sockets), answers joins with a snapshot, and
 * applies controls; requests for sessions it does not run get null, so the asker tries elsewhere.
 */
export class SessionOwner {
  readonly presence: PresenceNotifier;

  constructor(
    private readonly io: Server,
    private readonly deps: { registry: SessionRegistry; leases: LeaseKeeper; prisma: PrismaClient; queue: WriteQueue; limits: Limits },
  ) {
    this.presence = new PresenceNotifier(io);
  }

  /** The session if this node runs it (or holds it read-only, once finished). */
  running(sessionId: string): LiveSession | undefined {
    const session = this.deps.registry.loaded(sessionId);
    return session && (session.state === "finished" || this.deps.leases.holds(sessionId)) ? session : undefined;
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
      return toAck(err);
    }
  }

  /** Registers sockets found in a session's room (after taking it over) as its participants. */
  async adoptParticipants(session: LiveSession): Promise<void> {
    const sockets = await this.io.in(sessionRoom(session.id)).fetchSockets();
    for (const s of sockets) {
      const c = (s.data as ClusterSocketData).cluster;
      if (c?.sessionId === session.id) this.addParticipant(session, s.id, c.role, c.name);
    }
    this.presence.changed(session);
  }

  private byJoinCode(joinCode: string): LiveSession | undefined {
    const session = this.deps.registry.byJoinCode(joinCode);
    return session && this.deps.leases.holds(session.id) ? session : undefined;
  }

  private async apply(session: LiveSession, req: OwnerRequest): Promise<unknown> {
    switch (req.op) {
      case "join":
        return this.join(session, req);
      case "rejoin":
        if (session.participants.size >= this.deps.limits.maxSocketsPerSession) throw new AppError(ErrorCode.LIMIT_REACHED, "this session is full");
        this.addParticipant(session, req.socketId, req.role, req.name);
        this.presence.changed(session);
        return null;
      case "leave":
        return this.leave(session, req.socketId);
      case "control": {
        const result = await session.control(req.control);
        // An ended session is read-only: it stays loaded here while watched, and needs no owner.
        if (result.state === "finished") await this.deps.leases.release(session.id).catch(() => undefined);
        return result;
      }
      case "trace":
        return limitTraceSize(await recomputeStepTrace(this.deps.prisma, session.id, req.step, session.step));
      case "resync":
        return session.snapshot(req.role);
    }
  }

  private async join(session: LiveSession, req: Extract<OwnerRequest, { op: "join" }>): Promise<SessionSnapshot> {
    let role: Role = "student";
    if (req.instructorKey != null) {
      if (!verifyKey(req.instructorKey, session.keyHash)) throw new AppError(ErrorCode.UNAUTHORIZED, "wrong instructor key for this session");
      role = "instructor";
    }
    if (!session.participants.has(req.socketId) && session.participants.size >= this.deps.limits.maxSocketsPerSession) {
      throw new AppError(ErrorCode.LIMIT_REACHED, `this session is full (${this.deps.limits.maxSocketsPerSession} connections)`);
    }
    this.addParticipant(session, req.socketId, role, req.name);
    // The owner puts the socket in the rooms (wherever it is connected) before taking the snapshot:
    // the join travels through the same stream as the steps, so the socket gets every step after it.
    this.io.in(req.socketId).socketsJoin(role === "instructor" ? [sessionRoom(session.id), instructorRoom(session.id)] : [sessionRoom(session.id)]);
    this.presence.changed(session);
    return session.snapshot(role);
  }

  private addParticipant(session: LiveSession, socketId: string, role: Role, name: string): void {
    const entry = { id: randomUUID(), name, role, joinedAt: new Date().toISOString() };
    session.participants.set(socketId, entry);
    void this.deps.queue.push({ kind: "participant-join", id: entry.id, sessionId: session.id, name, role, joinedAt: new Date(entry.joinedAt) }).catch(() => undefined);
  }

  private leave(session: LiveSession, socketId: string): null {
    const entry = session.participants.get(socketId);
    if (!entry) return null;
    session.participants.delete(socketId);
    void this.deps.queue.push({ kind: "participant-leave", id: entry.id, leftAt: new Date() }).catch(() => undefined);
    this.presence.changed(session);
    this.deps.registry.unloadIfIdle(session);
    return null;
  }
}
