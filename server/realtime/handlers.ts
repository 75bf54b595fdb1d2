import type { Server, Socket } from "socket.io";
import type { z } from "zod";
import { AppError, ErrorCode, toAck } from "@/lib/errors";
import {
  CLIENT_EVENTS,
  coInstructorLinkSchema,
  controlSchema,
  focusSchema,
  forkSchema,
  handSchema,
  joinSchema,
  pollAgainSchema,
  pollOpenSchema,
  pollRefSchema,
  pollVoteSchema,
  takeSchema,
  traceRequestSchema,
  type Ack,
  type ClientToServerEvents,
  type JoinRequest,
  type Role,
  type ServerToClientEvents,
  type SessionSnapshot,
} from "@/lib/protocol";
import { formatIssues } from "@/lib/schemas";
import { classifyDbError } from "../data/db-errors";
import { answer, type Caller, type SessionSocketData } from "../owner/requests";
import type { OwnerRouter } from "../owner/router";
import type { Budgets } from "../security/budgets";
import type { ParticipantTokens } from "../security/participant-tokens";
import { voterIdOf } from "../teaching/participant-token";
import type { Limits } from "./limits";
import { instructorRoom, sessionRoom } from "./socket-room";
import { log } from "../log";

type IoServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SessionSocketData>;
type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SessionSocketData>;
type ClientEvent = (typeof CLIENT_EVENTS)[number];

/**
 * Makes a socket's event handlers: each checks the payload size (P2), runs `fn`, and acks exactly
 * once; a database outage becomes UNAVAILABLE, any other unexpected error INTERNAL (P5), logged here
 * only. The rate limit (P3) is applied to every inbound packet before this (server/security/inbound-guard.ts).
 */
export function createHandler(limits: Pick<Limits, "maxPayloadBytes">) {
  return <T>(name: string, fn: (payload: unknown) => Promise<T> | T) =>
    function (this: { emit?: (event: "session:error", error: { code: string; message: string }) => void } | undefined, ...args: unknown[]) {
      // P1: the acknowledgement is the last argument, with or without a payload before it.
      const ack = typeof args[args.length - 1] === "function" ? (args.pop() as (res: Ack<T>) => void) : undefined;
      const reply = ack ?? ((res: Ack<T>) => void (!res.ok && this?.emit?.("session:error", res.error)));
      void (async () => {
        try {
          if (args.length > 1) throw new AppError(ErrorCode.BAD_REQUEST, `${name}: send one payload and an acknowledgement callback, not ${args.length} arguments`);
          const payload = args[0];
          if (payloadBytes(payload) > limits.maxPayloadBytes) throw new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `${name}: payload larger than ${limits.maxPayloadBytes} bytes`);
          reply({ ok: true, data: await fn(payload) });
        } catch (err) {
          if (!(err instanceof AppError)) log.error({ err, event: name }, "socket request failed");
          reply(toAck(asOutage(err)));
        }
      })();
    };
}

/** The answer to a join from a page older than protocol 3 (P6). */
export const OUTDATED_PAGE_MESSAGE = "this page is from an older version of Backprop Live: reload the page to join";

/** A database outage as UNAVAILABLE (the client retries); any other error unchanged. */
export function asOutage(err: unknown): unknown {
  return !(err instanceof AppError) && classifyDbError(err) === "outage" ? new AppError(ErrorCode.UNAVAILABLE, "the database is unreachable; try again shortly") : err;
}

/**
 * Wires the session events onto a Socket.IO server, whatever the topology: every handler validates,
 * checks who may ask, and hands the request to the session's owner through `router` (in-process in a
 * single process, across nodes in a cluster); it acks exactly once and never throws. The socket-level
 * guards (rate limit, unknown events, outbound backlog, issued tokens) run before it (server/security).
 */
export function registerSessionHandlers(server: Server, deps: { router: OwnerRouter; limits: Limits; budgets: Budgets; tokens: ParticipantTokens }): void {
  const io = server as unknown as IoServer;
  const { router } = deps;

  /** Who a socket is for the owner: the hash of its participant token (issued by this server), its name and address. */
  function callerOf(socket: IoSocket): Caller {
    socket.data.participantToken ??= deps.tokens.issue();
    return { voterId: voterIdOf(socket.data.participantToken), name: socket.data.name ?? "", ip: socket.handshake.address };
  }
  io.on("connection", (socket: IoSocket) => {
    // Connection state recovery gave back this socket's rooms and data: count it in again.
    if (socket.recovered && socket.data.sessionId) void rejoin(socket);
    const handle = createHandler(deps.limits);
    const on = (event: ClientEvent, fn: (payload: unknown) => Promise<unknown> | unknown) => {
      const handler = handle(event, fn);
      socket.on(event, ((...args: unknown[]) => handler.apply(socket as never, args)) as never);
    };

    on("session:join", (payload) => {
      // A page from before protocol 3 still sends `lastStep` (P6): tell the person what to do about it.
      if (typeof payload === "object" && payload !== null && "lastStep" in payload) throw new AppError(ErrorCode.BAD_REQUEST, OUTDATED_PAGE_MESSAGE);
      const req = parse(joinSchema, payload);
      return req.sessionId !== undefined ? view(socket, req) : join(socket, req);
    });
    // Students may reach the owner too: it lets the driver through with the training controls (H2).
    on("session:control", (payload) => {
      const { sessionId, role } = requireJoined(socket);
      const control = parse(controlSchema, payload);
      const { voterId, name } = callerOf(socket);
      return router.call({ op: "control", sessionId, control, caller: { role, voterId, name, linkId: socket.data.linkId } });
    });
    let tracing = false;
    on("session:trace", async (payload) => {
      const { sessionId } = requireJoined(socket);
      const { step } = parse(traceRequestSchema, payload);
      if (tracing) throw new AppError(ErrorCode.RATE_LIMITED, "one trace at a time: wait for the previous answer");
      tracing = true;
      try {
        return await router.call({ op: "trace", sessionId, step });
      } finally {
        tracing = false;
      }
    });
    on("session:resync", async () => {
      const { sessionId, role } = requireJoined(socket);
      return withToken(socket, await router.call<SessionSnapshot>({ op: "resync", sessionId, role, voterId: callerOf(socket).voterId, linkId: socket.data.linkId }));
    });
    on("poll:open", (payload) => router.call({ op: "poll:open", sessionId: requireInstructor(socket), poll: parse(pollOpenSchema, payload) }));
    on("poll:vote", (payload) => {
      const { sessionId, role } = requireJoined(socket);
      const { pollId, answer } = parse(pollVoteSchema, payload);
      if (role !== "student") throw new AppError(ErrorCode.FORBIDDEN, "instructors cannot vote; only students answer polls");
      if (socket.data.projector) throw new AppError(ErrorCode.FORBIDDEN, "the projector view cannot vote");
      return router.call({ op: "poll:vote", sessionId, caller: callerOf(socket), pollId, answer });
    });
    on("poll:reveal", (payload) => router.call({ op: "poll:reveal", sessionId: requireInstructor(socket), pollId: parse(pollRefSchema, payload).pollId, name: socket.data.name }));
    on("poll:cancel", (payload) => router.call({ op: "poll:cancel", sessionId: requireInstructor(socket), pollId: parse(pollRefSchema, payload).pollId }));
    on("session:focus", (payload) => router.call({ op: "focus", sessionId: requireInstructor(socket), view: parse(focusSchema, payload).view }));
    on("poll:again", (payload) => router.call({ op: "poll:again", sessionId: requireInstructor(socket), pollId: parse(pollAgainSchema, payload).pollId }));
    on("control:hand", (payload) => router.call({ op: "control:hand", sessionId: requireInstructor(socket), participantId: parse(handSchema, payload).participantId }));
    on("control:take", (payload) => router.call({ op: "control:take", sessionId: requireInstructor(socket), ...parse(takeSchema, payload ?? {}) }));
    on("control:link", (payload) => router.call({ op: "control:link", sessionId: requireInstructor(socket), name: parse(coInstructorLinkSchema, payload).name }));
    on("session:fork", (payload) => {
      const { sessionId } = requireJoined(socket);
      const { title } = parse(forkSchema, payload ?? {});
      return router.call({ op: "fork", sessionId, caller: callerOf(socket), title });
    });
    // Keep socket.data: connection state recovery restores it if the client comes back.
    socket.on("disconnect", () => leave(socket, { keepData: true }));
  });

  /** Checks the key with the owner first: a failed join leaves the socket where it was. */
  async function join(socket: IoSocket, req: JoinRequest): Promise<SessionSnapshot> {
    const ip = socket.handshake.address;
    const waitMs = await deps.budgets.joinBlockedFor(ip);
    if (waitMs > 0) throw new AppError(ErrorCode.RATE_LIMITED, `too many failed joins from your network; try again in ${Math.ceil(waitMs / 1000)} s`);
    // The identity is fixed at the socket's first join (the token it sent, already checked as issued by
    // this server by server/security/join-guard.ts, or a new one): one connection is one voter.
    const token = socket.data.participantToken ?? req.participantToken ?? deps.tokens.issue();
    if (req.instructorKey !== undefined && req.coInstructorKey !== undefined) throw new AppError(ErrorCode.BAD_REQUEST, "coInstructorKey: join with the instructor key or a co-instructor link, not both");
    const reply = await router.ask({ op: "join", socketId: socket.id, joinCode: req.joinCode, instructorKey: req.instructorKey, coInstructorKey: req.coInstructorKey, name: req.name, voterId: voterIdOf(token), projector: req.projector === true });
    if (!reply) {
      // A live session no node runs right now: its server died and another is taking it over (its lease
      // runs out), or this one is still adopting it at start-up. Not a wrong code: the page asks again.
      // `answer` gives it the same UNAVAILABLE as any request that finds no owner (C13).
      if (await router.isLiveCode(req.joinCode!)) return answer<SessionSnapshot>(reply);
      await deps.budgets.failJoin(ip);
      throw new AppError(ErrorCode.NOT_FOUND, `no live session has the code ${req.joinCode}; check the code, or the session may have ended`);
    }
    if (!reply.ok && (reply.error.code === ErrorCode.UNAUTHORIZED || reply.error.code === ErrorCode.NOT_FOUND)) await deps.budgets.failJoin(ip);
    const snapshot = answer<SessionSnapshot>(reply);
    if (socket.data.sessionId && socket.data.sessionId !== snapshot.sessionId) leave(socket);
    socket.data.sessionId = snapshot.sessionId;
    socket.data.role = snapshot.role;
    socket.data.name = req.name;
    socket.data.participantToken = token;
    socket.data.projector = req.projector === true;
    const driverId = snapshot.teaching?.driverId;
    socket.data.linkId = driverId?.startsWith("link:") ? driverId.slice("link:".length) : undefined;
    return withToken(socket, snapshot);
  }

  /**
   * `session:join {sessionId}`: a read-only view of the session (server/realtime/read-only-view.ts),
   * from its owner, or loaded here once finished; the socket joins no room and stays where it was.
   */
  async function view(socket: IoSocket, req: JoinRequest): Promise<SessionSnapshot> {
    if (req.instructorKey !== undefined || req.coInstructorKey !== undefined) throw new AppError(ErrorCode.BAD_REQUEST, `${req.instructorKey !== undefined ? "instructorKey" : "coInstructorKey"}: a session is controlled through its joinCode; sessionId gives a read-only view`);
    const ip = socket.handshake.address;
    const waitMs = await deps.budgets.joinBlockedFor(ip);
    if (waitMs > 0) throw new AppError(ErrorCode.RATE_LIMITED, `too many failed joins from your network; try again in ${Math.ceil(waitMs / 1000)} s`);
    const reply = await router.ask({ op: "view", sessionId: req.sessionId! });
    if (!reply) {
      if ((await router.storedState(req.sessionId!)) !== null) throw new AppError(ErrorCode.UNAVAILABLE, "the session is moving to another server; try again in a few seconds");
      await deps.budgets.failJoin(ip);
      throw new AppError(ErrorCode.NOT_FOUND, "no session has this id");
    }
    return answer<SessionSnapshot>(reply);
  }

  async function rejoin(socket: IoSocket): Promise<void> {
    const { sessionId, role, name } = socket.data;
    const voterId = socket.data.participantToken ? voterIdOf(socket.data.participantToken) : undefined;
    const reply = await router.ask({ op: "rejoin", socketId: socket.id, sessionId: sessionId!, role: role!, name: name ?? "", voterId, projector: socket.data.projector === true }).catch(() => null);
    if (reply?.ok) return;
    leave(socket);
    socket.emit("session:error", { code: ErrorCode.CONFLICT, message: "please join the session again" });
  }

  function leave(socket: IoSocket, options: { keepData?: boolean } = {}): void {
    const { sessionId } = socket.data;
    if (!sessionId) return;
    void router.ask({ op: "leave", socketId: socket.id, sessionId }).catch(() => undefined);
    if (!options.keepData) {
      void socket.leave(sessionRoom(sessionId));
      void socket.leave(instructorRoom(sessionId));
      socket.data.sessionId = undefined;
      socket.data.role = undefined;
    }
  }
}

/** The caller's snapshot with the token to send on the next join (Q3). */
function withToken(socket: IoSocket, snapshot: SessionSnapshot): SessionSnapshot {
  return { ...snapshot, teaching: { ...snapshot.teaching!, participantToken: socket.data.participantToken } };
}

function requireJoined(socket: IoSocket): { sessionId: string; role: Role } {
  const { sessionId, role } = socket.data;
  if (!sessionId || !role) throw new AppError(ErrorCode.FORBIDDEN, "join a session first");
  return { sessionId, role };
}

/** The session id, if the socket is its instructor. */
function requireInstructor(socket: IoSocket): string {
  const { sessionId, role } = requireJoined(socket);
  if (role !== "instructor") throw new AppError(ErrorCode.FORBIDDEN, "only the instructor can control the session");
  return sessionId;
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
