import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

const BUILD_ID = path.join(ROOT, ".next/BUILD_ID");
/** What the Next build is made from: a change to any of these makes an existing build stale. */
const BUILD_INPUTS = ["app", "lib", "next.config.js", "postcss.config.mjs", "tsconfig.json", "package-lock.json"];

function newestMtimeMs(p: string): number {
  if (!existsSync(p)) return 0;
  const stat = statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(p, { withFileTypes: true })) {
    if (entry.name === "generated" || entry.name === "node_modules") continue;
    newest = Math.max(newest, newestMtimeMs(path.join(p, entry.name)));
  }
  return newest;
}

/** Why the production build has to be (re)made, or null when `.next` is current. */
export function staleBuildReason(): string | null {
  if (!existsSync(BUILD_ID)) return "no production build (.next/BUILD_ID missing)";
  const built = statSync(BUILD_ID).mtimeMs;
  const changed = BUILD_INPUTS.find((input) => newestMtimeMs(path.join(ROOT, input)) > built);
  return changed ? `${changed} changed since the last build` : null;
}

/**
 * Makes sure `.next` holds a production build of the current sources (`next build`, 1–3 minutes on
 * two cores), so the end-to-end tests never drive a stale UI. Throws with the build's output on failure.
 */
export function ensureNextBuild(): void {
  const reason = staleBuildReason();
  if (reason === null) return;
  console.log(`e2e: building Next.js for production: ${reason}`);
  const result = spawnSync(path.join(ROOT, "node_modules/.bin/next"), ["build"], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
}
