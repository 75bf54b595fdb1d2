import { describe, expect, it } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { moveLabel, roundRows, switchedCount } from "@/app/_components/poll-model";
import { PollRounds } from "@/app/_components/poll-tally";
import { driverName, DriverStatusView } from "@/app/_components/driver-status";

const first = { counts: { up: 5, down: 3, stay: 2 }, votes: 10 };
const second = { counts: { up: 2, down: 8, stay: 1 }, votes: 11 };
const moves = [
  { from: "up" as const, to: "up" as const, count: 2 },
  { from: "up" as const, to: "down" as const, count: 3 },
  { from: "stay" as const, to: "down" as const, count: 2 },
  { from: null, to: "down" as const, count: 1 },
];

describe("[Q12][Q13] peer instruction's rounds side by side", () => {
  it("compares round 1 and round 2 per answer and counts who switched", () => {
    expect(roundRows("param-direction", first.counts, second.counts, "down").map((r) => [r.answer, r.first, r.second, r.change, r.correct])).toEqual([
      ["up", 5, 2, -3, false],
      ["down", 3, 8, 5, true],
      ["stay", 2, 1, -1, false],
    ]);
    expect(roundRows("loss-direction", first.counts, second.counts).map((r) => r.answer)).toEqual(["up", "down"]);
    expect(switchedCount(moves)).toEqual({ switched: 5, both: 7 });
    expect(moveLabel(moves[1])).toBe("up → down");
    expect(moveLabel(moves[3])).toBe("no vote → down");
  });

  it("draws both rounds, the change, the moves and the right answer", () => {
    const html = renderToStaticMarkup(<PollRounds kind="param-direction" first={first} second={second} moves={moves} correct="down" />);
    expect(html).toContain('data-testid="round-down" data-first="3" data-second="8"');
    expect(html).toContain("+5");
    expect(html).toContain("↓ Down ✓");
    expect(html).toContain("5 of 7 who voted twice changed their answer.");
    expect(html).toContain("up → down: <b>3</b>");
    expect(html).not.toMatch(/Ada|Bo/); // numbers only, never names
  });
});

describe("[H4] who is at the controls, on every view", () => {
  const ada = { id: "aaaaaaaaaaaaaaaa", name: "Ada", kind: "student" as const, since: "2026-01-01T00:00:00Z" };

  it("says nothing while only the instructor drives; names the driver for the room; shows 'You are driving' with the controls to the driver only", () => {
    expect(renderToStaticMarkup(<DriverStatusView driver={null} driving={false} />)).toBe("");
    const room = renderToStaticMarkup(<DriverStatusView driver={ada} driving={false}><p>the controls themselves</p></DriverStatusView>);
    expect(room).toContain("<strong>Ada</strong> is at the controls");
    expect(room).not.toContain("the controls themselves");
    const mine = renderToStaticMarkup(<DriverStatusView driver={ada} driving><p>the controls themselves</p></DriverStatusView>);
    expect(mine).toContain("You are driving");
    expect(mine).toContain("<p>the controls themselves</p>");
    expect(driverName({ ...ada, name: "Sam", kind: "co-instructor" })).toBe("Sam (co-instructor)");
  });
});
