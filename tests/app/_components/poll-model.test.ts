import { describe, expect, it } from "vitest";
import { answersOf, outcomeSentence, questionText, studentVerdict, tallyRows, wholePercents, type PollQuestion } from "@/app/_components/poll-model";

const wo1: PollQuestion = { kind: "param-direction", param: "wo1" };
const loss: PollQuestion = { kind: "loss-direction" };

describe("poll tally maths", () => {
  it("offers up/down/stay for a parameter and up/down for the loss", () => {
    expect(answersOf(wo1)).toEqual(["up", "down", "stay"]);
    expect(answersOf(loss)).toEqual(["up", "down"]);
    expect(questionText(wo1)).toBe("Which way will wo1 move in the next step?");
  });

  it("makes whole percentages that always add up to 100", () => {
    expect(wholePercents([1, 1, 1])).toEqual([34, 33, 33]);
    expect(wholePercents([2, 1, 0])).toEqual([67, 33, 0]);
    expect(wholePercents([0, 0, 0])).toEqual([0, 0, 0]);
    for (const counts of [[7, 5, 3], [1, 2, 4], [13, 17, 19], [1, 0, 99]]) expect(wholePercents(counts).reduce((a, b) => a + b)).toBe(100);
  });

  it("counts, shares and marks the right answer", () => {
    const { rows, total } = tallyRows(wo1, { up: 3, down: 1 }, "down");
    expect(total).toBe(4);
    expect(rows.map((r) => [r.answer, r.count, r.percent, r.correct])).toEqual([
      ["up", 3, "75%", false],
      ["down", 1, "25%", true],
      ["stay", 0, "0%", false],
    ]);
    expect(rows[0].share).toBe(0.75);
  });

  it("shows a dash, not 0%, before anyone voted, and ignores answers the question does not offer", () => {
    const { rows, total } = tallyRows(loss, { stay: 4 });
    expect(total).toBe(0);
    expect(rows.map((r) => r.percent)).toEqual(["—", "—"]);
  });
});

describe("a student's result", () => {
  const down = { correct: "down" as const, before: 0.25, after: 0.2377 };

  it("says right, wrong or no vote, and what happened with the numbers", () => {
    expect(studentVerdict(loss, down, "down")).toMatchObject({ kind: "right", headline: "You were right!" });
    expect(studentVerdict(loss, down, "up")).toMatchObject({ kind: "wrong", headline: "Not this time: you said up." });
    expect(studentVerdict(loss, down, null).kind).toBe("no-vote");
    expect(outcomeSentence(loss, down)).toBe("The loss went down by 0.0123: 0.25 → 0.2377.");
  });

  it("describes a parameter that stayed", () => {
    expect(outcomeSentence(wo1, { correct: "stay", before: 0.5, after: 0.5 })).toBe("wo1 stayed put (changed by 0): 0.5 → 0.5.");
  });
});
