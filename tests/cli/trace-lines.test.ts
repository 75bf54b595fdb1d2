import { describe, expect, it } from "vitest";
import { csvField, csvHeader, csvRow, paramsByName } from "../../cli/trace-lines";

describe("CSV trace lines", () => {
  it("quotes fields with commas or quotes (RFC 4180)", () => {
    expect(csvField("w11")).toBe("w11");
    expect(csvField("w1[1,2]")).toBe('"w1[1,2]"');
    expect(csvField('a"b')).toBe('"a""b"');
  });

  it("writes the header and rows at full precision", () => {
    expect(csvHeader(["w11", "w1[1,2]"])).toBe('step,epoch,loss,w11,"w1[1,2]"');
    expect(csvRow(4, 1, 0.1 + 0.2, Float64Array.of(-1e-17, 2))).toBe("4,1,0.30000000000000004,-1e-17,2");
  });

  it("keys parameters by name in θ order", () => {
    expect(Object.entries(paramsByName(["b", "a"], [1, 2]))).toEqual([["b", 1], ["a", 2]]);
  });
});
