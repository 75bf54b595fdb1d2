import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { setPriority } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
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

const NEXT_BIN = path.join(ROOT, "node_modules/.bin/next");
const BUILD_ENV: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" };
/** Where a build started in the background (startNextBuild) reports: `{ state, output? }`. */
const STATUS_FILE = path.join(ROOT, "node_modules/.cache/backprop-live/next-build.json");
/** How long an e2e file waits for a background build (1–3 minutes on two cores when quiet). */
const BUILD_WAIT_MS = 15 * 60_000;

interface BuildStatus {
  state: "building" | "done" | "failed";
  /** The vitest process that started a background build (a run killed meanwhile leaves "building"). */
  pid?: number;
  output?: string;
}

/**
 * Starts `next build` in the background if `.next` is stale, and returns at once: the e2e project's
 * global setup runs before the first test of the whole run, so the build overlaps the integration tests
 * (which leave part of the two cores idle while they wait for servers and timers) instead of
 * delaying everything. Returns a function that kills the build if it is still running.
 */
export function startNextBuild(): () => void {
  const reason = staleBuildReason();
  if (reason === null) {
    writeStatus({ state: "done" });
    return () => undefined;
  }
  console.log(`e2e: building Next.js for production in the background: ${reason}`);
  writeStatus({ state: "building", pid: process.pid });
  const child = spawn(NEXT_BIN, ["build"], { cwd: ROOT, env: BUILD_ENV, stdio: ["ignore", "pipe", "pipe"] });
  // At nice 10 (its workers inherit it): the integration tests running meanwhile, timing-sensitive
  // ones among them, get the CPU first; the build only has to be done before the browser tests.
  if (child.pid !== undefined) setPriority(child.pid, 10);
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString("utf8")).slice(-64 * 1024));
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  child.on("exit", (code, signal) => writeStatus(code === 0 ? { state: "done" } : { state: "failed", output: `next build failed (exit ${code ?? signal}):\n${output}` }));
  child.on("error", (error) => writeStatus({ state: "failed", output: `next build did not start: ${error.message}` }));
  return () => {
    if (child.exitCode === null) child.kill("SIGTERM");
  };
}

/**
 * Makes sure `.next` holds a production build of the current sources, so the end-to-end tests never
 * drive a stale UI: waits for the background build (startNextBuild) if one is running, otherwise
 * builds here if the sources changed. Throws with the build's output on failure.
 */
export async function ensureNextBuild(): Promise<void> {
  for (const started = Date.now(); isBuilding(readStatus()); await sleep(500)) {
    if (Date.now() - started > BUILD_WAIT_MS) throw new Error(`next build: still building after ${BUILD_WAIT_MS / 60_000} minutes`);
  }
  const status = readStatus();
  if (status?.state === "failed") throw new Error(status.output);
  const reason = staleBuildReason();
  if (reason === null) return;
  console.log(`e2e: building Next.js for production: ${reason}`);
  const result = spawnSync(NEXT_BIN, ["build"], { cwd: ROOT, env: BUILD_ENV, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
}

function isBuilding(status: BuildStatus | null): boolean {
  if (status?.state !== "building" || status.pid === undefined) return false;
  try {
    process.kill(status.pid, 0); // the run that started it is still there
    return true;
  } catch {
    return false;
  }
}

function readStatus(): BuildStatus | null {
  try {
    return JSON.parse(readFileSync(STATUS_FILE, "utf8")) as BuildStatus;
  } catch {
    return null;
  }
}

function writeStatus(status: BuildStatus): void {
  writeFileSync(STATUS_FILE, JSON.stringify(status));
}
