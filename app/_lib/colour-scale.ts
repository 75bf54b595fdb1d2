/** An sRGB colour as three 0–255 channels. */
export type Rgb = readonly [number, number, number];

/** Colour of negative values (orange): distinguishable from POSITIVE_RGB in every common colour-vision deficiency. */
export const NEGATIVE_RGB: Rgb = [230, 97, 1];
/** Colour of positive values (blue). */
export const POSITIVE_RGB: Rgb = [33, 102, 172];
/** Colour of zero: a light neutral grey. */
export const NEUTRAL_RGB: Rgb = [236, 236, 236];

/** Maps t ∈ [−1, 1] to orange (−1) … grey (0) … blue (+1); t outside is clamped, NaN is grey. */
export function divergingRgb(t: number): Rgb {
  const c = Number.isNaN(t) ? 0 : Math.max(-1, Math.min(1, t));
  return towards(c < 0 ? NEGATIVE_RGB : POSITIVE_RGB, Math.abs(c));
}

/** Colours of classes 0–3: orange and blue as for two classes, then green and reddish purple (Okabe–Ito). */
export const CLASS_RGB: readonly Rgb[] = [NEGATIVE_RGB, POSITIVE_RGB, [0, 158, 115], [204, 121, 167]];

/** Colour of class k at confidence c ∈ [0, 1] (0: neutral grey, 1: the class's full colour). */
export function classRgb(k: number, c: number): Rgb {
  return towards(CLASS_RGB[k % CLASS_RGB.length], c);
}

/** The colour a share k ∈ [0, 1] of the way from neutral grey to `end`. */
function towards(end: Rgb, k: number): Rgb {
  return [
    Math.round(NEUTRAL_RGB[0] + (end[0] - NEUTRAL_RGB[0]) * k),
    Math.round(NEUTRAL_RGB[1] + (end[1] - NEUTRAL_RGB[1]) * k),
    Math.round(NEUTRAL_RGB[2] + (end[2] - NEUTRAL_RGB[2]) * k),
  ];
}

/** CSS `rgb(…)` for a colour. */
export function cssRgb(c: Rgb): string {
  return `rgb(${c[0]} ${c[1]} ${c[2]})`;
}

/** The value range an activation's output lives in, for colouring it: [lo, hi]. */
export function activationRange(name: string): [number, number] {
  // σ's midpoint 0.5 is "undecided"; for the others 0 is, so ReLU's dead zone stays neutral grey.
  return name === "sigmoid" ? [0, 1] : [-1, 1];
}

/** Maps v in [lo, hi] to t ∈ [−1, 1] for `divergingRgb` (midpoint → 0). */
export function toSigned(v: number, [lo, hi]: [number, number]): number {
  return ((v - lo) / (hi - lo)) * 2 - 1;
}
