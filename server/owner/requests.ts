import { AppError, type ErrorCode } from "@/lib/errors";
import type { z } from "zod";
import type { Ack, Control, dataPointsSchema, PollAnswer, PollOpenRequest, Role } from "@/lib/protocol";
import type { ProjectorFocus } from "@/lib/wire";
import type { ControlCaller } from "../teaching/controls";

/** Who a request is made for: a socket's participant (plain data: requests cross nodes). */
export interface Caller {
  /** Hash of the participant token (Q3); never the token itself. */
  voterId: string;
  name: string;
  ip: string;
}

/**
 * Everything anyone asks of a live session: socket events, HTTP routes and teaching tools alike. The
 * node that runs the session answers; the same request works in-process and across nodes, so it is
 * plain data (absent fields may arrive as null from another node).
 */
export type OwnerRequest =
  | { op: "join"; socketId: string; joinCode?: string; sessionId?: string; instructorKey?: string; coInstructorKey?: string; name: string; voterId: string; projector?: boolean }
  | { op: "view"; sessionId: string }
  | { op: "rejoin"; socketId: string; sessionId: string; role: Role; name: string; voterId?: string; projector?: boolean }
  | { op: "leave"; socketId: string; sessionId: string }
  | { op: "control"; sessionId: string; control: Control; caller: ControlCaller }
  | { op: "trace"; sessionId: string; step: number }
  | { op: "resync"; sessionId: string; role: Role; voterId: string; linkId?: string }
  | { op: "status"; sessionId: string }
  | { op: "data"; sessionId: string; instructorKey: string; body: { csv: string } | { points: z.infer<typeof dataPointsSchema>; testRatio?: number } }
  | { op: "poll:open"; sessionId: string; poll: PollOpenRequest }
  | { op: "poll:vote"; sessionId: string; caller: Caller; pollId: string; answer: PollAnswer }
  | { op: "poll:reveal"; sessionId: string; pollId: string; name?: string }
  | { op: "poll:cancel"; sessionId: string; pollId: string }
  | { op: "poll:again"; sessionId: string; pollId: string }
  | { op: "control:hand"; sessionId: string; participantId: string }
  | { op: "control:take"; sessionId: string }
  | { op: "control:link"; sessionId: string; name: string }
  | { op: "focus"; sessionId: string; view: ProjectorFocus }
  | { op: "fork"; sessionId: string; caller: Caller; title?: string };

/** The owner's answer; null from a node that does not run the session. */
export type OwnerReply = Ack<unknown> | null;

/** What a socket is, once joined: plain data, since the adapter serialises it (recovery, fetchSockets). */
export interface SessionSocketData {
  sessionId?: string;
  role?: Role;
  name?: string;
  /** Who this browser is across reconnects (polls, forks; Q3). */
  participantToken?: string;
  /** The co-instructor link this socket joined with (H1), checked by the owner at every control. */
  linkId?: string;
  /** The room's projector (PV4): in the room, but not a participant. */
  projector?: boolean;
}

/** The owner's data, or its error rethrown; UNAVAILABLE when no node runs the session right now. */
export function answer<T = unknown>(reply: OwnerReply): T {
  if (!reply) throw new AppError("UNAVAILABLE", "the session is moving to another server; try again in a few seconds");
  if (!reply.ok) throw new AppError(reply.error.code as ErrorCode, reply.error.message);
  return reply.data as T;
}
