import type { Hyper } from "@/lib/engine";
import type { StepSummary } from "@/lib/protocol";
import type { PrismaClient } from "../generated/prisma/client";
import type { StepRow } from "../sessions/write-ops";
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

/** Rows one export query reads: an export never holds more than this many in memory, whatever the session's length. */
export const EXPORT_PAGE_ROWS = 5000;

/** An exported step's metrics (`at`: when it was stored). */
export interface ExportedMetric extends StepRow {
  at: string;
}

/** The head of an export: the session (no secrets) and its config; controls and metrics follow as streams. */
export async function getExportHead(prisma: PrismaClient, id: string) {
  const s = await prisma.session.findUnique({ where: { id } });
  if (!s) return null;
  const participants = await prisma.participant.count({ where: { sessionId: id } });
  return {
    session: { id: s.id, title: s.title, state: s.state, step: s.step, createdAt: s.createdAt.toISOString(), endedAt: s.endedAt?.toISOString() ?? null, participants },
    config: s.config,
  };
}

/** The control log, oldest first, read a page at a time (keyset on seq). */
export async function* streamControls(prisma: PrismaClient, id: string, pageRows = EXPORT_PAGE_ROWS) {
  for (let after = -1; ; ) {
    const page = await prisma.controlEvent.findMany({ where: { sessionId: id, seq: { gt: after } }, orderBy: { seq: "asc" }, take: pageRows, select: { seq: true, step: true, action: true, payload: true, createdAt: true } });
    for (const c of page) yield { ...c, createdAt: c.createdAt.toISOString() };
    if (page.length < pageRows) return;
    after = page[page.length - 1].seq;
  }
}

/** Stored step metrics, in step order, read a page at a time (keyset on step). */
export async function* streamMetrics(prisma: PrismaClient, id: string, pageRows = EXPORT_PAGE_ROWS): AsyncGenerator<ExportedMetric> {
  for (let after = -1; ; ) {
    const page = await prisma.stepMetric.findMany({ where: { sessionId: id, step: { gt: after } }, orderBy: { step: "asc" }, take: pageRows, select: { step: true, epoch: true, loss: true, trainLoss: true, trainAccuracy: true, testLoss: true, testAccuracy: true, at: true } });
    for (const m of page) yield { ...m, at: m.at.toISOString() };
    if (page.length < pageRows) return;
    after = page[page.length - 1].step;
  }
}
