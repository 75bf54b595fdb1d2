import { describe, expect, it } from "vitest";
import { createNumberFormat, formatNumber } from "../../../lib/explain/format";

describe("formatNumber", () => {
  it("prints 6 significant digits without padding zeros", () => {
    expect(formatNumber(0.1 + 0.2)).toBe("0.3");
    expect(formatNumber(0.574442516811659)).toBe("0.574443");
    expect(formatNumber(12)).toBe("12");
    expect(formatNumber(123456.7)).toBe("123457");
  });

  it("uses a real minus sign and never prints −0", () => {
    expect(formatNumber(-0.00184)).toBe("−0.00184");
    expect(formatNumber(-0)).toBe("0");
  });

  it("switches to an exponent for very small and very large magnitudes", () => {
    expect(formatNumber(1.23456789e-7)).toBe("1.23457e−7");
    expect(formatNumber(-2e-5)).toBe("−2e−5");
    expect(formatNumber(1234567)).toBe("1.23457e6");
  });

  it("names the non-finite values", () => {
    expect(formatNumber(NaN)).toBe("NaN");
    expect(formatNumber(Infinity)).toBe("∞");
    expect(formatNumber(-Infinity)).toBe("−∞");
  });

  it("honours the digits argument", () => {
    expect(formatNumber(Math.PI, 3)).toBe("3.14");
  });
});

describe("createNumberFormat", () => {
  const fmt = createNumberFormat();

  it("parenthesises every factor and only negative terms", () => {
    expect(fmt.factor(0.5)).toBe("(0.5)");
    expect(fmt.factor(-0.3)).toBe("(−0.3)");
    expect(fmt.term(0.5)).toBe("0.5");
    expect(fmt.term(-0.3)).toBe("(−0.3)");
    expect(fmt.vector([0, -1])).toBe("(0, −1)");
  });
});
