/** Default number of significant digits in explanations. */
export const DEFAULT_DIGITS = 6;

/** Numbers as the handout prints them: a plain value, a factor of a product, a term of a sum. */
export interface NumberFormat {
  /** `digits` significant digits, trailing zeros dropped, a real minus sign (−0.3, 1.5e−7). */
  num(v: number): string;
  /** A factor of a product, always parenthesised so signs stay visible: (0.5), (−0.3). */
  factor(v: number): string;
  /** A term of a sum or difference, parenthesised only when negative: 0.5, (−0.3). */
  term(v: number): string;
  /** A vector as a tuple: (0, 1). */
  vector(v: readonly number[]): string;
}

/** Formats one number with `digits` significant digits (see `NumberFormat.num`). */
export function formatNumber(v: number, digits = DEFAULT_DIGITS): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
  if (v === 0) return "0"; // also −0: a sign on zero only confuses students
  const abs = Math.abs(v);
  let s: string;
  if (abs < 1e-4 || abs >= 1e6) {
    const [mantissa, exponent] = v.toExponential(digits - 1).split("e");
    s = `${stripZeros(mantissa)}e${exponent.replace("+", "")}`;
  } else {
    // Number(…) drops the zeros toPrecision pads with; in [1e-4, 1e6) String never uses exponents.
    s = String(Number(v.toPrecision(digits)));
  }
  return s.replace(/-/g, "−");
}

/** Builds the formatter for a number of significant digits. */
export function createNumberFormat(digits = DEFAULT_DIGITS): NumberFormat {
  const num = (v: number) => formatNumber(v, digits);
  return {
    num,
    factor: (v) => `(${num(v)})`,
    term: (v) => (v < 0 ? `(${num(v)})` : num(v)),
    vector: (v) => `(${v.map(num).join(", ")})`,
  };
}

function stripZeros(mantissa: string): string {
  return mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa;
}
