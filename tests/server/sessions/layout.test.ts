import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const DIR = fileURLToPath(new URL("../../../server/sessions/", import.meta.url));
const lines = (name: string) => readFileSync(DIR + name, "utf8").trimEnd().split("\n").length;

describe("server/sessions stays one concept a file", () => {
  it("no file is over 250 lines, and the LiveSession facade is under 150", () => {
    const sizes = Object.fromEntries(readdirSync(DIR).filter((f) => f.endsWith(".ts")).map((f) => [f, lines(f)]));
    expect(Object.keys(sizes).length).toBeGreaterThan(10);
    expect(Object.entries(sizes).filter(([, n]) => n > 250)).toEqual([]);
    expect(sizes["live-session.ts"]).toBeLessThan(150);
  });
});
