import type { EngineConfig, StepTrace } from "@/lib/engine";
import { AppError, ErrorCode } from "@/lib/errors";
import { parseTrustedEngineConfig } from "@/lib/presets";
import type { PrismaClient } from "../generated/prisma/client";
import { loadSessionRecord } from "../data/history";
import { rebuildAt } from "./rebuild";

/**
 * The full trace of a stored step, recomputed: rebuild the trainer at step − 1 from the nearest
 * checkpoint and the control log, then take step `step` traced. Bit-identical to what was broadcast.
 */
export async function recomputeStepTrace(prisma: PrismaClient, sessionId: string, step: number, durableStep: number): Promise<StepTrace> {
  if (step > durableStep) throw new AppError(ErrorCode.BAD_REQUEST, `step: step ${step} has not happened yet (the session is at step ${durableStep})`);
  const record = await loadSessionRecord(prisma, sessionId, step - 1);
  if (!record) throw new AppError(ErrorCode.NOT_FOUND, "no such session");
  if (record.checkpoint.step > step - 1) throw new AppError(ErrorCode.NOT_FOUND, `step ${step} belongs to a run that was reset`);
  const config: EngineConfig = parseTrustedEngineConfig(record.config);
  const { trainer } = rebuildAt(config, record, step - 1);
  const trace = trainer.stepTraced();
  if (trace.diverged) throw new AppError(ErrorCode.CONFLICT, `step ${step} diverged and was never applied`);
  return trace;
}
