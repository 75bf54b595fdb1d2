import { formatNumber } from "@/lib/explain/format";

/** Significant digits the panels print (the handout prints 6; 4 fits a phone). */
export const PANEL_DIGITS = 4;

/** A number with `digits` significant digits and a real minus sign (−0.3, 1.5e−7), as the handout prints it. */
export function formatValue(v: number, digits = PANEL_DIGITS): string {
  return formatNumber(v, digits);
}

/** A factor of a product, parenthesised so its sign stays visible: (0.5), (−0.3). */
export function formatFactor(v: number, digits = PANEL_DIGITS): string {
  return `(${formatNumber(v, digits)})`;
}

/**
 * A fixed-width signed number for tables and counters: always a sign (+/−), `decimals` decimals,
 * exponent form outside [1e−3, 1e4) so the column never changes width.
 */
export function formatFixed(v: number, decimals = 4): string {
  if (Number.isNaN(v)) return " NaN";
  if (!Number.isFinite(v)) return v > 0 ? "+∞" : "−∞";
  const sign = v < 0 ? "−" : "+";
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e4)) {
    const [m, e] = abs.toExponential(decimals - 2).split("e");
    return `${sign}${m}e${e.replace("+", "").replace("-", "−")}`;
  }
  return `${sign}${abs.toFixed(decimals)}`;
}

/** An integer counter with thin-space thousands separators (12 345), stable across locales. */
export function formatCount(n: number): string {
  return Math.trunc(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, "\u2009");
}
