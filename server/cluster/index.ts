import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { App } from "../app";
import { createApiHandler } from "../http/router";
import { describeError } from "../describe-error";
import type { Env } from "../env";
import { limitConnectionsPerIp } from "../realtime/ip-limits";
import type { RoomPort } from "../realtime/room";
import { socketRoom } from "../realtime/socket-room";
import { SessionRegistry } from "../sessions/registry";
import type { LiveService } from "../live";
import { createWriteQueue, forkLimitsFromEnv, limitsFromEnv } from "../live";
import { budgetsFor, guardSockets } from "../security/wiring";
import { createFencedFlush } from "./fenced-flush";
import { LeaseKeeper } from "./lease-keeper";
import { SessionOwner } from "./owner";
import { attachRedisAdapter } from "./redis";
import { OwnerRouter } from "./router";
import { registerClusterHandlers } from "./socket-handlers";
import { Takeover } from "./takeover";
import { log } from "../log";

/**
 * Multi-node mode (REDIS_URL set): this process is one of several behind a load balancer, sharing
 * PostgreSQL and Redis. Socket.IO runs on the Redis Streams adapter; each session's engine runs on
 * the one node holding its lease; the others forward their sockets' requests to it.
 */
export function attachCluster(app: App, env: Env, redisUrl: string): LiveService {
  if (app.db.kind !== "postgres") throw new Error("REDIS_URL is set but the database is not PostgreSQL: several nodes need DATABASE_URL");
  const limits = limitsFromEnv(env);
  const prisma = app.db.prisma;
  const nodeId = randomUUID();
  const nodeLog = log.child({ node: nodeId });
  const leases = new LeaseKeeper(prisma, nodeId, (id) => {
    nodeLog.warn({ sessionId: id }, "lost the lease of this session; another node runs it now");
    void registry.evict(id);
  });
  const queue = createWriteQueue(app.metrics.timeFlush(createFencedFlush(prisma, leases)), prisma, () => registry);
  const registry: SessionRegistry = new SessionRegistry({
    prisma,
    queue,
    limits,
    roomFor: (id) => fenced(socketRoom(app.io, id, (role) => registry.loaded(id)?.snapshot(role)), () => leases.holds(id)),
    claim: (id) => leases.claim(id),
  });
  app.metrics.watch({ sessionsLive: () => registry.liveCount, writeQueueDepth: () => queue.size });
  const budgets = budgetsFor(limits, forkLimitsFromEnv(env));
  app.hooks.onRequest.push(createApiHandler({ registry, prisma, limits, publicUrl: env.PUBLIC_URL ?? null, budgets }));
  let redis: Redis | undefined;
  let takeover: Takeover | undefined;
  app.hooks.onSocketServer.push(async (io) => {
    redis = await attachRedisAdapter(io, redisUrl, { streamName: env.REDIS_STREAM });
    // Per-address budgets shared by every node (atomic in Redis).
    budgets.useRedis(redis, env.REDIS_STREAM);
    app.health.require({ name: "redis", check: async () => void (await redis!.ping()) });
    limitConnectionsPerIp(io, limits.maxConnectionsPerIp);
    guardSockets(io, limits);
    const owner = new SessionOwner(io, { registry, leases, prisma, queue, limits });
    const router = new OwnerRouter(io, owner);
    registerClusterHandlers(io, { router, owner, registry, prisma, limits, budgets });
    leases.start();
    takeover = new Takeover({ io, prisma, registry, leases, owner, redis, streamName: env.REDIS_STREAM, maxLiveSessions: limits.maxLiveSessions });
    const adopted = await takeover.start();
    nodeLog.info({ stream: env.REDIS_STREAM, adopted }, "cluster node started");
  });
  app.hooks.onShutdown.push(async () => {
    await takeover?.stop();
    // One session whose lease lapsed meanwhile (its writes are refused) must not keep the others
    // from stopping, nor this node from giving its leases up.
    await Promise.all(
      registry.all().map((s) => s.shutdown().catch((err) => nodeLog.warn({ sessionId: s.id }, `session not checkpointed at shutdown (another node runs it now): ${describeError(err)}`))),
    );
    await queue.close();
    await leases.stop();
    await redis?.quit().catch(() => undefined);
  });
  return { registry, queue, limits };
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
