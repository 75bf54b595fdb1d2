import { randomUUID } from "node:crypto";
import type { Server, Socket } from "socket.io";
import { AppError, ErrorCode, toAck } from "@/lib/errors";
import { CLIENT_EVENTS, controlSchema, joinSchema, traceRequestSchema, type Ack, type ClientToServerEvents, type Role, type ServerToClientEvents } from "@/lib/protocol";
import { formatIssues } from "@/lib/schemas";
import type { StepTrace } from "@/lib/engine";
import type { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client";
import type { LiveSession } from "../sessions/live-session";
import { verifyKey } from "../sessions/keys";
import type { SessionRegistry } from "../sessions/registry";
import { recomputeStepTrace } from "../sessions/step-trace";
import type { TeachingService } from "../teaching/service";
import { registerTeachingEvents } from "../teaching/socket-handlers";
import type { WriteQueue } from "../sessions/write-queue";
import type { Budgets } from "../security/budgets";
import { classifyDbError } from "../data/db-errors";
import type { Limits } from "./limits";
import { PresenceNotifier } from "./presence";
import { viewStored } from "./read-only-view";
import { instructorRoom, sessionRoom } from "./socket-room";
import { log } from "../log";

/** What a socket is, once joined. */
interface SocketData {
  session?: LiveSession;
  role?: Role;
  name?: string;
  /** Who this browser is across reconnects (polls, forks; server/teaching). */
  participantToken?: string;
}

type IoServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** Client events the server handles. */
export const KNOWN_EVENTS = new Set<string>(CLIENT_EVENTS);

/**
 * Makes a socket's event handlers: each checks the payload size (P2), runs `fn`, and acks exactly
 * once; a database outage becomes UNAVAILABLE, any other unexpected error INTERNAL (P5), logged here
 * only. The rate limit (P3) is applied to every inbound packet before this (server/security/inbound-guard.ts).
 */
export function createHandler(limits: Pick<Limits, "maxPayloadBytes">) {
  return <T>(name: string, fn: (payload: unknown) => Promise<T> | T) => (payload: unknown, ack: unknown) => {
    const reply = typeof ack === "function" ? (ack as (res: Ack<T>) => void) : () => undefined;
    void (async () => {
      try {
        if (payloadBytes(payload) > limits.maxPayloadBytes) throw new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `${name}: payload larger than ${limits.maxPayloadBytes} bytes`);
        reply({ ok: true, data: await fn(payload) });
      } catch (err) {
        if (!(err instanceof AppError)) log.error({ err, event: name }, "socket request failed");
        reply(toAck(!(err instanceof AppError) && classifyDbError(err) === "outage" ? new AppError(ErrorCode.UNAVAILABLE, "the database is unreachable; try again shortly") : err));
      }
    })();
  };
}

/** Wires the session events onto a Socket.IO server. Every handler validates, acks, and never throws. */
export function registerSessionHandlers(server: Server, deps: { registry: SessionRegistry; prisma: PrismaClient; queue: WriteQueue; limits: Limits; budgets: Budgets; teaching?: TeachingService }): void {
  const io = server as unknown as IoServer;
  const presence = new PresenceNotifier(server);
  io.on("connection", (socket: IoSocket) => {
    // Connection state recovery gave back this socket's rooms and data: count it in again.
    if (socket.recovered && socket.data.session) rejoin(socket);
    const handle = createHandler(deps.limits);

    socket.on("session:join", handle("session:join", async (payload) => {
      const req = parse(joinSchema, payload);
      if (req.sessionId !== undefined) return viewStored(deps.registry, req);
      const snapshot = await join(socket, req);
      return deps.teaching ? deps.teaching.afterJoin(socket.data, req, snapshot) : snapshot;
    }));
    socket.on("session:control", handle("session:control", async (payload) => {
      const { session } = requireInstructor(socket);
      return session.control(parse(controlSchema, payload));
    }));
    let tracing = false;
    socket.on("session:trace", handle("session:trace", async (payload) => {
      const session = requireJoined(socket).session;
      const { step } = parse(traceRequestSchema, payload);
      if (tracing) throw new AppError(ErrorCode.RATE_LIMITED, "one trace at a time: wait for the previous answer");
      tracing = true;
      try {
        return limitTraceSize(await recomputeStepTrace(deps.prisma, session.id, step, session.step));
      } finally {
        tracing = false;
      }
    }));
    socket.on("session:resync", handle("session:resync", () => {
      const { session, role } = requireJoined(socket);
      return deps.teaching ? deps.teaching.decorate(socket.data, session.snapshot(role)) : session.snapshot(role);
    }));
    if (deps.teaching) {
      registerTeachingEvents(socket as unknown as Socket, deps.teaching, { handle, parse, requireJoined: () => requireJoined(socket), requireInstructor: () => requireInstructor(socket) });
    }
    // Keep socket.data: connection state recovery restores it (by reference) if the client comes back.
    socket.on("disconnect", () => leave(socket, { keepData: true }));
  });

  async function join(socket: IoSocket, req: z.infer<typeof joinSchema>) {
    const ip = socket.handshake.address;
    const waitMs = await deps.budgets.joinBlockedFor(ip);
    if (waitMs > 0) throw new AppError(ErrorCode.RATE_LIMITED, `too many failed joins from your network; try again in ${Math.ceil(waitMs / 1000)} s`);
    const session = deps.registry.byJoinCode(req.joinCode!);
    if (!session) {
      await deps.budgets.failJoin(ip);
      throw new AppError(ErrorCode.NOT_FOUND, `no live session has the code ${req.joinCode}; check the code, or the session may have ended`);
    }
    let role: Role = "student";
    if (req.instructorKey !== undefined) {
      if (!verifyKey(req.instructorKey, session.keyHash)) {
        await deps.budgets.failJoin(ip);
        throw new AppError(ErrorCode.UNAUTHORIZED, "wrong instructor key for this session");
      }
      role = "instructor";
    }
    if (socket.data.session) leave(socket);
    if (session.participants.size >= deps.limits.maxSocketsPerSession) {
      throw new AppError(ErrorCode.LIMIT_REACHED, `this session is full (${deps.limits.maxSocketsPerSession} connections)`);
    }
    const entry = { id: randomUUID(), name: req.name, role, joinedAt: new Date().toISOString() };
    session.participants.set(socket.id, entry);
    socket.data.session = session;
    socket.data.role = role;
    socket.data.name = req.name;
    void socket.join(sessionRoom(session.id));
    if (role === "instructor") void socket.join(instructorRoom(session.id));
    void deps.queue.push({ kind: "participant-join", id: entry.id, sessionId: session.id, name: entry.name, role, joinedAt: new Date(entry.joinedAt) }).catch(() => undefined);
    presence.changed(session);
    return session.snapshot(role);
  }

  function rejoin(socket: IoSocket): void {
    const { session, role } = socket.data;
    if (!session || !role) return;
    const stillHere = deps.registry.byJoinCode(session.joinCode) === session || session.state === "finished";
    if (!stillHere || session.participants.size >= deps.limits.maxSocketsPerSession) {
      leave(socket);
      socket.emit("session:error", { code: ErrorCode.CONFLICT, message: "please join the session again" });
      return;
    }
    const entry = { id: randomUUID(), name: socket.data.name ?? "", role, joinedAt: new Date().toISOString() };
    session.participants.set(socket.id, entry);
    presence.changed(session);
  }

  function leave(socket: IoSocket, options: { keepData?: boolean } = {}): void {
    const session = socket.data.session;
    if (!session) return;
    const entry = session.participants.get(socket.id);
    session.participants.delete(socket.id);
    if (!options.keepData) {
      void socket.leave(sessionRoom(session.id));
      void socket.leave(instructorRoom(session.id));
      socket.data.session = undefined;
      socket.data.role = undefined;
    }
    if (entry) void deps.queue.push({ kind: "participant-leave", id: entry.id, leftAt: new Date() }).catch(() => undefined);
    presence.changed(session);
    deps.registry.unloadIfIdle(session);
  }
}

/** Most examples a trace sent over the wire lists (a batch can have 2,000). */
const MAX_TRACE_EXAMPLES = 32;

/** Keeps a trace's size bounded: only the first MAX_TRACE_EXAMPLES examples of a large batch. */
export function limitTraceSize(trace: StepTrace): StepTrace & { examplesOmitted: number } {
  const omitted = Math.max(0, trace.examples.length - MAX_TRACE_EXAMPLES);
  return { ...trace, examples: omitted > 0 ? trace.examples.slice(0, MAX_TRACE_EXAMPLES) : trace.examples, examplesOmitted: omitted };
}

function requireJoined(socket: IoSocket): { session: LiveSession; role: Role } {
  const { session, role } = socket.data;
  if (!session || !role) throw new AppError(ErrorCode.FORBIDDEN, "join a session first");
  return { session, role };
}

function requireInstructor(socket: IoSocket): { session: LiveSession } {
  const { session, role } = requireJoined(socket);
  if (role !== "instructor") throw new AppError(ErrorCode.FORBIDDEN, "only the instructor can control the session");
  return { session };
}

/** Validates a payload; throws a BAD_REQUEST AppError naming the bad field. */
export function parse<S extends z.ZodType>(schema: S, payload: unknown): z.infer<S> {
  const result = schema.safeParse(payload);
  if (!result.success) throw new AppError(ErrorCode.BAD_REQUEST, formatIssues(result.error));
  return result.data;
}

/** Size of a payload as JSON; anything unserialisable counts as too large. */
export function payloadBytes(payload: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(payload) ?? "");
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
