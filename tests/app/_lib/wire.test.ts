import { describe, expect, it } from "vitest";
import { decodeStepFrame, encodeStepFrame, JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, MAX_NAME_LENGTH, PHASES } from "@/lib/protocol";
import { decodeFrame, NAME_MAX_LENGTH, STEP_PHASES } from "@/app/_lib/wire";
import { CODE_ALPHABET, CODE_LENGTH, isJoinCode, normaliseJoinCode } from "@/app/_lib/join-code";

describe("zod-free mirrors of lib/protocol", () => {
  it("decode step frames exactly like decodeStepFrame", () => {
    const info = { step: 7, epoch: 1, cursor: 2, batch: 2, sentAt: 123, loss: 0.25, trainLoss: null, trainAccuracy: null, testLoss: 0.3, testAccuracy: 0.5, params: [0.1, -0.2, 3] };
    const frame = encodeStepFrame(info);
    expect(decodeFrame(frame)).toEqual(decodeStepFrame(frame));
    expect(decodeFrame(frame)).toEqual(info);
  });

  it("keep the protocol's constants", () => {
    expect(STEP_PHASES).toEqual(PHASES);
    expect(NAME_MAX_LENGTH).toBe(MAX_NAME_LENGTH);
    expect(CODE_ALPHABET).toBe(JOIN_CODE_ALPHABET);
    expect(CODE_LENGTH).toBe(JOIN_CODE_LENGTH);
  });

  it("normalise and check join codes", () => {
    expect(normaliseJoinCode(" abc 7xz ")).toBe("ABC7XZ");
    expect(isJoinCode("ABC7XZ")).toBe(true);
    expect(isJoinCode("ABC0XZ")).toBe(false);
    expect(isJoinCode("ABC7X")).toBe(false);
  });
});
