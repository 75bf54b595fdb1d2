import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { seedPgliteDataDir } from "../../server/helpers/pglite-template";
import { readyUrl } from "../../../scripts/load/processes";
import { ROOT } from "./next-build";

/** How long the server may take to open its port (migrations on a fresh PGlite, Next's prepare; minutes on a loaded two-core machine). */
const START_TIMEOUT_MS = Number(process.env.E2E_START_TIMEOUT_MS ?? 180_000);

/** The production server (`node scripts/start.mjs`: Next UI, API and Socket.IO) as a child process. */
export interface ServerProcess {
  url: string;
  /** Everything the server printed so far. */
  output(): string;
  /** SIGTERM, wait for the exit (SIGKILL after 10 s), remove the data directory. */
  stop(): Promise<void>;
}

/**
 * Starts the real server on a free port with a temporary DATA_DIR (a copy of the template database);
 * resolves once it listens. `env` adds to its environment (DATABASE_URL, REDIS_URL: a cluster node).
 */
export async function startServerProcess(env: Record<string, string> = {}): Promise<ServerProcess> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "bp-e2e-"));
  if (!env.DATABASE_URL) await seedPgliteDataDir(dataDir);
  const child = spawn(process.execPath, ["scripts/start.mjs"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? tmpdir(), NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", HOST: "127.0.0.1", PORT: "0", DATA_DIR: dataDir, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start within ${START_TIMEOUT_MS} ms:\n${out}`)), START_TIMEOUT_MS);
      const check = () => {
        const ready = readyUrl(out); // PORT=0: the ready line carries the port the kernel picked
        if (!ready) return;
        clearTimeout(timer);
        child.stdout.off("data", check);
        resolve(ready);
      };
      child.stdout.on("data", check);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code} before listening:\n${out}`));
      });
    });
    return {
      url,
      output: () => out,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
          await exited;
          clearTimeout(timer);
        }
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    child.kill("SIGKILL");
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}
