/**
 * The few runtime values of lib/protocol.ts the student page needs, mirrored here because importing
 * lib/protocol.ts also builds its zod schemas, which would put zod in every student's bundle.
 * tests/app/_lib/wire.test.ts checks they stay equal to the originals.
 */
import type { Phase, StepFrame, StepInfo } from "@/lib/protocol";

/** The phases of one step, in order (= lib/protocol PHASES). */
export const STEP_PHASES: readonly Phase[] = ["forward", "loss", "backward", "update"];

/** Longest display name (= lib/protocol MAX_NAME_LENGTH). */
export const NAME_MAX_LENGTH = 40;

/** Unpacks a wire frame exactly as lib/protocol's `decodeStepFrame` does. */
export function decodeFrame(f: StepFrame): StepInfo {
  return {
    step: f[0],
    epoch: f[1],
    cursor: f[2],
    batch: f[3],
    sentAt: f[4],
    loss: f[5],
    trainLoss: f[6],
    trainAccuracy: f[7],
    testLoss: f[8],
    testAccuracy: f[9],
    params: f.slice(10) as number[],
  };
}
