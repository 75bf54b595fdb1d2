import type { Socket } from "socket.io";
import type { z } from "zod";
import { AppError, ErrorCode } from "@/lib/errors";
import { forkSchema, pollOpenSchema, pollRefSchema, pollVoteSchema } from "@/lib/protocol";
import type { LiveSession } from "../sessions/live-session";
import { voterIdOf, type TeachingService, type TeachingSocketData } from "./service";

/** What server/realtime/handlers.ts lends the teaching events: its wrapper (rate limit, size, ack, P1–P5) and guards. */
export interface HandlerKit {
  handle: <T>(name: string, fn: (payload: unknown) => Promise<T> | T) => (payload: unknown, ack: unknown) => void;
  parse: <S extends z.ZodType>(schema: S, payload: unknown) => z.infer<S>;
  requireJoined: () => { session: LiveSession; role: "student" | "instructor" };
  requireInstructor: () => { session: LiveSession };
}

/** Registers `poll:*` and `session:fork` on one socket (rules Q1–Q10, F1–F4 in docs/protocol.md). */
export function registerTeachingEvents(socket: Socket, teaching: TeachingService, kit: HandlerKit): void {
  const data = socket.data as TeachingSocketData;
  const { handle, parse, requireJoined, requireInstructor } = kit;
  const voter = () => {
    data.participantToken ??= teaching.issueToken();
    return { voterId: voterIdOf(data.participantToken), name: data.name ?? "" };
  };

  socket.on("poll:open", handle("poll:open", async (payload) => {
    const { session } = requireInstructor();
    return teaching.polls.openPoll(session, parse(pollOpenSchema, payload));
  }));
  socket.on("poll:vote", handle("poll:vote", async (payload) => {
    const { session, role } = requireJoined();
    const { pollId, answer } = parse(pollVoteSchema, payload);
    if (role !== "student") throw new AppError(ErrorCode.FORBIDDEN, "instructors cannot vote; only students answer polls");
    return teaching.polls.vote(session, voter(), pollId, answer);
  }));
  socket.on("poll:reveal", handle("poll:reveal", async (payload) => {
    const { session } = requireInstructor();
    return teaching.polls.reveal(session, parse(pollRefSchema, payload).pollId);
  }));
  socket.on("poll:cancel", handle("poll:cancel", async (payload) => {
    const { session } = requireInstructor();
    return teaching.polls.cancel(session, parse(pollRefSchema, payload).pollId);
  }));
  socket.on("session:fork", handle("session:fork", async (payload) => {
    const { session } = requireJoined();
    const { title } = parse(forkSchema, payload ?? {});
    const { voterId, name } = voter();
    return teaching.forks.fork(session, { owner: voterId, name, ip: socket.handshake.address }, title);
  }));
}
