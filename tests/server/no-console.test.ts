import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";

const SERVER = path.join(import.meta.dirname, "../../server");

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return e.name === "generated" ? [] : sourceFiles(p);
      return /\.(ts|mts|mjs|js)$/.test(e.name) ? [p] : [];
    }),
  );
  return nested.flat();
}

describe("server logging", () => {
  it("goes through the pino logger (server/log.ts): no console.* call is left in server/", async () => {
    const files = await sourceFiles(SERVER);
    expect(files.length).toBeGreaterThan(20);
    const offenders: string[] = [];
    for (const file of files) {
      const lines = (await readFile(file, "utf8")).split("\n");
      lines.forEach((line, i) => {
        if (/\bconsole\.(log|info|warn|error|debug|trace)\s*\(/.test(line)) offenders.push(`${path.relative(SERVER, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });
});
