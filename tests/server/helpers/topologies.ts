import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe } from "vitest";
import { clusterUnavailable, SHARED_REDIS_URL } from "../cluster/helpers";
import { connectClient, startTestServer, type Client, type TestServer } from "./live-server";
import { createTempDatabase } from "./postgres";

/** The nodes a test talks to: A runs the sessions it creates; B is another node (the same one in a single process). */
export interface Nodes {
  a: TestServer;
  b: TestServer;
  /** True when A and B are different processes' worth of state (two cluster nodes). */
  distinct: boolean;
}

interface TopologyCase {
  name: string;
  /** Why it cannot run here, or null. */
  unavailable: () => Promise<string | null>;
  start: (env: Record<string, string>) => Promise<{ nodes: Nodes; close: () => Promise<void> }>;
}

/** One process ("a cluster of one"), and two nodes on Redis + PostgreSQL, started in this process. */
export const TOPOLOGIES: TopologyCase[] = [
  {
    name: "one process",
    unavailable: async () => null,
    async start(env) {
      const server = await startTestServer("pglite", env);
      return { nodes: { a: server, b: server, distinct: false }, close: () => server.close() };
    },
  },
  {
    name: "two nodes on Redis + PostgreSQL",
    unavailable: clusterUnavailable,
    async start(env) {
      const db = await createTempDatabase("bp_topo");
      const shared = { ...env, DATABASE_URL: db.url, REDIS_URL: SHARED_REDIS_URL, REDIS_STREAM: `bp-topo-${randomBytes(4).toString("hex")}` };
      const a = await startTestServer("postgres", shared);
      const b = await startTestServer("postgres", shared);
      return {
        nodes: { a, b, distinct: true },
        async close() {
          await b.close();
          await a.close();
          await db.drop();
        },
      };
    },
  },
];

const availability = await Promise.all(TOPOLOGIES.map((t) => t.unavailable()));

/**
 * Runs the same tests against every topology (rule C1: one code path, only the transport differs):
 * `body` gets a function returning the nodes of the current topology, started once per describe.
 */
export function describeTopologies(title: string, body: (nodes: () => Nodes) => void, env: Record<string, string> = {}): void {
  TOPOLOGIES.forEach((topology, i) => {
    const why = availability[i];
    if (why) console.warn(`${title} (${topology.name}) skipped: ${why}`);
    describe.skipIf(why !== null)(`${title} (${topology.name})`, { timeout: 60_000 }, () => {
      let started: Awaited<ReturnType<TopologyCase["start"]>> | undefined;
      beforeAll(async () => {
        started = await topology.start(env);
      }, 120_000);
      afterAll(async () => started?.close());
      body(() => started!.nodes);
    });
  });
}

/** Connects clients to node A or B, and closes them all after the describe. */
export function nodeClients(nodes: () => Nodes): (node?: "a" | "b") => Promise<Client> {
  const clients: Client[] = [];
  afterAll(() => {
    for (const c of clients) c.close();
  });
  return async (node = "a") => {
    const c = await connectClient(nodes()[node].url);
    clients.push(c);
    return c;
  };
}
