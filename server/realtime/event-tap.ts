import type { Server, Socket } from "socket.io";
import { ErrorCode } from "@/lib/errors";
import type { Ack } from "@/lib/protocol";
import { log } from "../log";
import type { Metrics } from "../metrics";
import type { SessionSocketData } from "../owner/requests";

/** Controls that change a session's life cycle: logged at `info`; the others (step, set…) at `debug`. */
const LIFECYCLE_ACTIONS = new Set(["play", "pause", "end", "reset", "preset", "data", "fastForward"]);

/** The session a socket is in (the one socket-data type of realtime/handlers.ts, in every topology). */
function sessionIdOf(socket: Socket): string | undefined {
  return (socket.data as SessionSocketData).sessionId;
}

/**
 * Watches every socket's incoming events and their acks, without touching the handlers: counts
 * applied controls by action and rate-limited requests, and logs what a session lives through
 * (joins, controls) with its `sessionId`. A client's own mistake is `debug`; an INTERNAL answer is
 * already logged, with its cause, where it happened.
 */
export function tapSocketEvents(io: Server, metrics: Metrics): void {
  io.on("connection", (socket) => {
    socket.use((packet, next) => {
      const last = packet.length - 1;
      const ack = packet[last];
      if (last < 1 || typeof ack !== "function") return next();
      const event = String(packet[0]);
      const payload = packet[1] as { action?: unknown } | undefined;
      packet[last] = (...reply: unknown[]) => {
        (ack as (...r: unknown[]) => void)(...reply);
        observe(socket, metrics, event, payload, reply[0] as Ack<unknown> | undefined);
      };
      next();
    });
  });
}

function observe(socket: Socket, metrics: Metrics, event: string, payload: { action?: unknown } | undefined, reply: Ack<unknown> | undefined): void {
  if (!reply || typeof reply !== "object" || typeof reply.ok !== "boolean") return; // not one of our acks
  if (!reply.ok) {
    if (!reply.error || typeof reply.error !== "object") return;
    if (reply.error.code === ErrorCode.RATE_LIMITED) metrics.rateLimited();
    if (log.isLevelEnabled("debug")) log.debug({ socketId: socket.id, sessionId: sessionIdOf(socket), event, code: reply.error.code, message: reply.error.message }, "request refused");
    return;
  }
  if (event === "session:join") {
    const snapshot = (reply.data ?? {}) as { sessionId?: string; role?: string; participants?: number };
    const fields = { socketId: socket.id, sessionId: snapshot.sessionId, role: snapshot.role, participants: snapshot.participants };
    // A class arriving is hundreds of joins: the first one and instructors are news, the rest detail.
    if (snapshot.participants === 1) log.info(fields, "first participant joined");
    else if (snapshot.role === "instructor") log.info(fields, "instructor joined");
    else log.debug(fields, "participant joined");
    return;
  }
  if (event !== "session:control" || typeof payload?.action !== "string") return;
  metrics.controlApplied(payload.action);
  const { state, step } = (reply.data ?? {}) as { state?: string; step?: number };
  const fields = { socketId: socket.id, sessionId: sessionIdOf(socket), action: payload.action, state, step };
  if (LIFECYCLE_ACTIONS.has(payload.action)) log.info(fields, `control ${payload.action}`);
  else log.debug(fields, `control ${payload.action}`);
}
