/**
 * The zod-free half of the wire contract (lib/protocol.ts re-exports it): constants, states, and the
 * compact step frame with its codec. Browser code imports this file so that zod stays out of the
 * student page's bundle.
 */

/** Bumped on any incompatible change to events or payloads. */
export const PROTOCOL_VERSION = 3;

/** Join codes use an alphabet without look-alikes (no 0/O, 1/I/L). */
export const JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/** Length of a join code. */
export const JOIN_CODE_LENGTH = 6;
/** Longest display name. */
export const MAX_NAME_LENGTH = 40;
/** Step summaries sent in a snapshot. */
export const SNAPSHOT_HISTORY = 500;

/** Where a session stands. */
export type SessionState = "paused" | "playing" | "diverged" | "finished";
/** The phases of one step, in order, for walking a class through it. */
export const PHASES = ["forward", "loss", "backward", "update"] as const;
/** One phase of a step. */
export type Phase = (typeof PHASES)[number];
/** What a poll asks. */
export type PollKind = "param-direction" | "loss-direction";
/** An answer. `loss-direction` polls accept up/down only. */
export type PollAnswer = "up" | "down" | "stay";
/** Answers of each poll kind, in display order. */
export const POLL_ANSWERS: Record<PollKind, readonly PollAnswer[]> = { "param-direction": ["up", "down", "stay"], "loss-direction": ["up", "down"] };

/** Who a socket is in a session. */
export type Role = "student" | "instructor";

/** One point of the loss curve: [step, epoch, loss, trainLoss, trainAcc, testLoss, testAcc]. */
export type StepSummary = [number, number, number, number | null, number | null, number | null, number | null];

/**
 * One step on the wire, as a flat array to keep it small (about 200 bytes for 2-2-1):
 * [step, epoch, cursor, batch, sentAt, loss, trainLoss, trainAcc, testLoss, testAcc, θ after].
 * θ travels as the base64 of its Float64Array bytes: 12 characters a parameter instead of up to 20
 * in decimal, and bit-exact (−0 included). `cursor` is the position of the step's first example in
 * the epoch order and `batch` how many it took, so a client holding θ before can recompute the whole
 * trace locally with the shared engine. The four evaluation fields are null except on the step that
 * completes an epoch.
 */
export type StepFrame = [number, number, number, number, number, number, number | null, number | null, number | null, number | null, string];

/** A decoded step frame. */
export interface StepInfo {
  step: number;
  epoch: number;
  cursor: number;
  batch: number;
  /** Server clock (ms since epoch) when the step was released for broadcast. */
  sentAt: number;
  loss: number;
  trainLoss: number | null;
  trainAccuracy: number | null;
  testLoss: number | null;
  testAccuracy: number | null;
  params: number[];
}

/** Packs a step into its wire frame. */
export function encodeStepFrame(s: StepInfo): StepFrame {
  return [s.step, s.epoch, s.cursor, s.batch, s.sentAt, s.loss, s.trainLoss, s.trainAccuracy, s.testLoss, s.testAccuracy, encodeFloat64(s.params)];
}

/** Unpacks a wire frame. */
export function decodeStepFrame(f: StepFrame): StepInfo {
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
    params: decodeFloat64(f[10]),
  };
}

/** Base64 of the little-endian IEEE-754 bytes of `values` (btoa exists in browsers and Node ≥ 16). */
export function encodeFloat64(values: ArrayLike<number>): string {
  const bytes = new Uint8Array(Float64Array.from(values).buffer);
  let binary = "";
  for (let k = 0; k < bytes.length; k++) binary += String.fromCharCode(bytes[k]);
  return btoa(binary);
}

/** Inverse of encodeFloat64; throws on text that is not whole doubles. */
export function decodeFloat64(text: string): number[] {
  const binary = atob(text);
  if (binary.length % 8 !== 0) throw new Error(`decodeFloat64: ${binary.length} bytes is not a whole number of doubles`);
  const bytes = new Uint8Array(binary.length);
  for (let k = 0; k < binary.length; k++) bytes[k] = binary.charCodeAt(k);
  return Array.from(new Float64Array(bytes.buffer));
}

/** What the projector view can show, in the console's order (PV1–PV3). */
export const PROJECTOR_FOCI = ["network", "curve", "poll", "join"] as const;
/** What the projector shows: the network with the current phase's equation, the loss curve and boundary, the poll, or the join QR. */
export type ProjectorFocus = (typeof PROJECTOR_FOCI)[number];
