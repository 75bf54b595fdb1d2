import { isPresetId, presetNote } from "@/lib/presets";
import type { TeachingInfo } from "@/lib/protocol";
import type { PrismaClient } from "../generated/prisma/client";
import { loadTeachingRow } from "../data/teaching";

/**
 * The teaching state of a stored session: fork origin, template, and the preset note of the current
 * run (the latest `preset` control, unless a later `data` replaced the run; a `reset` keeps the preset).
 */
export async function loadTeaching(prisma: PrismaClient, id: string): Promise<Partial<Pick<TeachingInfo, "preset" | "origin" | "templateId">>> {
  const row = await loadTeachingRow(prisma, id);
  if (!row) return {};
  let presetId: unknown = row.presetId;
  if (row.lastRun?.action === "data") presetId = null;
  else if (row.lastRun?.action === "preset") presetId = (row.lastRun.payload as { presetId?: unknown } | null)?.presetId;
  return {
    origin: row.parentId !== null && row.forkedAtStep !== null ? { sessionId: row.parentId, step: row.forkedAtStep } : null,
    templateId: row.templateId,
    preset: isPresetId(presetId) ? presetNote(presetId) : null,
  };
}
