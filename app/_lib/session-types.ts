import type { EngineConfig, Hyper, StepTrace } from "@/lib/engine";
import type { Phase, PhaseEvent, PollAnswer, PollClosed, PollResult, PollTally, PollView, PresetNote, Role, RosterEntry, SessionState } from "@/lib/protocol";
import type { ControlsInfo, ProjectorFocus, StepInfo } from "@/lib/wire";

/** How the socket stands, as the status bar says it. */
export type ConnectionState = "connecting" | "live" | "reconnecting" | "offline";

/** Something that stops the page from following the session, in words a student understands. */
export interface SessionProblem {
  kind: "not-found" | "ended" | "unauthorized" | "unreachable" | "other";
  message: string;
}

/** What never changes during one run of a session. */
export interface SessionMeta {
  sessionId: string;
  joinCode: string;
  title: string;
  role: Role;
  config: EngineConfig;
}

/** One received step (the frame minus its send time), with what it takes to recompute its trace. */
export interface StepRecord extends Omit<StepInfo, "sentAt"> {
  /** θ before the step (the previous record's `params`, shared), or null when unknown. */
  before: number[] | null;
  /** Hyperparameters in force when the step was made. */
  hyper: Hyper;
}

/** The teaching tools' state: the preset shown to the room, the fork origin, and the poll round. */
export interface TeachingView {
  preset: PresetNote | null;
  /** This session is a sandbox forked from `sessionId` at its step `step`. */
  origin: { sessionId: string; step: number } | null;
  templateId: string | null;
  /** The open poll, or null. */
  poll: PollView | null;
  /** This browser's vote in the open (or just revealed) poll. */
  myVote: PollAnswer | null;
  /** Instructors: the live tally of the open poll. */
  tally: PollTally | null;
  /** The last revealed poll's outcome, shown until the next poll opens. */
  result: PollResult | null;
  /** This browser's vote in the revealed poll (kept with the result). */
  resultVote: PollAnswer | null;
  /** The last poll cancelled without a step. */
  closed: PollClosed | null;
  /** What the projector shows, as the instructor chose (PV1). */
  focus: ProjectorFocus;
  /** Who is at the controls besides the instructor (H4). */
  controls: ControlsInfo;
  /** The driver id this browser would drive as (H4): it drives when `controls.driver.id` equals it. */
  driverId: string | null;
  /** This browser's round-1 vote, while the open poll is in its second round (Q11). */
  firstVote: PollAnswer | null;
}

/** Everything the page draws from, replaced (never mutated) at most once per animation frame. */
export interface SessionView {
  connection: ConnectionState;
  problem: SessionProblem | null;
  /** A passing message (a rejected control, a server notice). */
  notice: string | null;
  meta: SessionMeta | null;
  state: SessionState;
  stepsPerSecond: number;
  hyper: Hyper | null;
  divergedAt: number | null;
  reason: string | null;
  participants: number;
  roster: RosterEntry[];
  /** The phase walk in progress, with the inputs of the step it walks. */
  phase: PhaseEvent | null;
  /** The newest step received. */
  latest: StepRecord | null;
  /** Where the next step's batch starts (from the snapshot), for the step-0 preview. */
  nextCursor: number;
  /** Explore mode: the step being inspected, or null to follow live. */
  viewStep: number | null;
  /** Steps held for exploring: [oldest, newest] and how many. */
  held: { oldest: number; newest: number; count: number };
  /** Presets, fork origin and polls. */
  teaching: TeachingView;
  /** Changes on every new view. */
  version: number;
}

/** The step the panels show and its recomputed numbers. */
export interface StepFocus {
  /** live: the newest step; explore: an earlier one; pending: the step a phase walk is about to make; preview: the first step, before it is made. */
  kind: "live" | "explore" | "pending" | "preview" | "none";
  /** The step the trace produces. */
  step: number;
  trace: StepTrace | null;
  /** θ shown as each parameter's value: after the step (before it for a pending step). */
  params: number[];
  /** θ before the step. */
  before: number[] | null;
  /** Phase to highlight. */
  phase: Phase | null;
  /** The recomputed θ after the step differs from the broadcast one (never expected). */
  mismatch: boolean;
}
