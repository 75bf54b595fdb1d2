/**
 * What the browser needs from the wire contract, from lib/wire.ts (zod-free, unlike lib/protocol.ts,
 * which would put zod in every student's bundle).
 */
import { MAX_NAME_LENGTH, PHASES, decodeStepFrame, type Phase, type StepFrame, type StepInfo } from "@/lib/wire";

/** The phases of one step, in order. */
export const STEP_PHASES: readonly Phase[] = PHASES;

/** Longest display name. */
export const NAME_MAX_LENGTH = MAX_NAME_LENGTH;

/** Unpacks a wire frame. */
export function decodeFrame(f: StepFrame): StepInfo {
  return decodeStepFrame(f);
}
