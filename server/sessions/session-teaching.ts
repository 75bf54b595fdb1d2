import type { Control, TeachingInfo } from "@/lib/protocol";

/** Teaching state stored with a session: the preset note, the fork origin, the template. */
export type StoredTeaching = Pick<TeachingInfo, "preset" | "origin" | "templateId">;

/**
 * A session's teaching state and the two hooks through which the teaching layer (server/teaching)
 * takes part without writing into the session: `view` adds what it holds (the open poll, Q9; the
 * projector focus, PV1) to every snapshot, and `guard` sees every control before it applies.
 */
export class SessionTeaching {
  private presetNote: TeachingInfo["preset"];
  /** This session is a fork of another, taken at a step (F1). */
  readonly origin: TeachingInfo["origin"];
  readonly templateId: string | null;
  /** What the teaching layer adds to every snapshot; it never writes into the session. */
  view: (() => Pick<TeachingInfo, "poll" | "focus">) | null = null;
  /** Called with every control before it applies (inside the control chain); throwing refuses it (a poll holds the run still, Q6). */
  guard: ((c: Control) => void) | null = null;

  constructor(stored: Partial<StoredTeaching> = {}) {
    this.presetNote = stored.preset ?? null;
    this.origin = stored.origin ?? null;
    this.templateId = stored.templateId ?? null;
  }

  /** The preset note the room sees (T1); only the run changes it (`preset` and `data` controls). */
  get preset(): TeachingInfo["preset"] {
    return this.presetNote;
  }

  /** A `preset` or `data` control started a run with this note (or none). */
  presetChanged(preset: TeachingInfo["preset"]): void {
    this.presetNote = preset;
  }

  /** The teaching part of a snapshot. */
  info(): TeachingInfo {
    return { preset: this.presetNote, origin: this.origin, templateId: this.templateId, poll: null, ...this.view?.() };
  }
}
