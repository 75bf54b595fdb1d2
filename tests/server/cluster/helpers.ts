import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { Trainer } from "@/lib/engine";
import { decodeStepFrame, type SessionSnapshot, type StepFrame } from "@/lib/protocol";
import { parseEngineConfig } from "@/lib/schemas";
import { freePort, startChildServer, type ChildServer } from "../helpers/child-server";
import { createTempDatabase, postgresReachable } from "../helpers/postgres";
import { connectClient, createSession, join, request, type Client } from "../helpers/live-server";
import { issuedToken, TEST_TOKEN_SECRET } from "../helpers/tokens";

/** The CI Redis (never restarted by tests). */
export const SHARED_REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** True when a Redis answers PING at `url`. */
export async function redisReachable(url = SHARED_REDIS_URL): Promise<boolean> {
  const r = new Redis(url, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on("error", () => undefined);
  try {
    await r.connect();
    return (await r.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

/** Why the multi-node tests cannot run here, or null when Redis and PostgreSQL both answer. */
export async function clusterUnavailable(): Promise<string | null> {
  const [redis, pg] = await Promise.all([redisReachable(), postgresReachable()]);
  if (!redis) return `Redis is unreachable at ${SHARED_REDIS_URL}`;
  if (!pg) return "PostgreSQL is unreachable at 127.0.0.1:5432";
  return null;
}

/** Resolves once the node's /readyz answers 200 (database and Redis reachable), as a load balancer would wait. */
export async function waitReady(url: string, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  let last = "";
  while (Date.now() - start < timeoutMs) {
    const res = await fetch(`${url}/readyz`).catch((err: Error) => err);
    if (!(res instanceof Error) && res.status === 200) return;
    last = res instanceof Error ? res.message : `${res.status} ${await res.text()}`;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url}/readyz not ready after ${timeoutMs} ms: ${last}`);
}

/** A set of nodes sharing one fresh database and one Redis stream, with clean-up. */
export class TestCluster {
  readonly nodes: ChildServer[] = [];
  private cleanups: (() => Promise<void>)[] = [];
  private env: Record<string, string> = {};

  /** Creates the database and picks a stream name of its own. */
  async init(redisUrl = SHARED_REDIS_URL): Promise<this> {
    const db = await createTempDatabase("bp_cluster");
    this.cleanups.push(db.drop);
    // Every node signs participant tokens with the same secret (docs/deploy.md), so a token one node issued is accepted by the others.
    this.env = { DATABASE_URL: db.url, REDIS_URL: redisUrl, REDIS_STREAM: `bp-test-${randomBytes(4).toString("hex")}`, PARTICIPANT_TOKEN_SECRET: TEST_TOKEN_SECRET };
    return this;
  }

  /** The environment every node gets. */
  get sharedEnv(): Record<string, string> {
    return this.env;
  }

  /** Starts one more node. */
  async start(extra: Record<string, string> = {}): Promise<ChildServer> {
    const node = await startChildServer({ ...this.env, ...extra });
    this.nodes.push(node);
    this.cleanups.push(async () => {
      if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill("SIGKILL");
      await node.exited;
    });
    await waitReady(node.url);
    return node;
  }

  /** Registers a clean-up step (run in reverse order by `close`). */
  onClose(fn: () => Promise<void> | void): void {
    this.cleanups.push(async () => fn());
  }

  /** Stops every node and drops the database. */
  async close(): Promise<void> {
    for (const c of this.cleanups.reverse()) await c().catch(() => undefined);
    this.cleanups = [];
  }
}

/** A redis-server of the test's own on an ephemeral port, which the test may kill and restart. */
export class OwnRedis {
  private child: ChildProcess | null = null;
  private constructor(readonly port: number) {}

  /** Starts one on a free port. */
  static async start(): Promise<OwnRedis> {
    const r = new OwnRedis(await freePort());
    await r.up();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server (again) and waits until it answers. */
  async up(): Promise<void> {
    this.child = spawn("redis-server", ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    const start = Date.now();
    while (!(await redisReachable(this.url))) {
      if (Date.now() - start > 10_000) throw new Error("own redis-server did not start");
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Kills it (SIGKILL: everything in it is lost). */
  async down(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
  }
}

/** θ after `steps` steps of an uninterrupted run of the default config. */
export function referenceParams(steps: number, config: unknown = {}): number[] {
  const t = new Trainer(parseEngineConfig(config));
  t.run(steps);
  return Array.from(t.theta);
}

/** Step numbers of received frames. */
export function stepsOf(frames: StepFrame[]): number[] {
  return frames.map((f) => decodeStepFrame(f).step);
}

/** The consecutive range from `first`, or a description of the first gap/duplicate. */
export function gapsAndDuplicates(steps: number[], first: number): string[] {
  const problems: string[] = [];
  for (let k = 0; k < steps.length; k++) {
    if (steps[k] !== first + k) {
      problems.push(`at index ${k}: expected step ${first + k}, got ${steps[k]} (previous ${steps[k - 1]})`);
      break;
    }
  }
  return problems;
}

/**
 * Two nodes and a session node A runs, with its instructor and two students (Ada and Bo, each with an
 * issued token named after `tag`) all connected to node B: the room a failover test kills A under.
 */
export async function roomRunOnA(cluster: TestCluster, tag: string, sockets: Client[]) {
  await cluster.init();
  const a = await cluster.start();
  const b = await cluster.start();
  const session = await createSession(a.url);
  const [teacher, ada, bo] = [await connectClient(b.url), await connectClient(b.url), await connectClient(b.url)];
  sockets.push(teacher, ada, bo);
  await join(teacher, { joinCode: session.joinCode, name: "Teacher", instructorKey: session.instructorKey });
  const adaSnapshot = await join(ada, { joinCode: session.joinCode, name: "Ada", participantToken: issuedToken(`${tag}-ada`) });
  await join(bo, { joinCode: session.joinCode, name: "Bo", participantToken: issuedToken(`${tag}-bo`) });
  return { a, b, session, teacher, ada, bo, adaSnapshot };
}

/** kill -9 of `node`, then the client's `session:resync` until the node taking over answers (at most ~30 s). */
export async function killAndResync(node: ChildServer, client: Client) {
  node.child.kill("SIGKILL");
  await node.exited;
  let snap: Awaited<ReturnType<typeof request<SessionSnapshot>>> | undefined;
  for (let k = 0; k < 150 && !snap?.ok; k++) {
    snap = await request<SessionSnapshot>(client, "session:resync", {});
    if (!snap.ok) await new Promise((r) => setTimeout(r, 200));
  }
  return snap;
}
