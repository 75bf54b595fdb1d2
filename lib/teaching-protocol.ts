/**
 * The teaching tools' half of the wire contract (lib/protocol.ts re-exports it): presets, polls and
 * their second round, forks, the projector focus and the hand-over of the controls. Rules Q*, F*, D*,
 * PV*, H* in docs/protocol.md.
 */
import { z } from "zod";
import type { PresetId } from "./presets";
import { isPlainText, PLAIN_TEXT_MESSAGE } from "./schemas";
import { MAX_NAME_LENGTH, PROJECTOR_FOCI, type ControlsInfo, type PollAnswer, type PollKind, type ProjectorFocus } from "./wire";

/** The preset the current run was started from, as the room sees it. */
export interface PresetNote {
  id: PresetId;
  title: string;
  /** One paragraph shown to the room. */
  explanation: string;
  /** What to look at while it trains. */
  watch: string;
}

/** Teaching state carried by every snapshot. */
export interface TeachingInfo {
  /** Set by a `preset` control (or a session started from a preset); kept by `reset`, cleared by `data` (T1). */
  preset: PresetNote | null;
  /** This session is a fork of `sessionId`, taken at step `step` (F1). */
  origin: { sessionId: string; step: number } | null;
  /** Template this session was started from, if any (GET /api/templates/:id has its preset order). */
  templateId: string | null;
  /** The open poll, if any (Q9). */
  poll: PollView | null;
  /** What the projector view shows, as the instructor last chose (PV1); `network` until then. */
  focus?: ProjectorFocus;
  /** Only in the caller's own join/resync answer: this student's vote in the open poll. */
  myVote?: PollAnswer | null;
  /** Only in the caller's own join/resync answer: the token to send on the next join (Q3). */
  participantToken?: string;
  /** Who is at the controls besides the instructor (H4). */
  controls?: ControlsInfo;
  /** Only in the caller's own join/resync answer: the `Driver.id` this caller would drive as (its participant id, or its co-instructor link). */
  driverId?: string;
}

/** `session:focus` payload (instructor only, PV1). */
export const focusSchema = z.strictObject({ view: z.enum(PROJECTOR_FOCI, { error: `must be one of ${PROJECTOR_FOCI.join(", ")}` }) });

/**
 * "stay" means |Δθ| ≤ POLL_STAY_TOLERANCE · max(1, |θ before|): a move below what the panel's three
 * decimals show for |θ| ≤ 1, relative beyond that (Q7).
 */
export const POLL_STAY_TOLERANCE = 1e-3;

/** `poll:open` payload (instructor; paused, not mid-walk, Q1–Q2). */
export const pollOpenSchema = z.discriminatedUnion(
  "kind",
  [
    /** `param` is a name from the layout (`wo1`, `w2[1,3]`…); checked against the session's network. */
    z.strictObject({ kind: z.literal("param-direction"), param: z.string("must be a string").min(1, "must not be empty").max(40, "at most 40 characters") }),
    z.strictObject({ kind: z.literal("loss-direction") }),
  ],
  { error: "kind must be param-direction or loss-direction" },
);
/** Parsed `poll:open` payload. */
export type PollOpenRequest = z.infer<typeof pollOpenSchema>;

/** `poll:vote` payload (students only, once per poll, Q3–Q5). */
export const pollVoteSchema = z.strictObject({
  pollId: z.uuid("must be a poll id"),
  answer: z.enum(["up", "down", "stay"], { error: "must be up, down or stay" }),
});

/** `poll:reveal` / `poll:cancel` payload (instructor). */
export const pollRefSchema = z.strictObject({ pollId: z.uuid("must be a poll id") });

/** A poll as everyone sees it while it is open (no tally: students must not herd). */
export interface PollView {
  id: string;
  kind: PollKind;
  /** The parameter asked about (param-direction), else null. */
  param: string | null;
  /** The question as shown to the room. */
  question: string;
  answers: readonly PollAnswer[];
  /** The step the poll is about: the next one (session step + 1). */
  step: number;
  openedAt: string;
  /** 1, or 2 after `poll:again` (peer instruction's second vote on the same question, Q11). */
  round: number;
}

/** One round's votes (Q11–Q13). */
export interface PollRound {
  counts: Record<PollAnswer, number>;
  votes: number;
}

/** How many students went from one answer in round 1 to another in round 2 (`from` null: did not vote in round 1). Numbers only, no names. */
export interface PollMove {
  from: PollAnswer | null;
  to: PollAnswer;
  count: number;
}

/** `poll:tally` (instructors only, at most 4 per second). */
export interface PollTally {
  pollId: string;
  counts: Record<PollAnswer, number>;
  votes: number;
  /** Students connected now. */
  students: number;
  /** The round being voted (1 or 2). */
  round: number;
  /** In round 2: round 1's votes, and the moves so far (instructors only, Q12). */
  first?: PollRound;
  moves?: PollMove[];
}

/** `poll:result` (everyone): the step ran; this is what happened. */
export interface PollResult {
  pollId: string;
  kind: PollKind;
  param: string | null;
  step: number;
  /** The right answer, or null when the step diverged (nothing moved) or the loss did not change at all. */
  correct: PollAnswer | null;
  /** θ[param] (param-direction) or the batch loss (loss-direction) before and after the step. */
  before: number;
  after: number;
  counts: Record<PollAnswer, number>;
  votes: number;
  /** How the answer was decided, in one sentence. */
  explanation: string;
  /** With a second round (Q13): each round's votes, oldest first (`counts`/`votes` above are the last round's), and the moves between them. */
  rounds?: PollRound[];
  moves?: PollMove[];
}

/** `poll:closed`: the poll was cancelled (by the instructor, `end`, or a restart), no result. */
export interface PollClosed {
  pollId: string;
  reason: string;
}

/** `poll:again` payload (instructor, Q11): the open poll's votes close and a second round opens on the same question. */
export const pollAgainSchema = pollRefSchema;

/** `control:hand` payload (instructor, H1): the roster's participant id of a student to hand the training controls to. */
export const handSchema = z.strictObject({ participantId: z.string("must be a string").regex(/^[0-9a-f]{16}$/, "must be a participant id from the roster (16 hex characters)") });

/** `control:link` payload (instructor, H1): the name the room sees while the link drives. */
export const coInstructorLinkSchema = z.strictObject({
  name: z.string("must be a string").trim().min(1, "must not be empty").max(MAX_NAME_LENGTH, `at most ${MAX_NAME_LENGTH} characters`).refine(isPlainText, PLAIN_TEXT_MESSAGE),
});

/** `control:take` payload (instructor, H3): nothing. */
export const takeSchema = z.strictObject({});

/** What `control:link` answers, to the instructor only: the key is shown once (stored hashed). */
export interface CoInstructorLink {
  key: string;
  controls: ControlsInfo;
}

/** `session:fork` payload (any joined participant, F1–F4). */
export const forkSchema = z.strictObject({
  title: z.string("must be a string").trim().min(1, "must not be empty").max(120, "at most 120 characters").refine(isPlainText, PLAIN_TEXT_MESSAGE).optional(),
});

/** What `session:fork` answers, to the forker only: they control the fork like an instructor. */
export interface ForkCreated {
  sessionId: string;
  joinCode: string;
  instructorKey: string;
  /** The origin's step the fork started from (the fork itself starts at its own step 0). */
  forkedAtStep: number;
}
