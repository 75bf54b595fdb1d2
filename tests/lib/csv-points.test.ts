import { describe, expect, it } from "vitest";
import { csvPointsMessage, parseCsvPoints } from "@/lib/csv-points";

describe("CSV points (D3)", () => {
  it("[D3] parses a header and numeric rows; the last column is the label", () => {
    const r = parseCsvPoints("x1,x2,label\r\n0,0,0\n0.5, -1 ,1\n\n1e-1,2,1\n");
    expect(r.inputs).toEqual(["x1", "x2"]);
    expect(r.targets).toEqual(["label"]);
    expect(r.points).toEqual([{ x: [0, 0], y: [0] }, { x: [0.5, -1], y: [1] }, { x: [0.1, 2], y: [1] }]);
  });

  it("[D3] splits inputs and targets by the network's input size", () => {
    const r = parseCsvPoints('"a","b","c",t1,t2\n1,2,3,0,1', { inputDim: 3 });
    expect(r.inputs).toEqual(["a", "b", "c"]);
    expect(r.points[0]).toEqual({ x: [1, 2, 3], y: [0, 1] });
  });

  it.each([
    ["", /empty/],
    ["0,0,1\n1,1,0", /line 1: the first row must be a header/],
    ["x1,,label\n0,0,1", /line 1: column 2 of the header has no name/],
    ["label\n1", /at least 2 columns/],
    ["x1,x2,label\n0,0,1\n1,abc,0", /line 3: column x2: "abc" is not a finite number/],
    ["x1,x2,label\n0,0,1\n1,1", /line 3: expected 3 values/],
    ["x1,x2,label\n0,,1", /line 2: column x2: "" is not a finite number/],
    ["x1,x2,label\n0,Infinity,1", /not a finite number/],
    ["x1,x2,label\n", /no data rows/],
  ])("[D3] rejects %j with a clear error", (text, message) => {
    expect(() => parseCsvPoints(text)).toThrow(message);
  });

  it("[D3] at most 2,000 data rows, naming the line of the first extra row", () => {
    const rows = Array.from({ length: 2001 }, (_, k) => `${k},${k},1`);
    expect(parseCsvPoints(`x1,x2,y\n${rows.slice(0, 2000).join("\n")}`).points).toHaveLength(2000);
    expect(() => parseCsvPoints(`x1,x2,y\n${rows.join("\n")}`)).toThrow(/line 2002: at most 2000 data rows/);
  });

  it("[D3] refuses a network input size the CSV cannot satisfy, and oversized text", () => {
    expect(() => parseCsvPoints("x1,x2,y\n0,0,1", { inputDim: 3 })).toThrow(/takes 3 inputs/);
    expect(() => parseCsvPoints(`x1,x2,y\n${"1,1,1\n".repeat(40_000)}`)).toThrow(/larger than 200 KB/);
  });
});

describe("a point list's errors in a CSV's own lines", () => {
  const csv = parseCsvPoints("x1,x2,label\n0,0,0\n\n1,1,2\n");

  it("records the line (from 1, the header's included) of every point, blank lines skipped", () => {
    expect(csv.lines).toEqual([2, 4]);
  });

  it("says points[k].y[j] as the line and the label column, points[k].x as the line's input columns", () => {
    expect(csvPointsMessage("points[1].y[0]: must be in [0, 1] for a sigmoid output, got 2", csv)).toBe("line 4, column label: must be in [0, 1] for a sigmoid output, got 2");
    expect(csvPointsMessage("points[0].x: expected 3 inputs (the network's input layer), got 2", csv)).toBe("line 2, input columns: expected 3 inputs (the network's input layer), got 2");
    expect(csvPointsMessage("points[0]: bad", csv)).toBe("line 2: bad");
  });

  it("leaves other messages, and points the CSV does not have, as they are", () => {
    expect(csvPointsMessage("testRatio: leaves no training examples", csv)).toBe("testRatio: leaves no training examples");
    expect(csvPointsMessage("points[9].y[0]: must be in [0, 1]", csv)).toBe("points[9].y[0]: must be in [0, 1]");
  });
});
