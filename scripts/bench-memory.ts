/**
 * `npm run bench:memory`: where the embedded database's memory goes. In a fresh Node process each, it
 * opens PGlite through the server's own module (server/data/pglite-thread.ts: initdb in a child
 * process if needed, then the worker thread) on a fresh data directory, then again on the directory
 * it created (an existing one), then writes BENCH_ROWS rows (default 100,000, ~450 bytes each) and
 * reads them back. Prints the process's RSS and its peak (VmHWM), the main thread's and the worker
 * thread's V8 heaps and buffers, PGlite's WebAssembly heap, and the peak of the initdb process.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PgliteThread } from "../server/data/pglite-thread";
import { machine, writeResult } from "./load/stats";

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const mb = (bytes: number) => Math.round(bytes / 1048576);

function status(): { rssMb: number; hwmMb: number } {
  const s = readFileSync("/proc/self/status", "utf8");
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(s)?.[1] ?? 0);
  return { rssMb: Math.round(kb("VmRSS") / 1024), hwmMb: Math.round(kb("VmHWM") / 1024) };
}

async function measure(dir: string): Promise<Record<string, number | null>> {
  const before = status();
  const thread = await PgliteThread.start(dir);
  const opened = status();
  const main = process.memoryUsage();
  const worker = await thread.memory();
  await thread.exec("CREATE TABLE IF NOT EXISTS bench (id serial PRIMARY KEY, label text, payload bytea)");
  for (let done = 0; done < ROWS; done += 1000) {
    await thread.exec(`INSERT INTO bench (label, payload) SELECT md5(g::text), decode(repeat('ab', 400), 'hex') FROM generate_series(1, 1000) g`);
  }
  await thread.query("SELECT count(*), sum(length(payload)) FROM bench");
  const worked = status();
  const workerAfter = await thread.memory();
  await thread.close();
  return {
    rssBeforeMb: before.rssMb,
    rssOpenMb: opened.rssMb,
    rssAfterRowsMb: worked.rssMb,
    peakMb: worked.hwmMb,
    initdbProcessPeakMb: thread.created?.maxRssMb ?? null,
    rssDuringInitdbMb: thread.created?.serverRssMb ?? null,
    mainHeapUsedMb: mb(main.heapUsed),
    mainExternalMb: mb(main.external),
    workerHeapUsedMb: mb(worker.heapUsed),
    workerArrayBuffersMb: mb(workerAfter.arrayBuffers),
    wasmHeapMb: mb(workerAfter.wasmHeap),
  };
}

if (process.argv[2] === "--child") {
  process.stdout.write(`${JSON.stringify(await measure(process.argv[3]))}\n`);
  process.exit(0);
}

const root = await mkdtemp(path.join(tmpdir(), "bp-memory-"));
const dir = path.join(root, "pglite");
const self = fileURLToPath(import.meta.url);
const run = (label: string) => {
  const out = execFileSync(process.execPath, ["--import", "tsx", self, "--child", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  return { run: label, ...JSON.parse(out.trim().split("\n").pop()!) };
};
try {
  const rows = [run("fresh directory"), run("existing directory")];
  const m = machine();
  console.log(`memory of the embedded database: ${ROWS} rows written per run, node ${m.node}, ${m.cpus} × ${m.cpu}`);
  console.table(rows);
  console.log(`written ${writeResult("memory", { rows: ROWS, results: rows })}`);
} finally {
  await rm(root, { recursive: true, force: true });
}
