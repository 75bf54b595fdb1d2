/**
 * The instructor's own data as CSV: a header row, then one point a line (rule D3 in docs/protocol.md).
 * Pure, so the browser can check a file before uploading it and the server checks it again.
 */
import { AppError, ErrorCode } from "./errors";
import type { Point } from "./engine";
import { MAX_POINTS } from "./schemas";

/** Largest CSV text accepted (2,000 rows of a few numbers fit easily). */
export const MAX_CSV_BYTES = 200_000;

/** Parsed CSV: the header's names and the points. */
export interface CsvPoints {
  inputs: string[];
  targets: string[];
  points: Point[];
  /** The line (from 1, the header's included) each point was read from: `lines[k]` is `points[k]`'s. */
  lines: number[];
}

/**
 * Parses `x1,x2,label`-style CSV. The first `inputDim` columns are inputs and the rest targets; without
 * `inputDim`, the last column is the target. Throws a BAD_REQUEST AppError naming the line and column.
 */
export function parseCsvPoints(text: string, options: { inputDim?: number; maxRows?: number } = {}): CsvPoints {
  const maxRows = options.maxRows ?? MAX_POINTS;
  if (text.length > MAX_CSV_BYTES) throw bad(`the CSV is larger than ${MAX_CSV_BYTES / 1000} KB`);
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  const headerAt = lines.findIndex((l) => l.trim() !== "");
  if (headerAt < 0) throw bad("the CSV is empty: expected a header row such as x1,x2,label");
  const header = lines[headerAt].split(",").map((h) => h.trim().replace(/^"(.*)"$/, "$1").trim());
  header.forEach((h, c) => {
    if (h === "") throw bad(`line ${headerAt + 1}: column ${c + 1} of the header has no name`);
    if (/^[-+]?(\d|\.\d)/.test(h)) throw bad(`line ${headerAt + 1}: the first row must be a header naming the columns (such as x1,x2,label), got the number ${JSON.stringify(h)}`);
  });
  if (header.length < 2) throw bad(`line ${headerAt + 1}: need at least 2 columns (inputs, then the label), got ${header.length}`);
  const inputDim = options.inputDim ?? header.length - 1;
  if (inputDim >= header.length) throw bad(`line ${headerAt + 1}: the network takes ${inputDim} inputs, so the CSV needs ${inputDim} input columns and at least one label column; it has ${header.length} columns`);
  const points: Point[] = [];
  const pointLines: number[] = [];
  for (let k = headerAt + 1; k < lines.length; k++) {
    const raw = lines[k];
    if (raw.trim() === "") continue;
    const line = k + 1;
    if (points.length >= maxRows) throw bad(`line ${line}: at most ${maxRows} data rows`);
    const cells = raw.split(",");
    if (cells.length !== header.length) throw bad(`line ${line}: expected ${header.length} values (${header.join(",")}), got ${cells.length}`);
    const values = cells.map((cell, c) => {
      const t = cell.trim();
      const v = t === "" ? NaN : Number(t);
      if (!Number.isFinite(v)) throw bad(`line ${line}: column ${header[c]}: ${JSON.stringify(t.slice(0, 20))} is not a finite number`);
      return v;
    });
    points.push({ x: values.slice(0, inputDim), y: values.slice(inputDim) });
    pointLines.push(line);
  }
  if (points.length === 0) throw bad("the CSV has a header but no data rows");
  return { inputs: header.slice(0, inputDim), targets: header.slice(inputDim), points, lines: pointLines };
}

/**
 * A point list's error (rule D2 says "points[3].y[0]: must be in [0, 1] …", counting from 0) in the
 * CSV's own terms: "line 5, column label: must be in [0, 1] …", lines counted from 1 as the parser's
 * own errors and the data editor count them. Any other message is returned unchanged.
 */
export function csvPointsMessage(message: string, csv: Pick<CsvPoints, "inputs" | "targets" | "lines">): string {
  const m = /^points\[(\d+)\](?:\.([xy])(?:\[(\d+)\])?)?: ([\s\S]*)$/.exec(message);
  const line = m ? csv.lines[Number(m[1])] : undefined;
  if (!m || line === undefined) return message;
  const columns = m[2] === "x" ? csv.inputs : m[2] === "y" ? csv.targets : null;
  const column = columns && m[3] !== undefined ? columns[Number(m[3])] : undefined;
  const where = column !== undefined ? `, column ${column}` : m[2] === "x" ? ", input columns" : m[2] === "y" ? ", label columns" : "";
  return `line ${line}${where}: ${m[4]}`;
}

function bad(message: string): AppError {
  return new AppError(ErrorCode.BAD_REQUEST, `csv: ${message}`);
}
