import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { systemClock } from "@/server/sessions/clock";
import { Roster } from "@/server/sessions/roster";

const AWAY_MS = 10 * 60_000;

describe("Roster and the away timer (fake time)", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("[R19] with no instructor left, the away callback runs once after the delay; an instructor coming back cancels it", () => {
    const away = vi.fn();
    const roster = new Roster(AWAY_MS, away, systemClock);
    roster.join("t", "instructor", "T");
    roster.join("s", "student", "S");
    roster.watch(true);
    vi.advanceTimersByTime(AWAY_MS * 2);
    expect(away).not.toHaveBeenCalled();

    roster.leave("t");
    roster.watch(true);
    vi.advanceTimersByTime(AWAY_MS - 1);
    roster.watch(true); // another change does not restart the delay
    expect(away).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(away).toHaveBeenCalledTimes(1);

    roster.watch(true);
    vi.advanceTimersByTime(AWAY_MS / 2);
    roster.join("t2", "instructor", "T2");
    roster.watch(true);
    vi.advanceTimersByTime(AWAY_MS * 2);
    expect(away).toHaveBeenCalledTimes(1);
    expect(roster.count("instructor")).toBe(1);
    expect(roster.list().map((e) => e.name)).toEqual(["S", "T2"]);
  });

  it("a finished session (watch(false)) never fires", () => {
    const away = vi.fn();
    const roster = new Roster(AWAY_MS, away, systemClock);
    roster.join("s", "student", "S");
    roster.watch(true);
    roster.watch(false);
    vi.advanceTimersByTime(AWAY_MS * 2);
    expect(away).not.toHaveBeenCalled();
    expect(roster.leave("s")).toMatchObject({ name: "S", role: "student" });
    expect(roster.size).toBe(0);
  });

  it("every join and leave is recorded; joining again from the same socket records the old entry's leave", () => {
    const recorded: string[] = [];
    const recorder = { joined: (e: { name: string }) => recorded.push(`join ${e.name}`), left: (e: { name: string }) => recorded.push(`leave ${e.name}`) };
    const roster = new Roster(AWAY_MS, () => undefined, systemClock, recorder);
    const first = roster.join("a", "student", "Ada");
    const again = roster.join("a", "student", "Ada B.");
    expect(again.id).not.toBe(first.id);
    expect(roster.leave("nobody")).toBeUndefined();
    roster.leave("a");
    expect(recorded).toEqual(["join Ada", "leave Ada", "join Ada B.", "leave Ada B."]);
    expect(roster.size).toBe(0);
  });
});
