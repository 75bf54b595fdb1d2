import type { Hyper } from "@/lib/engine";
import { AppError, ErrorCode } from "@/lib/errors";
import type { RunSummary, StepSummary } from "@/lib/protocol";
import type { PrismaClient } from "../generated/prisma/client";
import type { StepRow } from "../sessions/write-ops";
import { decodeParams } from "./write-ops";

/** A stored session with everything needed to rebuild one of its runs at a step. */
export interface SessionRecord {
  id: string;
  title: string;
  joinCode: string;
  keyHash: string;
  /** The config of the run (the config in force at its start). */
  config: unknown;
  state: string;
  /** The run this record rebuilds, and the session's current run. */
  run: number;
  currentRun: number;
  /** Last durable step of the run. */
  step: number;
  checkpoint: { step: number; epoch: number; cursor: number; params: Float64Array; hyper: Hyper; controlSeq: number };
  /** Controls of the run logged after the checkpoint, in order. */
  controls: { seq: number; step: number; action: string; payload: unknown }[];
  /** Highest control seq of the session. */
  lastSeq: number;
  /** Step count of the run's latest `set` control at or before the target (0 if none). */
  lastSetStep: number;
}

/**
 * Loads a run of a session (default: the current one) for rebuilding at `atStep` (default: its last
 * durable step), or null if the session is unknown. Throws a NOT_FOUND AppError for a run that does
 * not exist or was deleted before every run was kept.
 */
export async function loadSessionRecord(prisma: PrismaClient, id: string, atStep?: number, run?: number): Promise<SessionRecord | null> {
  const s = await prisma.session.findUnique({ where: { id } });
  if (!s) return null;
  const which = run ?? s.run;
  let config: unknown = s.config;
  let durable = s.step;
  if (which !== s.run) {
    const r = which >= 0 && which < s.run ? await prisma.run.findUnique({ where: { sessionId_run: { sessionId: id, run: which } } }) : null;
    if (!r) throw new AppError(ErrorCode.NOT_FOUND, `run: this session has runs 0..${s.run}, not ${which}`);
    if (r.config === null || r.steps === null) throw new AppError(ErrorCode.NOT_FOUND, `run: run ${which} ended before every run was kept; its steps were not stored`);
    config = r.config;
    durable = r.steps;
  }
  const target = Math.min(atStep ?? durable, durable);
  const ck = await prisma.checkpoint.findFirst({ where: { sessionId: id, run: which, step: { lte: target } }, orderBy: { step: "desc" } });
  if (!ck) throw new Error(`session ${id} has no checkpoint of run ${which} at or before step ${target}`);
  const [controls, last, lastSet] = await Promise.all([
    prisma.controlEvent.findMany({ where: { sessionId: id, run: which, seq: { gt: ck.controlSeq } }, orderBy: { seq: "asc" }, select: { seq: true, step: true, action: true, payload: true } }),
    prisma.controlEvent.findFirst({ where: { sessionId: id }, orderBy: { seq: "desc" }, select: { seq: true } }),
    prisma.controlEvent.findFirst({ where: { sessionId: id, run: which, action: "set", step: { lte: target } }, orderBy: { seq: "desc" }, select: { step: true } }),
  ]);
  return {
    id: s.id,
    title: s.title,
    joinCode: s.joinCode,
    keyHash: s.instructorKeyHash,
    config,
    state: s.state,
    run: which,
    currentRun: s.run,
    step: durable,
    checkpoint: { step: ck.step, epoch: ck.epoch, cursor: ck.cursor, params: decodeParams(ck.params), hyper: ck.hyper as unknown as Hyper, controlSeq: ck.controlSeq },
    controls,
    lastSeq: last?.seq ?? 0,
    lastSetStep: lastSet?.step ?? 0,
  };
}

/** The session's current run, or null for an unknown session. */
export async function getCurrentRun(prisma: PrismaClient, id: string): Promise<number | null> {
  return (await prisma.session.findUnique({ where: { id }, select: { run: true } }))?.run ?? null;
}

/** Every run of a session, oldest first (the current one last), or null for an unknown session. */
export async function listRuns(prisma: PrismaClient, id: string): Promise<RunSummary[] | null> {
  const [s, runs] = await Promise.all([
    prisma.session.findUnique({ where: { id }, select: { run: true, step: true } }),
    prisma.run.findMany({ where: { sessionId: id }, orderBy: { run: "asc" }, select: { run: true, cause: true, startedAt: true, steps: true, config: true } }),
  ]);
  if (!s) return null;
  return runs.map((r) => {
    const kept = r.config !== null;
    return { run: r.run, cause: r.cause, startedAt: r.startedAt.toISOString(), steps: r.run === s.run ? s.step : kept ? r.steps : null, kept };
  });
}

/** A stored control with who sent it as one field (H5): `{ role, name }`, or null for the server's own pauses and rows from before actors were logged. */
function withActor<C extends { actorRole: string | null; actorName: string | null }>({ actorRole, actorName, ...c }: C) {
  return { ...c, actor: actorRole ? { role: actorRole, name: actorName ?? "" } : null };
}

/** A run with what replaying it needs: its config at the start and its control log (run-starting control first). */
export async function getRunLog(prisma: PrismaClient, id: string, run: number) {
  const r = await prisma.run.findUnique({ where: { sessionId_run: { sessionId: id, run } } });
  if (!r) return null;
  const [s, controls] = await Promise.all([
    prisma.session.findUnique({ where: { id }, select: { run: true, step: true } }),
    prisma.controlEvent.findMany({ where: { sessionId: id, run }, orderBy: { seq: "asc" }, select: { seq: true, step: true, action: true, payload: true, actorRole: true, actorName: true } }),
  ]);
  const steps = s && s.run === run ? s.step : r.steps;
  return { run, cause: r.cause, startedAt: r.startedAt.toISOString(), steps: r.config === null ? null : steps, current: s?.run === run, config: r.config, controls: controls.map(withActor) };
}

/** Stored metrics of a run's steps from..to (inclusive), at most `limit` rows, as StepSummary tuples. */
export async function getStepSummaries(prisma: PrismaClient, id: string, run: number, from: number, to: number, limit: number): Promise<StepSummary[]> {
  const rows = await prisma.stepMetric.findMany({ where: { sessionId: id, run, step: { gte: from, lte: to } }, orderBy: { step: "asc" }, take: limit });
  return rows.map((r) => [r.step, r.epoch, r.loss, r.trainLoss, r.trainAccuracy, r.testLoss, r.testAccuracy]);
}

/** The last `count` step summaries of a run up to `upTo`, oldest first. */
export async function getRecentSummaries(prisma: PrismaClient, id: string, run: number, upTo: number, count: number): Promise<StepSummary[]> {
  const rows = await prisma.stepMetric.findMany({ where: { sessionId: id, run, step: { lte: upTo } }, orderBy: { step: "desc" }, take: count });
  return rows.reverse().map((r) => [r.step, r.epoch, r.loss, r.trainLoss, r.trainAccuracy, r.testLoss, r.testAccuracy]);
}

/** Rows one export query reads: an export never holds more than this many in memory, whatever the session's length. */
export const EXPORT_PAGE_ROWS = 5000;

/** An exported step's metrics (`run`: the run it belongs to; `at`: when it was stored). */
export interface ExportedMetric extends StepRow {
  run: number;
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

/** The control log of every run, oldest first, read a page at a time (keyset on seq). */
export async function* streamControls(prisma: PrismaClient, id: string, pageRows = EXPORT_PAGE_ROWS) {
  for (let after = -1; ; ) {
    const page = await prisma.controlEvent.findMany({ where: { sessionId: id, seq: { gt: after } }, orderBy: { seq: "asc" }, take: pageRows, select: { seq: true, run: true, step: true, action: true, payload: true, actorRole: true, actorName: true, createdAt: true } });
    for (const c of page) yield { ...withActor(c), createdAt: c.createdAt.toISOString() };
    if (page.length < pageRows) return;
    after = page[page.length - 1].seq;
  }
}

/** Stored step metrics of every run, in (run, step) order, read a page at a time (keyset on run and step). */
export async function* streamMetrics(prisma: PrismaClient, id: string, pageRows = EXPORT_PAGE_ROWS): AsyncGenerator<ExportedMetric> {
  for (let after = { run: 0, step: -1 }; ; ) {
    const page = await prisma.stepMetric.findMany({
      where: { sessionId: id, OR: [{ run: after.run, step: { gt: after.step } }, { run: { gt: after.run } }] },
      orderBy: [{ run: "asc" }, { step: "asc" }],
      take: pageRows,
      select: { run: true, step: true, epoch: true, loss: true, trainLoss: true, trainAccuracy: true, testLoss: true, testAccuracy: true, at: true },
    });
    for (const m of page) yield { ...m, at: m.at.toISOString() };
    if (page.length < pageRows) return;
    after = page[page.length - 1];
  }
}
