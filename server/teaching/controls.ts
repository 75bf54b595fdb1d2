import { randomUUID } from "node:crypto";
import { AppError, ErrorCode } from "@/lib/errors";
import { DRIVER_ACTIONS, type CoInstructorLink, type Control, type ControlActor, type ControlsInfo, type Driver, type Role } from "@/lib/protocol";
import type { PrismaClient } from "../generated/prisma/client";
import { loadGrant, replaceGrant, revokeGrants, type StoredGrant } from "../data/control-grants";
import type { RoomPort } from "../realtime/room";
import { generateInstructorKey, hashKey, verifyKey } from "../sessions/keys";
import type { LiveSession } from "../sessions/live-session";
import { participantIdOf } from "./participant-token";

/** Who sends a control, as the owner knows them (plain data: it crosses nodes). */
export interface ControlCaller {
  role: Role;
  /** Hash of the participant token (Q3). */
  voterId: string;
  name: string;
  /** The co-instructor link this socket joined with, if any. */
  linkId?: string | null;
}

const DRIVER_ACTION_SET = new Set<string>(DRIVER_ACTIONS);

/**
 * A student at the controls (rules H1–H6): the instructor hands the training controls to one
 * participant, or to a co-instructor link with its own key, and takes them back at any time. One
 * driver at a time; the grant is stored, so it survives a restart or a takeover, and the room is told
 * who drives (a name, never a key or a token).
 */
export class ControlsService {
  private readonly grants = new Map<string, StoredGrant>();

  constructor(private readonly deps: { prisma: PrismaClient; roomFor: (sessionId: string) => RoomPort }) {}

  /** Who drives the session now (H4). */
  info(sessionId: string): ControlsInfo {
    const g = this.grants.get(sessionId);
    return { driver: g ? driverOf(g) : null };
  }

  /**
   * Checks that `caller` may send `c` (H2, H3) and returns who to log it as (H5): the instructor may
   * send anything; the driver the training controls only; anyone else nothing.
   */
  authorize(session: LiveSession, caller: ControlCaller, c: Control): ControlActor {
    if (caller.role === "instructor") return { role: "instructor", name: caller.name };
    const g = this.grants.get(session.id);
    const drives = g !== undefined && (g.kind === "student" ? g.voterId === caller.voterId : caller.linkId != null && caller.linkId === g.id);
    if (!drives) throw new AppError(ErrorCode.FORBIDDEN, "only the instructor can control the session");
    if (!DRIVER_ACTION_SET.has(c.action)) throw new AppError(ErrorCode.FORBIDDEN, `the driver may send ${DRIVER_ACTIONS.join(", ")}; ${c.action} is for the instructor`);
    return { role: g!.kind, name: g!.kind === "student" ? caller.name : g!.name };
  }

  /** `control:hand` (H1): hands the training controls to a student in the roster, by participant id. */
  async hand(session: LiveSession, participantId: string): Promise<ControlsInfo> {
    const entry = session.participants.list().find((p) => p.participantId === participantId);
    if (!entry) throw new AppError(ErrorCode.NOT_FOUND, "participantId: nobody connected to this session has this id; pick someone from the roster");
    if (entry.role !== "student") throw new AppError(ErrorCode.BAD_REQUEST, "participantId: this participant is an instructor, who has the controls already");
    const voterId = session.participants.voterIdOf(participantId);
    if (!voterId) throw new AppError(ErrorCode.NOT_FOUND, "participantId: nobody connected to this session has this id; pick someone from the roster");
    return this.grant(session, { id: randomUUID(), kind: "student", voterId, keyHash: null, name: entry.name, grantedAt: new Date() });
  }

  /** `control:link` (H1): a new co-instructor link, which drives from now on; its key is returned once and stored hashed. */
  async link(session: LiveSession, name: string): Promise<CoInstructorLink> {
    const key = generateInstructorKey();
    const controls = await this.grant(session, { id: randomUUID(), kind: "co-instructor", voterId: null, keyHash: hashKey(key), name, grantedAt: new Date() });
    return { key, controls };
  }

  /** `control:take` (H3): the instructor alone has the controls again; a link's key stops working for good. */
  async take(session: LiveSession): Promise<ControlsInfo> {
    if (session.state === "finished") throw new AppError(ErrorCode.CONFLICT, "the session has ended; it is read-only");
    await revokeGrants(this.deps.prisma, session.id, new Date());
    this.grants.delete(session.id);
    return this.tell(session);
  }

  /** At a join with `coInstructorKey`: the link's id if the key is the driving link's, else UNAUTHORIZED (H3). */
  linkFor(sessionId: string, key: string): string {
    const g = this.grants.get(sessionId);
    if (g?.kind !== "co-instructor" || !g.keyHash || !verifyKey(key, g.keyHash)) throw new AppError(ErrorCode.UNAUTHORIZED, "coInstructorKey: this co-instructor link was taken back or is wrong; ask the instructor for a new one");
    return g.id;
  }

  /** After a restart or a takeover: the grant in force comes back (H6). */
  async recoverSession(session: LiveSession): Promise<void> {
    const g = await loadGrant(this.deps.prisma, session.id);
    if (g) this.grants.set(session.id, g);
    else this.grants.delete(session.id);
  }

  private async grant(session: LiveSession, g: StoredGrant): Promise<ControlsInfo> {
    if (session.state === "finished") throw new AppError(ErrorCode.CONFLICT, "the session has ended; it is read-only");
    await replaceGrant(this.deps.prisma, session.id, g);
    this.grants.set(session.id, g);
    return this.tell(session);
  }

  private tell(session: LiveSession): ControlsInfo {
    const info = this.info(session.id);
    this.deps.roomFor(session.id).broadcast("session:controls", info);
    return info;
  }
}

/** A grant as the room sees it. */
function driverOf(g: StoredGrant): Driver {
  return { id: g.kind === "student" ? participantIdOf(g.voterId ?? "") : `link:${g.id}`, name: g.name, kind: g.kind, since: g.grantedAt.toISOString() };
}
