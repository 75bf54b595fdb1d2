import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { systemClock } from "@/server/sessions/clock";
import { Roster } from "@/server/sessions/roster";

const AWAY_MS = 10 * 60_000;
const teacher = { id: "t", name: "T", role: "instructor" as const, joinedAt: "" };
const student = { id: "s", name: "S", role: "student" as const, joinedAt: "" };

describe("Roster and the away timer (fake time)", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("[R19] with no instructor left, the away callback runs once after the delay; an instructor coming back cancels it", () => {
    const away = vi.fn();
    const roster = new Roster(AWAY_MS, away, systemClock);
    roster.add("t", teacher);
    roster.add("s", student);
    roster.watch(true);
    vi.advanceTimersByTime(AWAY_MS * 2);
    expect(away).not.toHaveBeenCalled();

    roster.remove("t");
    roster.watch(true);
    vi.advanceTimersByTime(AWAY_MS - 1);
    roster.watch(true); // another change does not restart the delay
    expect(away).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(away).toHaveBeenCalledTimes(1);

    roster.watch(true);
    vi.advanceTimersByTime(AWAY_MS / 2);
    roster.add("t2", { ...teacher, id: "t2" });
    roster.watch(true);
    vi.advanceTimersByTime(AWAY_MS * 2);
    expect(away).toHaveBeenCalledTimes(1);
    expect(roster.count("instructor")).toBe(1);
    expect(roster.list().map((e) => e.id)).toEqual(["s", "t2"]);
  });

  it("a finished session (watch(false)) never fires", () => {
    const away = vi.fn();
    const roster = new Roster(AWAY_MS, away, systemClock);
    roster.add("s", student);
    roster.watch(true);
    roster.watch(false);
    vi.advanceTimersByTime(AWAY_MS * 2);
    expect(away).not.toHaveBeenCalled();
    expect(roster.remove("s")).toEqual(student);
    expect(roster.size).toBe(0);
  });
});
