/**
 * The loss curve as a self-contained SVG (for the lecture notes handout): pure string building, no DOM,
 * every text escaped.
 */

/** Escapes text for XML/HTML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Options of the drawing. */
export interface LossSvgOptions {
  width?: number;
  height?: number;
  /** Accessible title (user text: escaped). */
  title?: string;
  /** A step to mark with a vertical line (the worked step of the notes). */
  markStep?: number;
}

/**
 * Draws [step, loss] points as a polyline with axes labelled by the step range and the loss range.
 * Non-finite losses are skipped. With no points it draws the axes and says "no steps yet".
 */
export function lossCurveSvg(points: readonly (readonly [number, number])[], options: LossSvgOptions = {}): string {
  const width = options.width ?? 640;
  const height = options.height ?? 240;
  const pad = { left: 56, right: 12, top: 12, bottom: 28 };
  const finite = points.filter(([s, l]) => Number.isFinite(s) && Number.isFinite(l));
  const title = escapeXml(options.title ?? "Loss curve");
  const head = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${title}"><title>${title}</title>`;
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const axes = `<path d="M${pad.left} ${pad.top}V${pad.top + plotH}H${pad.left + plotW}" fill="none" stroke="#555" stroke-width="1"/>`;
  if (finite.length === 0) {
    return `${head}${axes}<text x="${pad.left + plotW / 2}" y="${pad.top + plotH / 2}" text-anchor="middle" font-family="sans-serif" font-size="12" fill="#555">no steps yet</text></svg>`;
  }
  const s0 = finite[0][0];
  const s1 = Math.max(finite[finite.length - 1][0], s0 + 1);
  let lo = Math.min(0, ...finite.map((p) => p[1]));
  let hi = Math.max(...finite.map((p) => p[1]));
  if (hi === lo) hi = lo + 1;
  const x = (s: number) => pad.left + ((s - s0) / (s1 - s0)) * plotW;
  const y = (l: number) => pad.top + plotH - ((l - lo) / (hi - lo)) * plotH;
  const line = finite.map(([s, l]) => `${x(s).toFixed(1)},${y(l).toFixed(1)}`).join(" ");
  const label = (tx: number, ty: number, text: string, anchor: string) => `<text x="${tx.toFixed(1)}" y="${ty.toFixed(1)}" text-anchor="${anchor}" font-family="sans-serif" font-size="11" fill="#333">${escapeXml(text)}</text>`;
  const mark =
    options.markStep !== undefined && options.markStep >= s0 && options.markStep <= s1
      ? `<line x1="${x(options.markStep).toFixed(1)}" y1="${pad.top}" x2="${x(options.markStep).toFixed(1)}" y2="${pad.top + plotH}" stroke="#c33" stroke-dasharray="4 3"/>`
      : "";
  lo = Number(lo.toPrecision(4));
  hi = Number(hi.toPrecision(4));
  return [
    head,
    axes,
    mark,
    `<polyline points="${line}" fill="none" stroke="#1f6feb" stroke-width="1.5"/>`,
    label(pad.left - 4, pad.top + 10, String(hi), "end"),
    label(pad.left - 4, pad.top + plotH, String(lo), "end"),
    label(pad.left, height - 8, `step ${s0}`, "start"),
    label(pad.left + plotW, height - 8, `step ${s1}`, "end"),
    label(14, pad.top + plotH / 2, "loss", "middle"),
    "</svg>",
  ].join("");
}
