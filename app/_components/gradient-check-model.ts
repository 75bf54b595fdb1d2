import type { GradientCheck } from "@/lib/gradient-check";
import { formatValue } from "@/app/_lib/format";

/** The numbers of one gradient check (lib/gradient-check.ts): backprop's ∂L/∂θ_i and the central difference with step h. */
export type GradientCheckNumbers = Pick<GradientCheck, "name" | "backprop" | "numeric" | "h" | "relativeError">;

/** How the two gradients compare. */
export type GradientVerdict = "agree" | "close" | "opposite" | "disagree" | "not-finite";

/** What the gradient-check panel prints. */
export interface GradientCheckView {
  param: string;
  backprop: string;
  numeric: string;
  h: string;
  relativeError: string;
  verdict: GradientVerdict;
  /** One sentence for the room. */
  message: string;
}

/** Relative error up to which the two agree: a central difference in float64 is good to ~1e−8 on smooth losses. */
export const AGREE_BELOW = 1e-6;
/** Up to here they are close (a kink such as ReLU at 0 inside ±h, or rounding on a tiny gradient). */
export const CLOSE_BELOW = 1e-3;

/** Classifies a check: agree, close, opposite (same size, other sign: the seed's sign slip), or disagree. */
export function judgeGradient(n: Pick<GradientCheckNumbers, "backprop" | "numeric" | "relativeError">): GradientVerdict {
  if (![n.backprop, n.numeric, n.relativeError].every(Number.isFinite)) return "not-finite";
  if (n.relativeError <= AGREE_BELOW) return "agree";
  if (n.relativeError <= CLOSE_BELOW) return "close";
  const scale = Math.max(Math.abs(n.backprop), Math.abs(n.numeric));
  if (scale > 0 && Math.abs(n.backprop + n.numeric) / scale <= CLOSE_BELOW) return "opposite";
  return "disagree";
}

const MESSAGES: Record<GradientVerdict, (param: string) => string> = {
  agree: (p) => `Backprop's ∂L/∂${p} matches the slope measured by nudging ${p}: the chain rule is right here.`,
  close: (p) => `Close but not exact for ${p}: a kink of the activation within ±h (ReLU at 0) or rounding on a tiny gradient.`,
  opposite: (p) => `Same size, opposite sign for ${p}: this "gradient" points uphill, so each update climbs the loss.`,
  disagree: (p) => `Backprop and the measured slope disagree for ${p}: the derivative used is not the loss's derivative.`,
  "not-finite": () => "The numbers are not finite (the step diverged), so there is nothing to compare.",
};

/** The panel's text for one check. */
export function buildGradientCheckView(n: GradientCheckNumbers): GradientCheckView {
  const verdict = judgeGradient(n);
  return {
    param: n.name,
    backprop: formatValue(n.backprop, 6),
    numeric: formatValue(n.numeric, 6),
    h: formatValue(n.h, 2),
    relativeError: n.relativeError === 0 ? "0" : Number.isFinite(n.relativeError) ? n.relativeError.toExponential(1).replace("-", "−").replace("e+", "e") : "—",
    verdict,
    message: MESSAGES[verdict](n.name),
  };
}
