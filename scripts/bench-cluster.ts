/**
 * `npm run bench:cluster`: N students (default 1,000, then 3,000) and one session playing at R steps/s (default 20),
 * first on ONE server process, then on TWO processes sharing Redis (the Streams adapter) with the
 * students split evenly between them (the session runs on the first; the second relays). Both runs
 * use PostgreSQL (a fresh database each), so only the multi-node path differs. Reports per-step
 * delivery latency (client Date.now() − the frame's sentAt, same machine clock) p50/p95/p99/max,
 * delivery, server CPU, and the two-process / one-process ratios.
 * Needs PostgreSQL (DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/test, a database the
 * bench creates others from) and Redis (REDIS_URL, default redis://127.0.0.1:6379; its own stream name).
 * Options (env): BENCH_N (students, a comma list: "1000,3000"), BENCH_RATE (20), BENCH_SECONDS (30),
 * BENCH_WARMUP_SECONDS (3), BENCH_WORKERS (2, per pool). Memory per server process: rssSteadyMb is the
 * median of its RSS sampled every 500 ms over the window (the largest of the nodes'), rssMaxMb its peak
 * since it started (VmHWM, the largest of the nodes').
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { installCleanup, sampleProcess, startProductServer, type ServerProcess } from "./load/processes";
import { StudentPool } from "./load/students";
import { machine, mergeHistograms, round, sleep, summarise, warnIfBusy, writeResult } from "./load/stats";
import { io as connect, type Socket } from "socket.io-client";
import type { Ack, StepFrame } from "../lib/protocol";

const NS = (process.env.BENCH_N ?? "1000,3000").split(",").map(Number);
const RATE = Number(process.env.BENCH_RATE ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const ADMIN_URL = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const DRAIN_MS = 2000;
/** Every simulated student comes from 127.0.0.1: raise the per-session and per-IP limits above any N. */
const LIMITS = { MAX_SOCKETS_PER_SESSION: "100000", MAX_CONNECTIONS_PER_IP: "100000", CONTROLS_PER_SECOND: "1000" };

interface Row {
  setup: string;
  students: number;
  stepsPerSecond: number;
  joined: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Steps per second actually played during the window (below the target when the machine cannot keep up). */
  achievedStepsPerSecond: number;
  deliveredPct: number;
  missing: number;
  serverCpuPct: number;
  rssSteadyMb: number;
  rssMaxMb: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function withDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const name = `bp_bench_cluster_${randomBytes(4).toString("hex")}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: ADMIN_URL });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  try {
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    return await fn(url.toString());
  } finally {
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

function request<T>(socket: Socket, event: string, payload: unknown): Promise<T> {
  return new Promise((resolve, reject) =>
    socket.emit(event, payload, (ack: Ack<T>) => (ack.ok ? resolve(ack.data) : reject(new Error(`${event}: ${ack.error.code} ${ack.error.message}`)))),
  );
}

/** One run: `servers[0]` runs the session; students are split evenly over every server. */
async function measure(setup: string, servers: ServerProcess[], N: number): Promise<Row> {
  const res = await fetch(`${servers[0].url}/api/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ title: "bench" }) });
  if (res.status !== 201) throw new Error(`creating a session failed: ${res.status} ${await res.text()}`);
  const session = (await res.json()) as { joinCode: string; instructorKey: string };
  const teacher = connect(servers[0].url, { transports: ["websocket"], forceNew: true, reconnection: false });
  let last = 0;
  teacher.on("session:step", (f: StepFrame) => (last = Math.max(last, f[0])));
  await new Promise((resolve, reject) => (teacher.once("connect", () => resolve(undefined)), teacher.once("connect_error", reject)));
  await request(teacher, "session:join", { joinCode: session.joinCode, name: "instructor", instructorKey: session.instructorKey });
  const waitForStep = async (step: number, timeoutMs: number) => {
    const start = Date.now();
    while (last < step) {
      if (Date.now() - start > timeoutMs) throw new Error(`the instructor never saw step ${step} (last ${last})`);
      await sleep(20);
    }
  };
  const pools = servers.map(() => StudentPool.start(WORKERS));
  try {
    const shares = servers.map((_, k) => Math.floor(N / servers.length) + (k < N % servers.length ? 1 : 0));
    const joined = await Promise.all(pools.map((p, k) => p.connect({ url: servers[k].url, count: shares[k], joinCode: session.joinCode, name: `student n${k}` })));
    for (const j of joined) if (j.errors.length > 0) console.error(`${setup}: ${j.errors.length} students failed to join, first: ${j.errors[0]}`);
    await request(teacher, "session:control", { action: "play", stepsPerSecond: RATE });
    await sleep(WARMUP_SECONDS * 1000);
    const from = last + 2;
    const to = from + Math.round(RATE * SECONDS) - 1;
    for (const p of pools) p.window(from, to);
    await waitForStep(from - 1, 30_000);
    const cpu = () => servers.reduce((s, srv) => s + sampleProcess(srv.child.pid!).cpuMs, 0);
    const start = { cpuMs: cpu(), at: performance.now() };
    const rss = servers.map(() => [] as number[]);
    const sampleRss = () => servers.forEach((srv, k) => rss[k].push(sampleProcess(srv.child.pid!).rssMb));
    sampleRss();
    const sampler = setInterval(sampleRss, 500);
    // Generous: on a busy machine the session plays below its rate; the achieved rate is reported.
    await waitForStep(to, (SECONDS * 5 + 60) * 1000).finally(() => clearInterval(sampler));
    const end = { cpuMs: cpu(), at: performance.now() };
    const peaks = servers.map((srv) => sampleProcess(srv.child.pid!).peakRssMb);
    await request(teacher, "session:control", { action: "pause" });
    await sleep(DRAIN_MS);
    const reports = await Promise.all(pools.map((p) => p.report()));
    const latency = summarise(mergeHistograms(reports.map((r) => r.latency)));
    const expected = to - from + 1;
    return {
      setup,
      students: N,
      stepsPerSecond: RATE,
      joined: joined.reduce((s, j) => s + j.joined, 0),
      p50: latency.p50,
      p95: latency.p95,
      p99: latency.p99,
      max: latency.max,
      achievedStepsPerSecond: round((1000 * expected) / (end.at - start.at)),
      deliveredPct: round((100 * reports.flatMap((r) => r.inWindow).reduce((a, b) => a + b, 0)) / (N * expected), 3),
      missing: reports.reduce((s, r) => s + r.missing, 0),
      serverCpuPct: round((100 * (end.cpuMs - start.cpuMs)) / (end.at - start.at)),
      rssSteadyMb: round(Math.max(...rss.map(median))),
      rssMaxMb: round(Math.max(...peaks)),
    };
  } finally {
    teacher.disconnect();
    await Promise.all(pools.map((p) => p.close()));
  }
}

installCleanup((NS.length * 2 * (SECONDS * 5 + 300) + 60) * 1000);
const loadAtStart = warnIfBusy();
const rows: Row[] = [];
const ratios: { students: number; p50Ratio: number; p99Ratio: number; cpuRatio: number }[] = [];

for (const N of NS) {
  console.log(`cluster: one process, ${N} students × ${RATE} steps/s for ${SECONDS} s …`);
  const one = await withDatabase(async (url) => {
    const single = await startProductServer({ ...LIMITS, DATABASE_URL: url });
    try {
      return await measure("1 process", [single], N);
    } finally {
      await single.stop();
    }
  });
  console.log(`cluster: two processes (Redis Streams adapter), ${N} students split across them …`);
  const two = await withDatabase(async (url) => {
    const env = { ...LIMITS, DATABASE_URL: url, REDIS_URL, REDIS_STREAM: `bp-bench-${randomBytes(4).toString("hex")}` };
    const nodes = [await startProductServer(env), await startProductServer(env)];
    try {
      return await measure("2 processes", nodes, N);
    } finally {
      await Promise.all(nodes.map((n) => n.stop()));
    }
  });
  rows.push(one, two);
  ratios.push({ students: N, p50Ratio: round(two.p50 / one.p50, 2), p99Ratio: round(two.p99 / one.p99, 2), cpuRatio: round(two.serverCpuPct / one.serverCpuPct, 2) });
}

const m = machine();
console.log(`\ncluster benchmark: ${SECONDS} s after ${WARMUP_SECONDS} s warm-up, ${WORKERS} client workers per process, node ${m.node}, ${m.cpus} × ${m.cpu}, load average at start ${loadAtStart}`);
console.table(rows);
console.log("two processes / one process:");
console.table(ratios);
console.log(`written ${writeResult("cluster", { loadAtStart, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, workers: WORKERS, rows, ratios })}`);
if (rows.some((r) => r.deliveredPct < 100 || r.missing > 0 || r.joined < r.students)) process.exitCode = 1;
