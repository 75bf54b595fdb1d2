/**
 * Child processes of the load benchmarks: the real server, the bare Socket.IO baseline, the student
 * workers; CPU and memory samples from /proc; and clean-up of every child on exit, signal or timeout.
 */
import { fork, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The repository root (scripts/load/ is two levels down). */
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** Kernel clock ticks per second of /proc/<pid>/stat times (`getconf CLK_TCK` is 100 on Linux). */
const CLOCK_TICKS_PER_SECOND = 100;
/** How long a child gets to exit after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 10_000;

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

/** Kills every child still running (SIGKILL) and removes its temp data: on exit, signals and timeout. */
export function killAll(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  children.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** Installs the clean-up: children die with the bench, and the whole run is bounded by `timeoutMs`. */
export function installCleanup(timeoutMs: number): void {
  process.on("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      console.error(`bench: ${signal}, stopping every child process`);
      killAll();
      process.exit(130);
    });
  }
  process.on("uncaughtException", (error) => {
    console.error("bench: failed:", error);
    killAll();
    process.exit(1);
  });
  const timer = setTimeout(() => {
    console.error(`bench: timed out after ${Math.round(timeoutMs / 1000)} s, stopping every child process`);
    killAll();
    process.exit(1);
  }, timeoutMs);
  timer.unref();
}

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

/** Stops a child with SIGTERM, then SIGKILL after a grace period; resolves once it has exited. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/** A free TCP port on loopback. */
/**
 * The URL in a server's "ready on" line (a plain line or a JSON log line). Servers started here and in
 * the tests listen on PORT=0 and report the port the kernel picked: a port chosen beforehand can be
 * taken by another process's connection before the server binds it (EADDRINUSE, seen in CI).
 */
export function readyUrl(output: string): string | null {
  return /ready on (http:\/\/[^\s"]+)/.exec(output)?.[1] ?? null;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A server under test. */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** What it has printed so far (stdout and stderr); empty for the baseline. */
  output(): string;
  stop(): Promise<void>;
}

/** Options of the product server. */
export interface ProductOptions {
  /** A data directory to copy in before starting (an existing database); otherwise it starts empty. */
  templateDir?: string;
  /** Keep the data directory when stopping, and where it is (to use it as a template). */
  keepDataDir?: (dir: string) => void;
  /** The checkout to run (default PRODUCT_ROOT), e.g. BENCH_COMPARE_ROOT for an A/B in one run. */
  root?: string;
}

/**
 * Where the product server's code is taken from: this checkout, or BENCH_PRODUCT_ROOT (another
 * checkout, with node_modules and server/generated in place) to compare two versions in one run.
 */
export const PRODUCT_ROOT = process.env.BENCH_PRODUCT_ROOT ? path.resolve(process.env.BENCH_PRODUCT_ROOT) : ROOT;
/** A second checkout measured beside PRODUCT_ROOT in every round (BENCH_COMPARE_ROOT): lever off vs on in one run. */
export const COMPARE_ROOT = process.env.BENCH_COMPARE_ROOT ? path.resolve(process.env.BENCH_COMPARE_ROOT) : undefined;

/** The node flags `npm start` runs the server with, from the `start` script of `root`'s package.json. */
export function startNodeFlags(root: string): string[] {
  const start = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts?: { start?: string } }).scripts?.start ?? "";
  const words = start.split(/\s+/);
  const node = words.indexOf("node");
  return node < 0 ? [] : words.slice(node + 1).filter((w) => w.startsWith("--"));
}

/**
 * How `npm start` of the checkout at `root` runs its server: the compiled module it builds
 * (scripts/server-bundle.mjs, built here the same way), or `--import tsx server/index.ts` for an older
 * checkout that ran TypeScript through tsx (BENCH_PRODUCT_ROOT, BENCH_COMPARE_ROOT).
 */
async function serverEntry(root: string): Promise<string[]> {
  const bundler = path.join(root, "scripts/server-bundle.mjs");
  if (!existsSync(bundler)) return ["--import", "tsx", "server/index.ts"];
  const { buildServerBundle, serverBundlePath } = (await import(pathToFileURL(bundler).href)) as typeof import("../server-bundle.mjs");
  return [await buildServerBundle(serverBundlePath(root), root)];
}

/**
 * The real server (`node <npm start's flags> <its compiled module>`, API and sockets only) on
 * PGlite in a temp DATA_DIR. `nodeArgs` go before the script (e.g. `--cpu-prof`).
 */
export async function startProductServer(env: Record<string, string> = {}, nodeArgs: string[] = [], options: ProductOptions = {}): Promise<ServerProcess> {
  const entry = await serverEntry(options.root ?? PRODUCT_ROOT);
  const dataDir = await mkdtemp(path.join(tmpdir(), "bp-bench-"));
  tempDirs.add(dataDir);
  if (options.templateDir) await cp(options.templateDir, dataDir, { recursive: true });
  const child = track(
    spawn(process.execPath, [...startNodeFlags(options.root ?? PRODUCT_ROOT), ...nodeArgs, ...entry], {
      cwd: options.root ?? PRODUCT_ROOT,
      env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", SERVE_UI: "false", HOST: "127.0.0.1", PORT: "0", DATA_DIR: dataDir, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    }),
  );
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 300 s:\n${out}`)), 300_000);
    child.stdout!.on("data", () => {
      const ready = readyUrl(out);
      if (ready) {
        clearTimeout(timer);
        resolve(ready);
      }
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code} before listening:\n${out}`)));
  });
  return {
    url,
    child,
    output: () => out,
    async stop() {
      await stopChild(child);
      if (options.keepDataDir) options.keepDataDir(dataDir);
      else {
        await rm(dataDir, { recursive: true, force: true });
        tempDirs.delete(dataDir);
      }
      const errors = out.split("\n").filter((l) => /error|failed/i.test(l));
      if (errors.length > 0) console.error(`bench: server logged ${errors.length} error line(s), first: ${errors[0]}`);
    },
  };
}

/** Forks a TypeScript script of scripts/ with an IPC channel (through tsx). */
export function forkScript(relativePath: string, args: string[] = []): ChildProcess {
  return track(fork(path.join(ROOT, relativePath), args, { cwd: ROOT, execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] }));
}

/** Resolves with the next IPC message of `type` from `child`; rejects if the child exits first. */
export function nextMessage<T extends { type: string }>(child: ChildProcess, type: T["type"], timeoutMs = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { type?: string }) => {
      if (m?.type !== type) return;
      done();
      resolve(m as T);
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`child ${child.pid} exited (${code}) while waiting for "${type}"`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no "${type}" from child ${child.pid} within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

/** The bare Socket.IO 4.8 server of scripts/bench-baseline-server.ts. */
export async function startBaselineServer(): Promise<ServerProcess> {
  const child = forkScript("scripts/bench-baseline-server.ts", ["0"]);
  const { port } = await nextMessage<{ type: "ready"; port: number }>(child, "ready", 60_000);
  return { url: `http://127.0.0.1:${port}`, child, output: () => "", stop: () => stopChild(child) };
}

/** utime + stime (ms) of a /proc stat file: the whole process, or one thread under task/. */
function cpuMsOf(statFile: string): number {
  const stat = readFileSync(statFile, "utf8");
  // Fields after the command name (which may hold spaces): utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/**
 * CPU time (user + system, ms) of a process (all threads) and of its main thread (the event loop;
 * its thread id is the pid), resident memory (MB) and the peak of resident memory since the process
 * started (VmHWM, MB), from /proc.
 */
export function sampleProcess(pid: number): { cpuMs: number; mainThreadCpuMs: number; rssMb: number; peakRssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { cpuMs: cpuMsOf(`/proc/${pid}/stat`), mainThreadCpuMs: cpuMsOf(`/proc/${pid}/task/${pid}/stat`), rssMb: kb("VmRSS") / 1024, peakRssMb: kb("VmHWM") / 1024 };
}

/** Removes a data directory kept with `keepDataDir` (also removed on exit if the bench dies). */
export async function removeDataDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}
