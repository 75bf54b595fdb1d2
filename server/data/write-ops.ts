import type { PrismaClient } from "../generated/prisma/client";
import type { Prisma } from "../generated/prisma/client";
import type { FlushFn, WriteOp } from "../sessions/write-ops";

type Tx = Prisma.TransactionClient;

/** The write queue's flush: applies a batch of ops in one transaction, in order. */
export function createFlush(prisma: PrismaClient): FlushFn {
  return (ops) => prisma.$transaction((tx) => applyOps(tx, ops), { timeout: 30_000, maxWait: 30_000 });
}

async function applyOps(tx: Tx, ops: WriteOp[]): Promise<void> {
  let i = 0;
  while (i < ops.length) {
    const op = ops[i];
    if (op.kind === "steps") {
      // Consecutive step batches (of any sessions) become one multi-row insert.
      const rows: Prisma.StepMetricCreateManyInput[] = [];
      const durable = new Map<string, number>();
      for (; i < ops.length; i++) {
        const o = ops[i];
        if (o.kind !== "steps") break;
        for (const r of o.rows) rows.push({ sessionId: o.sessionId, ...r });
        if (o.rows.length > 0) durable.set(o.sessionId, o.rows[o.rows.length - 1].step);
      }
      await tx.stepMetric.createMany({ data: rows, skipDuplicates: true });
      for (const [id, step] of durable) await tx.session.update({ where: { id }, data: { step } });
      continue;
    }
    await applyOne(tx, op);
    i++;
  }
}

async function applyOne(tx: Tx, op: Exclude<WriteOp, { kind: "steps" }>): Promise<void> {
  switch (op.kind) {
    case "advance":
      await tx.session.update({ where: { id: op.sessionId }, data: { step: op.step } });
      return;
    case "control":
      await tx.controlEvent.create({ data: { sessionId: op.sessionId, seq: op.seq, step: op.step, action: op.action, payload: op.payload as Prisma.InputJsonValue } });
      return;
    case "checkpoint": {
      const data = { epoch: op.epoch, cursor: op.cursor, params: encodeParams(op.params), hyper: op.hyper as unknown as Prisma.InputJsonValue, controlSeq: op.controlSeq };
      await tx.checkpoint.upsert({ where: { sessionId_step: { sessionId: op.sessionId, step: op.step } }, create: { sessionId: op.sessionId, step: op.step, ...data }, update: data });
      return;
    }
    case "state":
      await tx.session.update({ where: { id: op.sessionId }, data: { state: op.state, ...(op.ended ? { endedAt: new Date() } : {}) } });
      return;
    case "reset":
      await tx.stepMetric.deleteMany({ where: { sessionId: op.sessionId } });
      await tx.checkpoint.deleteMany({ where: { sessionId: op.sessionId } });
      await tx.session.update({ where: { id: op.sessionId }, data: { config: op.config as Prisma.InputJsonValue, step: 0 } });
      return;
    case "participant-join":
      await tx.participant.create({ data: { id: op.id, sessionId: op.sessionId, name: op.name, role: op.role, joinedAt: op.joinedAt } });
      return;
    case "participant-leave":
      await tx.participant.updateMany({ where: { id: op.id }, data: { leftAt: op.leftAt } });
      return;
  }
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
