import type { Hyper } from "@/lib/engine";
import type { StepSummary } from "@/lib/protocol";
import type { PrismaClient } from "../generated/prisma/client";
import { decodeParams } from "./write-ops";

/** A stored session with everything needed to rebuild it at its durable step. */
export interface SessionRecord {
  id: string;
  title: string;
  joinCode: string;
  keyHash: string;
  config: unknown;
  state: string;
  step: number;
  checkpoint: { step: number; epoch: number; cursor: number; params: Float64Array; hyper: Hyper; controlSeq: number };
  /** Controls logged after the checkpoint, in order. */
  controls: { seq: number; step: number; action: string; payload: unknown }[];
  /** Highest control seq of the session. */
  lastSeq: number;
  /** Step count of the latest `set` control of the current run (0 if none). */
  lastSetStep: number;
}

/** Loads a session for rebuilding at `atStep` (default: its durable step), or null if unknown. */
export async function loadSessionRecord(prisma: PrismaClient, id: string, atStep?: number): Promise<SessionRecord | null> {
  const s = await prisma.session.findUnique({ where: { id } });
  if (!s) return null;
  const target = Math.min(atStep ?? s.step, s.step);
  const ck = await prisma.checkpoint.findFirst({ where: { sessionId: id, step: { lte: target } }, orderBy: { step: "desc" } });
  if (!ck) throw new Error(`session ${id} has no checkpoint at or before step ${target}`);
  const [controls, last, lastReset] = await Promise.all([
    prisma.controlEvent.findMany({ where: { sessionId: id, seq: { gt: ck.controlSeq } }, orderBy: { seq: "asc" }, select: { seq: true, step: true, action: true, payload: true } }),
    prisma.controlEvent.findFirst({ where: { sessionId: id }, orderBy: { seq: "desc" }, select: { seq: true } }),
    prisma.controlEvent.findFirst({ where: { sessionId: id, action: "reset" }, orderBy: { seq: "desc" }, select: { seq: true } }),
  ]);
  const lastSet = await prisma.controlEvent.findFirst({
    where: { sessionId: id, action: "set", seq: { gt: lastReset?.seq ?? 0 }, step: { lte: target } },
    orderBy: { seq: "desc" },
    select: { step: true },
  });
  return {
    id: s.id,
    title: s.title,
    joinCode: s.joinCode,
    keyHash: s.instructorKeyHash,
    config: s.config,
    state: s.state,
    step: s.step,
    checkpoint: { step: ck.step, epoch: ck.epoch, cursor: ck.cursor, params: decodeParams(ck.params), hyper: ck.hyper as unknown as Hyper, controlSeq: ck.controlSeq },
    controls: controls.map((c) => ({ ...c, payload: c.payload })),
    lastSeq: last?.seq ?? 0,
    lastSetStep: lastSet?.step ?? 0,
  };
}

/** Stored metrics of steps from..to (inclusive), at most `limit` rows, as StepSummary tuples. */
export async function getStepSummaries(prisma: PrismaClient, id: string, from: number, to: number, limit: number): Promise<StepSummary[]> {
  const rows = await prisma.stepMetric.findMany({ where: { sessionId: id, step: { gte: from, lte: to } }, orderBy: { step: "asc" }, take: limit });
  return rows.map((r) => [r.step, r.epoch, r.loss, r.trainLoss, r.trainAccuracy, r.testLoss, r.testAccuracy]);
}

/** The last `count` step summaries up to `upTo`, oldest first. */
export async function getRecentSummaries(prisma: PrismaClient, id: string, upTo: number, count: number): Promise<StepSummary[]> {
  const rows = await prisma.stepMetric.findMany({ where: { sessionId: id, step: { lte: upTo } }, orderBy: { step: "desc" }, take: count });
  return rows.reverse().map((r) => [r.step, r.epoch, r.loss, r.trainLoss, r.trainAccuracy, r.testLoss, r.testAccuracy]);
}

/** Everything stored about a session except secrets: config, control log, metrics. */
export async function exportSession(prisma: PrismaClient, id: string) {
  const s = await prisma.session.findUnique({ where: { id } });
  if (!s) return null;
  const [controls, metrics, participants] = await Promise.all([
    prisma.controlEvent.findMany({ where: { sessionId: id }, orderBy: { seq: "asc" }, select: { seq: true, step: true, action: true, payload: true, createdAt: true } }),
    prisma.stepMetric.findMany({ where: { sessionId: id }, orderBy: { step: "asc" }, select: { step: true, epoch: true, loss: true, trainLoss: true, trainAccuracy: true, testLoss: true, testAccuracy: true, at: true } }),
    prisma.participant.count({ where: { sessionId: id } }),
  ]);
  return {
    session: { id: s.id, title: s.title, state: s.state, step: s.step, createdAt: s.createdAt.toISOString(), endedAt: s.endedAt?.toISOString() ?? null, participants },
    config: s.config,
    controls: controls.map((c) => ({ ...c, createdAt: c.createdAt.toISOString() })),
    metrics: metrics.map((m) => ({ ...m, at: m.at.toISOString() })),
  };
}
