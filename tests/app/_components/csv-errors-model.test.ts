import { describe, expect, it } from "vitest";
import { csvErrorDisplay, fileProblem, MAX_CSV_BYTES, MAX_LISTED_PROBLEMS } from "@/app/_components/csv-errors-model";

describe("CSV upload error display", () => {
  it("names the file, counts the problems and lists the first few with their line numbers", () => {
    const problems = Array.from({ length: 8 }, (_, i) => ({ line: i + 2, message: "label: must be 0 or 1" }));
    const d = csvErrorDisplay("points.csv", [{ message: "header: expected x1,x2,label" }, ...problems]);
    expect(d.headline).toBe("points.csv was not loaded: 9 problems.");
    expect(d.lines).toHaveLength(MAX_LISTED_PROBLEMS);
    expect(d.lines[0]).toBe("header: expected x1,x2,label");
    expect(d.lines[1]).toBe("Line 2: label: must be 0 or 1");
    expect(d.more).toBe(4);
  });

  it("says problem in the singular for one", () => {
    expect(csvErrorDisplay("a.csv", [{ line: 3, message: "x1: not a number" }])).toEqual({ headline: "a.csv was not loaded: 1 problem.", lines: ["Line 3: x1: not a number"], more: 0 });
  });

  it("refuses empty, huge and non-text files before reading them", () => {
    expect(fileProblem({ name: "e.csv", size: 0, type: "text/csv" })).toBe("e.csv is empty.");
    expect(fileProblem({ name: "big.csv", size: MAX_CSV_BYTES + 1, type: "text/csv" })).toContain("big.csv is 196 KB");
    expect(fileProblem({ name: "p.png", size: 10, type: "image/png" })).toBe("p.png is not a CSV file (image/png).");
    expect(fileProblem({ name: "ok.csv", size: 10, type: "" })).toBeNull();
    expect(fileProblem({ name: "ok.csv", size: 10, type: "application/vnd.ms-excel" })).toBeNull();
  });
});
