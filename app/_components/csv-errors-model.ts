/** One problem the CSV parser found (line 1 = the header). */
export interface CsvProblem {
  line?: number;
  message: string;
}

/** Problems listed before "… and N more" (a 2,000-row file with one bad column would list 2,000). */
export const MAX_LISTED_PROBLEMS = 5;

import { MAX_CSV_BYTES } from "@/lib/csv-points";

export { MAX_CSV_BYTES };

/** What the upload shows under the file picker. */
export interface CsvErrorDisplay {
  headline: string;
  lines: string[];
  more: number;
}

/** The parser's problems in words: a headline naming the file, the first few with line numbers, and how many more. */
export function csvErrorDisplay(fileName: string, problems: readonly CsvProblem[]): CsvErrorDisplay {
  const count = problems.length;
  const lines = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => (p.line !== undefined ? `Line ${p.line}: ${p.message}` : p.message));
  return { headline: `${fileName} was not loaded: ${count} ${count === 1 ? "problem" : "problems"}.`, lines, more: Math.max(0, count - MAX_LISTED_PROBLEMS) };
}

/** A problem with the file itself, before parsing (too big, not text). */
export function fileProblem(file: { name: string; size: number; type: string }): string | null {
  if (file.size === 0) return `${file.name} is empty.`;
  if (file.size > MAX_CSV_BYTES) return `${file.name} is ${Math.ceil(file.size / 1024)} KB; the limit is ${MAX_CSV_BYTES / 1000} KB (2,000 points fit easily).`;
  if (file.type !== "" && !/^text\/|csv|excel/.test(file.type)) return `${file.name} is not a CSV file (${file.type}).`;
  return null;
}
