import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { App } from "../app";
import { describeError } from "../describe-error";
import type { Env } from "../env";
import { serverSideTransport } from "../owner/router";
import type { Topology } from "../owner/topology";
import type { RoomPort } from "../realtime/room";
import type { SessionRegistry } from "../sessions/registry";
import { createFencedFlush } from "./fenced-flush";
import { LeaseKeeper } from "./lease-keeper";
import { attachRedisAdapter } from "./redis";
import { Takeover } from "./takeover";
import { log } from "../log";

/**
 * Multi-node mode (REDIS_URL set): this process is one of several behind a load balancer, sharing
 * PostgreSQL and Redis. Socket.IO runs on the Redis Streams adapter; each session's engine runs on
 * the one node holding its lease, whose writes are fenced by it; requests reach it with serverSideEmit.
 */
export function clusterTopology(app: App, env: Env, redisUrl: string, sessions: () => SessionRegistry): Topology {
  if (app.db.kind !== "postgres") throw new Error("REDIS_URL is set but the database is not PostgreSQL: several nodes need DATABASE_URL");
  const prisma = app.db.prisma;
  const nodeId = randomUUID();
  const nodeLog = log.child({ node: nodeId });
  const leases = new LeaseKeeper(prisma, nodeId, (id) => {
    nodeLog.warn({ sessionId: id }, "lost the lease of this session; another node runs it now");
    void sessions().evict(id);
  });
  let redis: Redis | undefined;
  let takeover: Takeover | undefined;
  const transport = serverSideTransport(app.io);
  return {
    flush: createFencedFlush(prisma, leases),
    holds: (id) => leases.holds(id),
    claim: (id) => leases.claim(id),
    release: (id) => leases.release(id),
    fence: (room, id) => fenced(room, () => leases.holds(id)),
    transport,
    async connect(io) {
      redis = await attachRedisAdapter(io, redisUrl, { streamName: env.REDIS_STREAM });
      app.health.require({ name: "redis", check: async () => void (await redis!.ping()) });
    },
    // Per-address budgets shared by every node (atomic in Redis).
    shareBudgets: (budgets) => budgets.useRedis(redis!, env.REDIS_STREAM),
    async start({ registry, owner, limits }) {
      leases.start();
      takeover = new Takeover({ io: app.io, prisma, registry, leases, owner, redis: redis!, streamName: env.REDIS_STREAM, maxLiveSessions: limits.maxLiveSessions });
      const adopted = await takeover.start();
      nodeLog.info({ stream: env.REDIS_STREAM, adopted }, "cluster node started");
    },
    async stop({ registry, queue }) {
      await takeover?.stop();
      // One session whose lease lapsed meanwhile (its writes are refused) must not keep the others
      // from stopping, nor this node from giving its leases up.
      await Promise.all(
        registry.all().map((s) => s.shutdown().catch((err) => nodeLog.warn({ sessionId: s.id }, `session not checkpointed at shutdown (another node runs it now): ${describeError(err)}`))),
      );
      await queue.close();
      await leases.stop();
      transport.close();
      await redis?.quit().catch(() => undefined);
    },
  };
}

/** The room, silent once this node no longer holds the session's lease (the new owner speaks for it). */
function fenced(room: RoomPort, holds: () => boolean): RoomPort {
  return {
    broadcast: (event, ...args) => {
      if (holds()) room.broadcast(event, ...args);
    },
    toInstructors: (event, ...args) => {
      if (holds()) room.toInstructors(event, ...args);
    },
  };
}
