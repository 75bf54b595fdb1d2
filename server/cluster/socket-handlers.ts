import type { Server, Socket } from "socket.io";
import { AppError, ErrorCode, type ErrorCode as Code } from "@/lib/errors";
import { CLIENT_EVENTS, controlSchema, joinSchema, traceRequestSchema, type SessionSnapshot } from "@/lib/protocol";
import type { PrismaClient } from "../generated/prisma/client";
import { getSessionState } from "../data/leases";
import { createHandler, parse } from "../realtime/handlers";
import type { Budgets } from "../security/budgets";
import type { Limits } from "../realtime/limits";
import { instructorRoom, sessionRoom } from "../realtime/socket-room";
import type { SessionRegistry } from "../sessions/registry";
import type { ClusterSocketData, OwnerReply, OwnerRequest, SessionOwner } from "./owner";
import type { OwnerRouter } from "./router";

type ClusterSocket = Socket & { data: ClusterSocketData };

/** Client events of the teaching tools (issue 8), refused in multi-node mode. */
const TEACHING_EVENTS = CLIENT_EVENTS.filter((e) => e === "session:fork" || e.startsWith("poll:"));

/**
 * The session events in multi-node mode. Same contract as realtime/handlers.ts (validate, rate-limit,
 * ack, never throw), but every request goes to the node that runs the session, which answers it;
 * the socket only remembers which session it is in (plain data, restored by connection state recovery).
 */
export function registerClusterHandlers(
  io: Server,
  deps: { router: OwnerRouter; owner: SessionOwner; registry: SessionRegistry; prisma: PrismaClient; limits: Limits; budgets: Budgets },
): void {
  io.on("connection", (raw: Socket) => {
    const socket = raw as ClusterSocket;
    if (socket.recovered && socket.data.cluster) void rejoin(socket);
    const handle = createHandler(deps.limits);

    socket.on("session:join", handle("session:join", (payload) => join(socket, parse(joinSchema, payload))));
    socket.on("session:control", handle("session:control", async (payload) => {
      const c = joined(socket);
      if (c.role !== "instructor") throw new AppError(ErrorCode.FORBIDDEN, "only the instructor can control the session");
      return answer(await deps.router.ask({ op: "control", sessionId: c.sessionId, control: parse(controlSchema, payload) }));
    }));
    let tracing = false;
    socket.on("session:trace", handle("session:trace", async (payload) => {
      const c = joined(socket);
      const { step } = parse(traceRequestSchema, payload);
      if (tracing) throw new AppError(ErrorCode.RATE_LIMITED, "one trace at a time: wait for the previous answer");
      tracing = true;
      try {
        return answer(await deps.router.ask({ op: "trace", sessionId: c.sessionId, step }));
      } finally {
        tracing = false;
      }
    }));
    socket.on("session:resync", handle("session:resync", async () => {
      const c = joined(socket);
      return answer(await deps.router.ask({ op: "resync", sessionId: c.sessionId, role: c.role }));
    }));
    // Polls and sandboxes keep their state in the owner's memory and are not routed between nodes yet.
    for (const event of TEACHING_EVENTS) {
      socket.on(event, handle(event, async () => {
        throw new AppError(ErrorCode.UNAVAILABLE, `${event} is not available when the server runs as several nodes (REDIS_URL); run a single process for polls and sandboxes`);
      }));
    }
    // Keep socket.data: connection state recovery restores it if the client comes back.
    socket.on("disconnect", () => leave(socket, { keepData: true }));
  });

  async function join(socket: ClusterSocket, req: ReturnType<typeof joinSchema.parse>): Promise<SessionSnapshot> {
    const ip = socket.handshake.address;
    const waitMs = await deps.budgets.joinBlockedFor(ip);
    if (waitMs > 0) throw new AppError(ErrorCode.RATE_LIMITED, `too many failed joins from your network; try again in ${Math.ceil(waitMs / 1000)} s`);
    if (socket.data.cluster) leave(socket);
    const ask: OwnerRequest = { op: "join", socketId: socket.id, joinCode: req.joinCode, sessionId: req.sessionId, instructorKey: req.instructorKey, name: req.name };
    let reply = await deps.router.ask(ask);
    if (!reply && req.sessionId !== undefined) reply = await openFinished(req.sessionId, ask);
    if (!reply) {
      if (req.sessionId !== undefined && (await getSessionState(deps.prisma, req.sessionId)) !== null) {
        throw new AppError(ErrorCode.UNAVAILABLE, "the session is moving to another server; try again in a few seconds");
      }
      await deps.budgets.failJoin(ip);
      throw new AppError(ErrorCode.NOT_FOUND, req.joinCode !== undefined ? `no live session has the code ${req.joinCode}; check the code, or the session may have ended` : "no session has this id");
    }
    if (!reply.ok && (reply.error.code === ErrorCode.UNAUTHORIZED || reply.error.code === ErrorCode.NOT_FOUND)) await deps.budgets.failJoin(ip);
    const snapshot = answer(reply) as SessionSnapshot;
    socket.data.cluster = { sessionId: snapshot.sessionId, role: snapshot.role, name: req.name };
    return snapshot;
  }

  /** A finished session is read-only and needs no owner: any node loads it and answers. */
  async function openFinished(sessionId: string, ask: OwnerRequest): Promise<OwnerReply> {
    if ((await getSessionState(deps.prisma, sessionId)) !== "finished") return null;
    await deps.registry.get(sessionId);
    return deps.owner.handle(ask);
  }

  async function rejoin(socket: ClusterSocket): Promise<void> {
    const c = socket.data.cluster!;
    const reply = await deps.router.ask({ op: "rejoin", socketId: socket.id, sessionId: c.sessionId, role: c.role, name: c.name }).catch(() => null);
    if (reply?.ok) return;
    leave(socket);
    socket.emit("session:error", { code: ErrorCode.CONFLICT, message: "please join the session again" });
  }

  function leave(socket: ClusterSocket, options: { keepData?: boolean } = {}): void {
    const c = socket.data.cluster;
    if (!c) return;
    void deps.router.ask({ op: "leave", socketId: socket.id, sessionId: c.sessionId }).catch(() => undefined);
    if (!options.keepData) {
      void socket.leave(sessionRoom(c.sessionId));
      void socket.leave(instructorRoom(c.sessionId));
      socket.data.cluster = undefined;
    }
  }
}

function joined(socket: ClusterSocket): NonNullable<ClusterSocketData["cluster"]> {
  if (!socket.data.cluster) throw new AppError(ErrorCode.FORBIDDEN, "join a session first");
  return socket.data.cluster;
}

/** The owner's data, or its error rethrown; UNAVAILABLE when no node runs the session right now. */
function answer(reply: OwnerReply): unknown {
  if (!reply) throw new AppError(ErrorCode.UNAVAILABLE, "the session is moving to another server; try again in a few seconds");
  if (!reply.ok) throw new AppError(reply.error.code as Code, reply.error.message);
  return reply.data;
}
