import { describe, expect, it } from "vitest";
import type { PollResult } from "@/lib/protocol";
import { outcomeSentence, studentVerdict, tallyRows, wholePercents } from "@/app/_components/poll-model";

describe("poll tally maths", () => {
  it("makes whole percentages that always add up to 100", () => {
    expect(wholePercents([1, 1, 1])).toEqual([34, 33, 33]);
    expect(wholePercents([2, 1, 0])).toEqual([67, 33, 0]);
    expect(wholePercents([0, 0, 0])).toEqual([0, 0, 0]);
    for (const counts of [[7, 5, 3], [1, 2, 4], [13, 17, 19], [1, 0, 99]]) expect(wholePercents(counts).reduce((a, b) => a + b)).toBe(100);
  });

  it("counts, shares and marks the right answer of a parameter poll (up, down, stays)", () => {
    const { rows, total } = tallyRows("param-direction", { up: 3, down: 1 }, "down");
    expect(total).toBe(4);
    expect(rows.map((r) => [r.answer, r.count, r.percent, r.correct])).toEqual([
      ["up", 3, "75%", false],
      ["down", 1, "25%", true],
      ["stay", 0, "0%", false],
    ]);
    expect(rows[0].share).toBe(0.75);
  });

  it("shows a dash, not 0%, before anyone voted, and a loss poll has no 'stays' bar", () => {
    const { rows, total } = tallyRows("loss-direction", { stay: 4 });
    expect(total).toBe(0);
    expect(rows.map((r) => [r.answer, r.percent])).toEqual([["up", "—"], ["down", "—"]]);
  });
});

describe("a student's result", () => {
  const lossDown: Pick<PollResult, "kind" | "param" | "correct" | "before" | "after"> = { kind: "loss-direction", param: null, correct: "down", before: 0.25, after: 0.2377 };

  it("says right, wrong or no vote, and what happened with the numbers", () => {
    expect(studentVerdict(lossDown, "down")).toMatchObject({ kind: "right", headline: "You were right!" });
    expect(studentVerdict(lossDown, "up")).toMatchObject({ kind: "wrong", headline: "Not this time: you said up." });
    expect(studentVerdict(lossDown, null).kind).toBe("no-vote");
    expect(outcomeSentence(lossDown)).toBe("The loss went down by 0.0123: 0.25 → 0.2377.");
  });

  it("describes a parameter that stayed, and a step that decided nothing", () => {
    const stay = { kind: "param-direction" as const, param: "wo1", correct: "stay" as const, before: 0.5, after: 0.5 };
    expect(outcomeSentence(stay)).toBe("wo1 stayed put (changed by 0): 0.5 → 0.5.");
    expect(studentVerdict(stay, "stay").kind).toBe("right");
    const none = { ...lossDown, correct: null, after: 0.25 };
    expect(studentVerdict(none, "up")).toMatchObject({ kind: "undecided", detail: "The loss did not change: 0.25 → 0.25." });
  });
});
