import type { Hyper } from "@/lib/engine";
import type { Prisma, PrismaClient } from "../generated/prisma/client";
import { encodeParams } from "./write-ops";

/** What creating a session stores. */
export interface NewSession {
  id: string;
  title: string;
  joinCode: string;
  keyHash: string;
  config: unknown;
  /** θ at step 0, stored as the first checkpoint. */
  params: Float64Array;
  hyper: Hyper;
  /** Teaching links (issue 8): fork origin, dataset hash, template, preset. */
  links?: { parentId?: string; forkedAtStep?: number; forkOwner?: string; datasetHash?: string; templateId?: string; presetId?: string };
}

/** Inserts a session with its step-0 checkpoint and its run 0. Throws on a join code already live (unique index). */
export async function insertSession(prisma: PrismaClient, s: NewSession): Promise<void> {
  await prisma.$transaction([
    prisma.session.create({ data: { id: s.id, title: s.title, joinCode: s.joinCode, instructorKeyHash: s.keyHash, config: s.config as Prisma.InputJsonValue, state: "paused", step: 0, ...s.links } }),
    prisma.checkpoint.create({ data: { sessionId: s.id, step: 0, epoch: 0, cursor: 0, params: encodeParams(s.params), hyper: s.hyper as unknown as Prisma.InputJsonValue, controlSeq: 0 } }),
    prisma.run.create({ data: { sessionId: s.id, run: 0, cause: startCause(s.links), config: s.config as Prisma.InputJsonValue } }),
  ]);
}

/** What run 0 of a new session was started from. */
function startCause(links: NewSession["links"] = {}): string {
  if (links.parentId) return "fork";
  if (links.templateId) return "template";
  if (links.presetId) return "preset";
  return "start";
}

/** True if a session that has not finished already uses this join code. */
export async function isJoinCodeLive(prisma: PrismaClient, joinCode: string): Promise<boolean> {
  return (await prisma.session.count({ where: { joinCode, state: { not: "finished" } } })) > 0;
}

/** Ids of sessions that were live when the server stopped. */
export async function listUnfinishedSessionIds(prisma: PrismaClient): Promise<string[]> {
  const rows = await prisma.session.findMany({ where: { state: { not: "finished" } }, select: { id: true }, orderBy: { createdAt: "asc" } });
  return rows.map((r) => r.id);
}

/** Public summary of a session (no secrets). */
export interface SessionSummary {
  id: string;
  title: string;
  joinCode: string | null;
  state: string;
  step: number;
  config: unknown;
  createdAt: string;
  endedAt: string | null;
  participants: number;
}

/** The public summary, or null for an unknown id. */
export async function getSessionSummary(prisma: PrismaClient, id: string): Promise<SessionSummary | null> {
  const s = await prisma.session.findUnique({ where: { id }, include: { _count: { select: { participants: true } } } });
  if (!s) return null;
  return {
    id: s.id,
    title: s.title,
    joinCode: s.state === "finished" ? null : s.joinCode,
    state: s.state,
    step: s.step,
    config: s.config,
    createdAt: s.createdAt.toISOString(),
    endedAt: s.endedAt?.toISOString() ?? null,
    participants: s._count.participants,
  };
}

/** The instructor key hash of a session (to check a key without loading the session), or null for an unknown id. */
export async function getKeyHash(prisma: PrismaClient, id: string): Promise<string | null> {
  const s = await prisma.session.findUnique({ where: { id }, select: { instructorKeyHash: true } });
  return s?.instructorKeyHash ?? null;
}
