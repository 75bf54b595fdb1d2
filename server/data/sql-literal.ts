/** A SQL string literal (standard_conforming_strings, PostgreSQL's default: only quotes are special). */
export function sqlString(text: string): string {
  if (text.includes("\0")) throw new Error("SQL text cannot hold a NUL character");
  return `'${text.replaceAll("'", "''")}'`;
}

/** A SQL integer literal; throws for anything but a safe integer. */
export function sqlInt(x: number): string {
  if (!Number.isSafeInteger(x)) throw new Error(`metrics: expected an integer, got ${x}`);
  return String(x);
}
