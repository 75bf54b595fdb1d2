/**
 * The wire contract between the session server and its clients: event names (`noun:verb`), payload
 * types, and one zod schema per incoming payload. Rule IDs (P1, R3…) refer to docs/protocol.md.
 */
import { z } from "zod";
import type { EngineConfig, Hyper, StepTrace } from "./engine";
import type { ErrorCode } from "./errors";
import { hyperSchema, isPlainText, PLAIN_TEXT_MESSAGE, regularizationSchema } from "./schemas";

import { JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, MAX_NAME_LENGTH, type Phase, type Role, type SessionState, type StepFrame, type StepSummary } from "./wire";

export * from "./wire";

/** A successful or failed acknowledgement. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string } };

const joinCode = z
  .string("must be a string")
  .trim()
  .toUpperCase()
  .regex(new RegExp(`^[${JOIN_CODE_ALPHABET}]{${JOIN_CODE_LENGTH}}$`), `must be ${JOIN_CODE_LENGTH} characters from ${JOIN_CODE_ALPHABET}`);

/** `session:join` payload: a live session by join code, or any stored session read-only by id. */
export const joinSchema = z.strictObject({
  joinCode: joinCode.optional(),
  sessionId: z.uuid("must be a session id").optional(),
  name: z.string("must be a string").trim().min(1, "must not be empty").max(MAX_NAME_LENGTH, `at most ${MAX_NAME_LENGTH} characters`).refine(isPlainText, PLAIN_TEXT_MESSAGE),
  instructorKey: z.string("must be a string").min(1).max(200, "too long").optional(),
  /** Last step this client has applied, when reconnecting: the server replays what it missed. */
  lastStep: z.int().min(0).optional(),
}).refine((j) => (j.joinCode === undefined) !== (j.sessionId === undefined), { message: "give either joinCode or sessionId", path: ["joinCode"] });
/** Parsed `session:join` payload. */
export type JoinRequest = z.infer<typeof joinSchema>;

/** `session:control` payload, discriminated by `action`. */
export const controlSchema = z.discriminatedUnion(
  "action",
  [
    z.strictObject({ action: z.literal("play"), stepsPerSecond: z.int("must be an integer").min(1, "must be ≥ 1").max(60, "must be ≤ 60").default(10) }),
    z.strictObject({ action: z.literal("pause") }),
    z.strictObject({ action: z.literal("step"), count: z.int("must be an integer").min(1, "must be ≥ 1").max(1000, "must be ≤ 1000").default(1) }),
    z.strictObject({ action: z.literal("phase") }),
    z.strictObject({ action: z.literal("reset"), seed: z.int("must be an integer").min(0).max(2 ** 32 - 1).optional() }),
    z.strictObject({
      action: z.literal("set"),
      learningRate: hyperSchema.shape.learningRate.optional(),
      batchSize: hyperSchema.shape.batchSize.optional(),
      regularization: regularizationSchema.optional(),
    }),
    z.strictObject({ action: z.literal("fastForward"), epochs: z.int("must be an integer").min(1, "must be ≥ 1").max(10_000, "must be ≤ 10000") }),
    z.strictObject({ action: z.literal("end") }),
  ],
  { error: "action must be one of play, pause, step, phase, reset, set, fastForward, end" },
);
/** Parsed `session:control` payload. */
export type Control = z.infer<typeof controlSchema>;
/** A control's action name. */
export type ControlAction = Control["action"];

/** `session:trace` payload: recompute one step's full trace (replay and explore). */
export const traceRequestSchema = z.strictObject({ step: z.int("must be an integer").min(1, "must be ≥ 1") });

/** A participant as the instructor's roster shows it. */
export interface RosterEntry {
  id: string;
  name: string;
  role: Role;
  joinedAt: string;
}

/** Everything a client needs to draw the session at its current step. */
export interface SessionSnapshot {
  protocol: number;
  sessionId: string;
  joinCode: string;
  title: string;
  role: Role;
  /** Config of the current run (a reset changes its init seed). */
  config: EngineConfig;
  state: SessionState;
  stepsPerSecond: number;
  hyper: Hyper;
  step: number;
  epoch: number;
  cursor: number;
  /** θ after `step`. */
  params: number[];
  /** How step `step` was made (θ before it, its cursor and batch), to recompute its trace; null at step 0. */
  previous: { params: number[]; cursor: number; batch: number } | null;
  /** Phase being walked through, if any. */
  phase: PhaseEvent | null;
  /** The hyperparameters apply to steps after this step count (earlier steps used earlier values). */
  hyperSince: number;
  divergedAt: number | null;
  /** Why the session is paused or diverged, when the server paused it. */
  reason: string | null;
  /** The last SNAPSHOT_HISTORY step summaries, oldest first. */
  history: StepSummary[];
  participants: number;
  /** Instructor only. */
  roster?: RosterEntry[];
}

/** `session:state`: the state machine moved. */
export interface StateEvent {
  state: SessionState;
  step: number;
  stepsPerSecond: number;
  hyper: Hyper;
  /** `hyper` applies to the steps after this step count. */
  hyperSince: number;
  divergedAt: number | null;
  reason: string | null;
}

/** `session:phase`: the instructor advanced one phase of step `step`. */
export interface PhaseEvent {
  step: number;
  phase: Phase;
  /** θ before the step and its examples, so every client draws the same numbers. */
  params: number[];
  cursor: number;
  batch: number;
}

/** What the server emits. */
export interface ServerToClientEvents {
  "session:step": (frame: StepFrame) => void;
  "session:phase": (event: PhaseEvent) => void;
  "session:state": (event: StateEvent) => void;
  "session:presence": (event: { count: number }) => void;
  "session:roster": (roster: RosterEntry[]) => void;
  "session:snapshot": (snapshot: SessionSnapshot) => void;
  "session:error": (error: { code: ErrorCode; message: string }) => void;
}

/** What clients emit. Payloads are `unknown` on purpose: types are not validation (every handler parses). */
export interface ClientToServerEvents {
  "session:join": (payload: unknown, ack: (res: Ack<SessionSnapshot>) => void) => void;
  "session:control": (payload: unknown, ack: (res: Ack<{ step: number; state: SessionState }>) => void) => void;
  "session:trace": (payload: unknown, ack: (res: Ack<StepTrace>) => void) => void;
  "session:resync": (payload: unknown, ack: (res: Ack<SessionSnapshot>) => void) => void;
}
