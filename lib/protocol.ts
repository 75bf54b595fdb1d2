/**
 * The wire contract between the session server and its clients: event names (`noun:verb`), payload
 * types, and one zod schema per incoming payload. Rule IDs (P1, R3…) refer to docs/protocol.md.
 */
import { z } from "zod";
import type { EngineConfig, Hyper, StepTrace } from "./engine";
import type { ErrorCode } from "./errors";
import { networkEditSchema } from "./edit-schema";
import { stopConditionSchema } from "./stop-schema";
import { PRESET_IDS } from "./presets";
import { hyperSchema, isPlainText, lrScheduleSchema, MAX_POINTS, PLAIN_TEXT_MESSAGE, pointSchema, regularizationSchema } from "./schemas";

import { JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, MAX_NAME_LENGTH, type ControlsInfo, type Phase, type PollAnswer, type ProjectorFocus, type Role, type SessionState, type StepFrame, type StepSummary } from "./wire";

export * from "./wire";

/** A successful or failed acknowledgement. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string } };

const joinCode = z
  .string("must be a string")
  .trim()
  .toUpperCase()
  .regex(new RegExp(`^[${JOIN_CODE_ALPHABET}]{${JOIN_CODE_LENGTH}}$`), `must be ${JOIN_CODE_LENGTH} characters from ${JOIN_CODE_ALPHABET}`);

/** A participant token: 16..64 characters of A–Z a–z 0–9 _ -. */
export const participantTokenSchema = z.string("must be a string").regex(/^[A-Za-z0-9_-]{16,64}$/, "must be 16..64 characters of A-Z, a-z, 0-9, _ or -");

/** `session:join` payload: a live session by join code, or any stored session read-only by id. */
export const joinSchema = z.strictObject({
  joinCode: joinCode.optional(),
  sessionId: z.uuid("must be a session id").optional(),
  name: z.string("must be a string").trim().min(1, "must not be empty").max(MAX_NAME_LENGTH, `at most ${MAX_NAME_LENGTH} characters`).refine(isPlainText, PLAIN_TEXT_MESSAGE),
  instructorKey: z.string("must be a string").min(1).max(200, "too long").optional(),
  /**
   * A secret this browser keeps for the session (sessionStorage), so the server knows it is the same
   * student after a reconnect (one vote per poll, fork limits, Q3). Omit it on the first join: the
   * server makes one and returns it in `teaching.participantToken`.
   */
  participantToken: participantTokenSchema.optional(),
  /** The key of a co-instructor link (`control:link`): this socket may send the training controls while the link drives (H1–H3). */
  coInstructorKey: z.string("must be a string").min(1, "must not be empty").max(200, "too long").optional(),
  /**
   * The room's projector (`/s/CODE/projector`, PV4): it follows the session like a student but is not a
   * participant: not counted in presence, not listed in the roster, and it cannot vote or be handed the controls.
   */
  projector: z.literal(true, "must be true when given").optional(),
}).refine((j) => (j.joinCode === undefined) !== (j.sessionId === undefined), { message: "give either joinCode or sessionId", path: ["joinCode"] });
/** Parsed `session:join` payload. */
export type JoinRequest = z.infer<typeof joinSchema>;

/** A preset id. */
export const presetIdSchema = z.enum(PRESET_IDS, { error: `must be one of ${PRESET_IDS.join(", ")}` });

/** A replacement point list (shape against the network is checked by the session, D2). */
export const dataPointsSchema = z.array(pointSchema, "must be an array of { x, y } points").min(1, "needs at least one point").max(MAX_POINTS, `at most ${MAX_POINTS} points`);

/** `session:control` payload, discriminated by `action`. */
export const controlSchema = z.discriminatedUnion(
  "action",
  [
    z.strictObject({
      action: z.literal("play"),
      stepsPerSecond: z.int("must be an integer").min(1, "must be ≥ 1").max(60, "must be ≤ 60").default(10),
      /** Pause by itself there (S1). */
      until: stopConditionSchema.optional(),
    }),
    z.strictObject({ action: z.literal("pause") }),
    z.strictObject({ action: z.literal("step"), count: z.int("must be an integer").min(1, "must be ≥ 1").max(1000, "must be ≤ 1000").default(1) }),
    z.strictObject({ action: z.literal("phase") }),
    z.strictObject({ action: z.literal("reset"), seed: z.int("must be an integer").min(0).max(2 ** 32 - 1).optional() }),
    z.strictObject({
      action: z.literal("set"),
      learningRate: hyperSchema.shape.learningRate.optional(),
      batchSize: hyperSchema.shape.batchSize.optional(),
      regularization: regularizationSchema.optional(),
      /** A learning-rate schedule counted from the step it applies at (its t = 0 there). */
      lrSchedule: lrScheduleSchema.optional(),
    }),
    z.strictObject({ action: z.literal("fastForward"), epochs: z.int("must be an integer").min(1, "must be ≥ 1").max(10_000, "must be ≤ 10000") }),
    z.strictObject({ action: z.literal("end") }),
    /** A misconception demo (lib/presets.ts): a new run from the preset's config; the room sees its explanation. */
    z.strictObject({ action: z.literal("preset"), presetId: presetIdSchema }),
    /** The instructor's own points replace the dataset: a new run from step 0 on them (D1–D4). */
    z.strictObject({ action: z.literal("data"), points: dataPointsSchema, testRatio: z.number("must be a number").min(0, "must be ≥ 0").max(0.9, "must be ≤ 0.9").optional() }),
    /** A live edit (E1–E4): a new run from the edited config, the weights that still fit kept (lib/engine/edits.ts). */
    z.strictObject({ action: z.literal("edit"), edit: networkEditSchema }),
  ],
  { error: "action must be one of play, pause, step, phase, reset, set, fastForward, end, preset, data, edit" },
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
  /** Who this connection is across reconnects and tabs (derived from the participant token, never the token): what `control:hand` takes. */
  participantId?: string;
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
  /**
   * How step `step` was made (θ before it, its cursor, batch and the hyperparameters it used), to
   * recompute its trace without guessing; null at step 0 and after a fast-forward.
   */
  previous: { params: number[]; cursor: number; batch: number; hyper: Hyper } | null;
  /** Phase being walked through, if any. */
  phase: PhaseEvent | null;
  /** The hyperparameters apply to steps after this step count (earlier steps used earlier values). */
  hyperSince: number;
  /**
   * What every step after `step` uses, oldest first: step k uses the last segment whose `since` is
   * below k. The last segment is `{ since: hyperSince, hyper }`; there are several when a `set` was
   * logged for a step computed but not yet broadcast.
   */
  hypers: HyperSegment[];
  divergedAt: number | null;
  /** Why the session is paused or diverged, when the server paused it. */
  reason: string | null;
  /** The last SNAPSHOT_HISTORY step summaries, oldest first. */
  history: StepSummary[];
  participants: number;
  /** Instructor only. */
  roster?: RosterEntry[];
  /** Teaching tools: preset shown to the room, fork origin, template, open poll (issue 8). The server always sends it. */
  teaching?: TeachingInfo;
}

/** One run of a session as `GET /api/sessions/:id/runs` lists it (docs/protocol.md, V1). */
export interface RunSummary {
  run: number;
  /** What started it: start, template, preset or fork (run 0); the control's action after that (reset, preset, data). */
  cause: string;
  startedAt: string;
  /** Its last step the class saw (null: deleted by an older version before every run was kept). */
  steps: number | null;
  /** False for a run an older version deleted (nothing of it can be replayed). */
  kept: boolean;
}

/** Hyperparameters that apply to the steps after `since` (until the next segment's `since`). */
export interface HyperSegment {
  since: number;
  hyper: Hyper;
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

// Teaching tools (issue 8, issue 15): lib/teaching-protocol.ts.
export * from "./teaching-protocol";
import type { CoInstructorLink, ForkCreated, PollClosed, PollResult, PollTally, PollView, TeachingInfo } from "./teaching-protocol";

/** What the server emits. */
export interface ServerToClientEvents {
  "session:step": (frame: StepFrame) => void;
  "session:phase": (event: PhaseEvent) => void;
  "session:state": (event: StateEvent) => void;
  "session:presence": (event: { count: number }) => void;
  "session:roster": (roster: RosterEntry[]) => void;
  "session:snapshot": (snapshot: SessionSnapshot) => void;
  "session:error": (error: { code: ErrorCode; message: string }) => void;
  "poll:opened": (poll: PollView) => void;
  "poll:tally": (tally: PollTally) => void;
  "poll:result": (result: PollResult) => void;
  "poll:closed": (event: PollClosed) => void;
  "session:focus": (event: { view: ProjectorFocus }) => void;
  "session:controls": (event: ControlsInfo) => void;
}

/** What clients emit. Payloads are `unknown` on purpose: types are not validation (every handler parses). */
export interface ClientToServerEvents {
  "session:join": (payload: unknown, ack: (res: Ack<SessionSnapshot>) => void) => void;
  "session:control": (payload: unknown, ack: (res: Ack<{ step: number; state: SessionState }>) => void) => void;
  "session:trace": (payload: unknown, ack: (res: Ack<StepTrace>) => void) => void;
  "session:resync": (payload: unknown, ack: (res: Ack<SessionSnapshot>) => void) => void;
  "session:fork": (payload: unknown, ack: (res: Ack<ForkCreated>) => void) => void;
  "poll:open": (payload: unknown, ack: (res: Ack<PollView>) => void) => void;
  "poll:vote": (payload: unknown, ack: (res: Ack<{ pollId: string; answer: PollAnswer }>) => void) => void;
  "poll:reveal": (payload: unknown, ack: (res: Ack<PollResult>) => void) => void;
  "poll:cancel": (payload: unknown, ack: (res: Ack<{ pollId: string }>) => void) => void;
  "session:focus": (payload: unknown, ack: (res: Ack<{ view: ProjectorFocus }>) => void) => void;
  "poll:again": (payload: unknown, ack: (res: Ack<PollView>) => void) => void;
  "control:hand": (payload: unknown, ack: (res: Ack<ControlsInfo>) => void) => void;
  "control:take": (payload: unknown, ack: (res: Ack<ControlsInfo>) => void) => void;
  "control:link": (payload: unknown, ack: (res: Ack<CoInstructorLink>) => void) => void;
}

/** Every client → server event name (unknown names get `session:error`, P4). */
export const CLIENT_EVENTS = ["session:join", "session:control", "session:trace", "session:resync", "session:fork", "poll:open", "poll:vote", "poll:reveal", "poll:cancel", "session:focus", "poll:again", "control:hand", "control:take", "control:link"] as const;
