import { RUN_STARTING_ACTIONS } from "@/lib/engine";
import type { Prisma, PrismaClient } from "../generated/prisma/client";
import type { FlushFn, WriteOp } from "../sessions/write-ops";
import { log } from "../log";
import { rollupStatements } from "./curve-rollup";
import { classifyDbError } from "./db-errors";
import { sqlInt as int, sqlString } from "./sql-literal";

/** A statement of a write transaction. */
export type Query = Prisma.PrismaPromise<unknown>;

/**
 * Runs a script of SQL statements (no parameters) in one round trip. PostgreSQL runs the statements of
 * one simple query as a single implicit transaction: all of them commit, or none.
 */
export type ScriptRunner = (script: string) => Promise<void>;

/**
 * The write queue's flush: one transaction per batch, with as few statements as the batch allows
 * (each statement costs a round trip, and on PGlite several milliseconds). Ops are applied in order:
 * a `reset` splits the batch, and within each part every kind of op becomes one statement
 * (multi-row inserts, one UPDATE … FROM (VALUES …) for all durable-step moves).
 *
 * Runs: metrics, checkpoints and controls land in the session's current run (`Session.run`) as the
 * transaction sees it. A session's ops never reorder, so each lands in the run it was made in; a
 * `reset` op starts the next run (a `Run` row with its config) and deletes nothing of the last one.
 * A run-starting control (logged just before its `reset` op) is the first event of the run it starts.
 * The loss rollup of every bucket the batch completes is written in the same transaction as its steps.
 */
/**
 * `guard` (multi-node mode) gives statements that must open every transaction (the lease check); a
 * guarded flush never takes the script shortcut.
 */
export function createFlush(prisma: PrismaClient, runScript?: ScriptRunner, guard?: (ops: WriteOp[]) => Query[]): FlushFn {
  return async (ops) => {
    // Steady play writes only steps. On PGlite a Prisma transaction of two statements costs ~3.5 ms of
    // CPU (BEGIN, two statements, COMMIT, each a round trip through Prisma and the WebAssembly engine);
    // the same writes as one script cost ~0.4 ms (docs/benchmarks.md, fan-out).
    if (runScript && !guard && ops.length > 0 && ops.every(isStepOp)) return runScript(stepScript(ops));
    const queries: Query[] = [];
    let part: WriteOp[] = [];
    // Participants carry names people typed: they go in a transaction of their own, after the
    // training data, so that no bad row can ever hold back a step (or every session's steps).
    const roster = ops.filter(isRosterOp);
    for (const op of ops) {
      if (isRosterOp(op)) continue;
      if (op.kind === "reset") {
        queries.push(...statementsFor(prisma, part));
        part = [];
        queries.push(
          // The run that ends keeps everything; it records its last durable step.
          prisma.$executeRawUnsafe(`UPDATE "Run" AS r SET "steps" = s."step" FROM "Session" AS s WHERE s."id" = $1 AND r."sessionId" = s."id" AND r."run" = s."run"`, op.sessionId),
          prisma.$executeRawUnsafe(`INSERT INTO "Run" ("sessionId", "run", "cause", "config") SELECT s."id", s."run" + 1, $2, $3::jsonb FROM "Session" AS s WHERE s."id" = $1`, op.sessionId, op.cause, JSON.stringify(op.config)),
          prisma.session.update({ where: { id: op.sessionId }, data: { config: op.config as Prisma.InputJsonValue, step: 0, run: { increment: 1 } } }),
          ...statementsFor(prisma, [op.checkpoint]), // in the same transaction: a run never lacks its step-0 checkpoint
        );
      } else part.push(op);
    }
    queries.push(...statementsFor(prisma, part));
    // Multi-node mode: the first statement checks this node still holds the leases of these sessions.
    if (queries.length > 0) await prisma.$transaction([...(guard?.(ops.filter((op) => !isRosterOp(op))) ?? []), ...queries]);
    if (roster.length > 0) await storeRoster(prisma, roster);
  };
}

/**
 * Participants in one transaction; if the database refuses it, one by one, so that a single row it
 * will not take (a session deleted meanwhile, a value it refuses) costs that row, not the whole class's
 * roster. An outage is thrown: the queue retries the batch (re-applying committed ops changes nothing).
 */
async function storeRoster(prisma: PrismaClient, roster: WriteOp[]): Promise<void> {
  try {
    await prisma.$transaction(statementsFor(prisma, roster));
    return;
  } catch (err) {
    if (classifyDbError(err) === "outage") throw err;
    if (roster.length === 1) return void log.warn({ err, dropped: 1 }, "a participant record the database refused was dropped");
  }
  let dropped = 0;
  let lastError: unknown;
  for (const op of roster) {
    try {
      await prisma.$transaction(statementsFor(prisma, [op]));
    } catch (err) {
      if (classifyDbError(err) === "outage") throw err;
      dropped += 1;
      lastError = err;
    }
  }
  if (dropped > 0) log.warn({ err: lastError, dropped, stored: roster.length - dropped }, "participant records the database refused were dropped; the others were stored");
}

function isStepOp(op: WriteOp): op is Extract<WriteOp, { kind: "steps" | "advance" }> {
  return op.kind === "steps" || op.kind === "advance";
}

/** The metrics insert and durable-step update of step-only ops, as one script of SQL literals. */
function stepScript(ops: Extract<WriteOp, { kind: "steps" | "advance" }>[]): string {
  const metrics: Prisma.StepMetricCreateManyInput[] = [];
  const durableStep = new Map<string, number>();
  for (const op of ops) {
    if (op.kind === "advance") durableStep.set(op.sessionId, op.step);
    else {
      for (const r of op.rows) metrics.push({ sessionId: op.sessionId, ...r });
      if (op.rows.length > 0) durableStep.set(op.sessionId, op.rows[op.rows.length - 1].step);
    }
  }
  const statements: string[] = [];
  if (metrics.length > 0) statements.push(metricsInsertSql(metrics, sqlString));
  if (durableStep.size > 0) statements.push(`UPDATE "Session" AS s SET "step" = v.step, "updatedAt" = now() FROM (VALUES ${[...durableStep].map(([id, step]) => `(${sqlString(id)}, ${int(step)})`).join(", ")}) AS v(id, step) WHERE s."id" = v.id`);
  statements.push(...rollupStatements(ops));
  return statements.join(";\n");
}

function isRosterOp(op: WriteOp): boolean {
  return op.kind === "participant-join" || op.kind === "participant-leave";
}

/** Statements for ops containing no reset; their relative order only matters per session and key. */
function statementsFor(prisma: PrismaClient, ops: WriteOp[]): Query[] {
  const metrics: Prisma.StepMetricCreateManyInput[] = [];
  const controls: Extract<WriteOp, { kind: "control" }>[] = [];
  const joins: Prisma.ParticipantCreateManyInput[] = [];
  const durableStep = new Map<string, number>();
  const state = new Map<string, { state: string; ended: boolean }>();
  const checkpoints = new Map<string, Extract<WriteOp, { kind: "checkpoint" }>>();
  const leaves: Extract<WriteOp, { kind: "participant-leave" }>[] = [];
  for (const op of ops) {
    switch (op.kind) {
      case "steps":
        for (const r of op.rows) metrics.push({ sessionId: op.sessionId, ...r });
        if (op.rows.length > 0) durableStep.set(op.sessionId, op.rows[op.rows.length - 1].step);
        break;
      case "advance":
        durableStep.set(op.sessionId, op.step);
        break;
      case "control":
        controls.push(op);
        break;
      case "checkpoint":
        checkpoints.set(`${op.sessionId}:${op.step}`, op);
        break;
      case "state":
        state.set(op.sessionId, { state: op.state, ended: op.ended || (state.get(op.sessionId)?.ended ?? false) });
        break;
      case "participant-join":
        joins.push({ id: op.id, sessionId: op.sessionId, name: op.name, role: op.role, joinedAt: op.joinedAt });
        break;
      case "participant-leave":
        leaves.push(op);
        break;
      case "reset":
        throw new Error("statementsFor: resets split the batch before this point");
    }
  }
  const q: Query[] = [];
  if (metrics.length > 0) q.push(insertMetrics(prisma, metrics));
  if (durableStep.size > 0) q.push(updateSteps(prisma, durableStep));
  // Loss rollups of the buckets these steps complete, after the durable step moved (curve-rollup.ts).
  for (const sql of rollupStatements(ops)) q.push(prisma.$executeRawUnsafe(sql));
  if (controls.length > 0) q.push(insertControls(prisma, controls));
  for (const op of checkpoints.values()) q.push(upsertCheckpoint(prisma, op));
  for (const [id, s] of state) q.push(prisma.session.update({ where: { id }, data: { state: s.state, ...(s.ended ? { endedAt: new Date() } : {}) } }));
  if (joins.length > 0) q.push(prisma.participant.createMany({ data: joins, skipDuplicates: true }));
  for (const op of leaves) q.push(prisma.participant.updateMany({ where: { id: op.id }, data: { leftAt: op.leftAt } }));
  return q;
}

/** Run number of the session's current run, plus one for a run-starting action (SQL over `s`, the session). */
const CONTROL_RUN_SQL = `s."run" + CASE WHEN v.action IN (${RUN_STARTING_ACTIONS.map(sqlString).join(", ")}) THEN 1 ELSE 0 END`;

/**
 * One multi-row INSERT for controls, in the current run (a run-starting control in the run it starts).
 * ON CONFLICT DO NOTHING: a batch retried after a commit whose acknowledgement was lost must not fail forever.
 */
function insertControls(prisma: PrismaClient, ops: Extract<WriteOp, { kind: "control" }>[]): Query {
  const params: unknown[] = [];
  const values = ops.map((op) => {
    params.push(op.sessionId, op.action, JSON.stringify(op.payload ?? {}), op.actor?.role ?? null, op.actor?.name ?? null);
    const n = params.length;
    return `($${n - 4}, ${int(op.seq)}, ${int(op.step)}, $${n - 3}, $${n - 2}::jsonb, $${n - 1}::text, $${n}::text)`;
  });
  return prisma.$executeRawUnsafe(
    `INSERT INTO "ControlEvent" ("sessionId", "seq", "run", "step", "action", "payload", "actorRole", "actorName") SELECT v.sid, v.seq, ${CONTROL_RUN_SQL}, v.step, v.action, v.payload, v.arole, v.aname FROM (VALUES ${values.join(", ")}) AS v(sid, seq, step, action, payload, arole, aname) JOIN "Session" AS s ON s."id" = v.sid ON CONFLICT DO NOTHING`,
    ...params,
  );
}

/** A checkpoint of the session's current run (θ as a hex bytea literal: bytes the engine produced, never text). */
function upsertCheckpoint(prisma: PrismaClient, op: Extract<WriteOp, { kind: "checkpoint" }>): Query {
  const hex = Buffer.from(encodeParams(op.params)).toString("hex");
  return prisma.$executeRawUnsafe(
    `INSERT INTO "Checkpoint" ("sessionId", "run", "step", "epoch", "cursor", "params", "hyper", "controlSeq") SELECT s."id", s."run", ${int(op.step)}, ${int(op.epoch)}, ${int(op.cursor)}, decode('${hex}', 'hex'), $2::jsonb, ${int(op.controlSeq)} FROM "Session" AS s WHERE s."id" = $1 ` +
      `ON CONFLICT ("sessionId", "run", "step") DO UPDATE SET "epoch" = EXCLUDED."epoch", "cursor" = EXCLUDED."cursor", "params" = EXCLUDED."params", "hyper" = EXCLUDED."hyper", "controlSeq" = EXCLUDED."controlSeq"`,
    op.sessionId,
    JSON.stringify(op.hyper),
  );
}

/**
 * One multi-row INSERT for step metrics. Prisma's createMany costs ~0.3 ms a row on PGlite (a bound
 * parameter per cell); here only session ids are parameters and the numbers are written as SQL
 * literals: they are numbers the engine produced (String(x) round-trips a double exactly), never text.
 */
function insertMetrics(prisma: PrismaClient, rows: Prisma.StepMetricCreateManyInput[]): Query {
  const ids = new Map<string, number>();
  const sql = metricsInsertSql(rows, (id) => {
    let p = ids.get(id);
    if (p === undefined) ids.set(id, (p = ids.size + 1));
    return `$${p}`;
  });
  return prisma.$executeRawUnsafe(sql, ...ids.keys());
}

/** The multi-row INSERT of step metrics into each session's current run; `sessionRef` writes a session id (a parameter or a literal). */
function metricsInsertSql(rows: Prisma.StepMetricCreateManyInput[], sessionRef: (id: string) => string): string {
  const values = rows.map(
    (r) => `(${sessionRef(r.sessionId)}, ${int(r.step)}, ${int(r.epoch)}, ${float(r.loss)}::float8, ${float(r.trainLoss)}::float8, ${float(r.trainAccuracy)}::float8, ${float(r.testLoss)}::float8, ${float(r.testAccuracy)}::float8)`,
  );
  return `INSERT INTO "StepMetric" ("sessionId", "run", "step", "epoch", "loss", "trainLoss", "trainAccuracy", "testLoss", "testAccuracy") SELECT v.sid, s."run", v.step, v.epoch, v.loss, v.tl, v.ta, v.vl, v.va FROM (VALUES ${values.join(", ")}) AS v(sid, step, epoch, loss, tl, ta, vl, va) JOIN "Session" AS s ON s."id" = v.sid ON CONFLICT DO NOTHING`;
}

function float(x: number | null | undefined): string {
  if (x === null || x === undefined) return "NULL";
  if (typeof x !== "number") throw new Error(`metrics: expected a number, got ${typeof x}`);
  return Number.isFinite(x) ? String(x) : `'${Number.isNaN(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity"}'::float8`;
}

/** One UPDATE for every session's durable step. */
function updateSteps(prisma: PrismaClient, steps: Map<string, number>): Query {
  const values: string[] = [];
  const params: (string | number)[] = [];
  for (const [id, step] of steps) {
    values.push(`($${params.length + 1}, $${params.length + 2}::int)`);
    params.push(id, step);
  }
  return prisma.$executeRawUnsafe(`UPDATE "Session" AS s SET "step" = v.step, "updatedAt" = now() FROM (VALUES ${values.join(", ")}) AS v(id, step) WHERE s."id" = v.id`, ...params);
}

/** θ as stored: the Float64Array's raw bytes (bit-exact, unlike JSON which loses −0). */
export function encodeParams(params: Float64Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(params.byteLength);
  out.set(new Uint8Array(params.buffer, params.byteOffset, params.byteLength));
  return out;
}

/** Inverse of encodeParams. */
export function decodeParams(bytes: Uint8Array): Float64Array {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float64Array(copy.buffer);
}
