/**
 * `npm run bench:persist`: 50 sessions playing at 60 steps/s in one process, every step stored before
 * it is released. Reports steps persisted per second, the write queue's depth over time (it must not
 * grow), transactions and batch sizes; on PGlite and, when reachable, on PostgreSQL.
 * Options (env): BENCH_SESSIONS (50), BENCH_RATE (60), BENCH_SECONDS (20).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os, { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { parseEngineConfig } from "../lib/schemas";
import { createFlush } from "../server/data/write-ops";
import { openDatabase } from "../server/db";
import { DEFAULT_LIMITS } from "../server/realtime/limits";
import type { RoomPort } from "../server/realtime/room";
import { SessionRegistry } from "../server/sessions/registry";
import { WriteQueue } from "../server/sessions/write-queue";

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 50);
const RATE = Number(process.env.BENCH_RATE ?? 60);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const PG_ADMIN = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

interface Result {
  database: string;
  sessions: number;
  targetStepsPerSecond: number;
  persistedStepsPerSecond: number;
  releasedStepsPerSecond: number;
  queueDepthFirstHalf: number;
  queueDepthSecondHalf: number;
  queueDepthMax: number;
  transactions: number;
  opsPerTransaction: number;
  backlogGrowth: boolean;
}

async function postgresUrl(): Promise<{ url: string; drop: () => Promise<void> } | null> {
  const admin = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch {
    return null;
  }
  const name = `bp_bench_${process.pid}`;
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

async function run(kind: "pglite" | "postgres", env: { DATABASE_URL?: string; DATA_DIR: string }): Promise<Result> {
  const db = await openDatabase(env);
  const queue = new WriteQueue(createFlush(db.prisma, db.runScript)); // as server/live.ts wires it
  let released = 0;
  const room: RoomPort = {
    broadcast: (event: string) => {
      if (event === "session:step") released++;
    },
    toInstructors: () => undefined,
  } as RoomPort;
  const registry = new SessionRegistry({ prisma: db.prisma, queue, roomFor: () => room, limits: DEFAULT_LIMITS });
  const config = parseEngineConfig({});
  for (let k = 0; k < SESSIONS; k++) await registry.create(`bench ${k}`, config);
  const sessions = registry.all();
  const t0 = performance.now();
  await Promise.all(sessions.map((s) => s.control({ action: "play", stepsPerSecond: RATE })));
  const depths: number[] = [];
  const sampler = setInterval(() => depths.push(queue.size), 250);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  clearInterval(sampler);
  const elapsed = (performance.now() - t0) / 1000;
  const releasedAtStop = released;
  const committedTx = queue.transactions;
  const committedOps = queue.committed;
  await Promise.all(sessions.map((s) => s.control({ action: "pause" })));
  await queue.close();
  const persisted = await db.prisma.stepMetric.count();
  await db.close();
  const half = Math.floor(depths.length / 2);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const first = mean(depths.slice(0, half));
  const second = mean(depths.slice(half));
  return {
    database: kind,
    sessions: SESSIONS,
    targetStepsPerSecond: SESSIONS * RATE,
    persistedStepsPerSecond: Math.round(persisted / elapsed),
    releasedStepsPerSecond: Math.round(releasedAtStop / elapsed),
    queueDepthFirstHalf: Number(first.toFixed(1)),
    queueDepthSecondHalf: Number(second.toFixed(1)),
    queueDepthMax: Math.max(...depths),
    transactions: committedTx,
    opsPerTransaction: Number((committedOps / Math.max(1, committedTx)).toFixed(1)),
    // growth: the second half's mean depth clearly above the first half's (and above a trivial level)
    backlogGrowth: second > first * 1.5 + 5,
  };
}

const results: Result[] = [];
const dir = await mkdtemp(path.join(tmpdir(), "bp-bench-persist-"));
try {
  results.push(await run("pglite", { DATA_DIR: dir }));
  const pgdb = await postgresUrl();
  if (pgdb) {
    try {
      results.push(await run("postgres", { DATABASE_URL: pgdb.url, DATA_DIR: dir }));
    } finally {
      await pgdb.drop();
    }
  } else console.log("PostgreSQL unreachable: skipped");
} finally {
  await rm(dir, { recursive: true, force: true });
}

console.log(`persist benchmark: ${SESSIONS} sessions × ${RATE} steps/s for ${SECONDS} s, node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}`);
console.table(results);
mkdirSync("bench-results", { recursive: true });
const file = `bench-results/persist-${new Date().toISOString().replace(/[:.]/g, "-")}.json`;
writeFileSync(file, JSON.stringify({ node: process.version, cpus: os.cpus().length, sessions: SESSIONS, rate: RATE, seconds: SECONDS, results }, null, 2));
console.log(`written ${file}`);
if (results.some((r) => r.backlogGrowth || r.releasedStepsPerSecond < 0.95 * r.targetStepsPerSecond)) process.exitCode = 1;
