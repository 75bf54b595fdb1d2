import { describe, expect, it } from "vitest";
import { countMoves, countRound, describeMove } from "@/lib/poll-rounds";
import type { PollAnswer } from "@/lib/protocol";

const ballots = (entries: [string, PollAnswer][]) => new Map(entries.map(([voter, answer]) => [voter, { answer }]));

describe("[Q12][Q13] counting a poll's two rounds", () => {
  it("counts each answer and the votes of a round", () => {
    expect(countRound(ballots([["a", "up"], ["b", "up"], ["c", "stay"]]).values())).toEqual({ counts: { up: 2, down: 0, stay: 1 }, votes: 3 });
    expect(countRound([])).toEqual({ counts: { up: 0, down: 0, stay: 0 }, votes: 0 });
  });

  it("counts the moves of round-2 voters by pair: stays first, then switches, then new voters; zero pairs left out", () => {
    const first = ballots([["a", "up"], ["b", "up"], ["c", "down"], ["d", "stay"], ["e", "up"]]);
    const second = ballots([["a", "down"], ["b", "up"], ["c", "down"], ["e", "down"], ["f", "stay"]]);
    expect(countMoves(first, second)).toEqual([
      { from: "up", to: "up", count: 1 },
      { from: "down", to: "down", count: 1 },
      { from: "up", to: "down", count: 2 },
      { from: null, to: "stay", count: 1 },
    ]);
    // d voted only in round 1: not a move (round 2's tally has no vote of theirs).
    expect(countMoves(first, second).reduce((n, m) => n + m.count, 0)).toBe(second.size);
    expect(countMoves(first, new Map())).toEqual([]);
  });

  it("labels a move", () => {
    expect(describeMove({ from: "up", to: "down", count: 3 })).toBe("up→down");
    expect(describeMove({ from: null, to: "stay", count: 1 })).toBe("new→stay");
  });
});
