import { create } from "qrcode";

/** Modules of blank margin around the code (the standard quiet zone). */
export const QUIET_ZONE = 4;

/** A QR code as one SVG path of unit squares, plus the viewBox side including the quiet zone. */
export function qrPath(text: string): { d: string; size: number } {
  const { modules } = create(text, { errorCorrectionLevel: "M" });
  const n = modules.size;
  let d = "";
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      if (modules.get(row, col)) d += `M${col + QUIET_ZONE} ${row + QUIET_ZONE}h1v1h-1z`;
    }
  }
  return { d, size: n + 2 * QUIET_ZONE };
}
