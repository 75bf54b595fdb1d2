import type { App } from "./app";
import { classifyDbError, describeDbError, probeDatabase } from "./data/db-errors";
import { clusterTopology } from "./cluster";
import { createFlush } from "./data/write-ops";
import type { Env } from "./env";
import type { PrismaClient } from "./generated/prisma/client";
import { createApiHandler } from "./http/router";
import { registerSessionHandlers } from "./realtime/handlers";
import { limitConnectionsPerIp } from "./realtime/ip-limits";
import { budgetsFor, guardSockets } from "./security/wiring";
import { ParticipantTokens } from "./security/participant-tokens";
import { loadParticipantSecret } from "./security/secret";
import { DEFAULT_LIMITS, type Limits } from "./realtime/limits";
import { socketRoom } from "./realtime/socket-room";
import { SessionRegistry } from "./sessions/registry";
import { WriteQueue } from "./sessions/write-queue";
import { OwnerRouter } from "./owner/router";
import { SessionOwner } from "./owner/session-owner";
import { singleProcessTopology } from "./owner/topology";
import type { FlushFn } from "./sessions/write-ops";
import { DEFAULT_FORK_LIMITS, type ForkLimits } from "./teaching/forks";
import { TeachingService } from "./teaching/service";
import { log } from "./log";

/** The live-session service attached to an app. */
export interface LiveService {
  registry: SessionRegistry;
  queue: WriteQueue;
  limits: Limits;
  /** Polls and forks of the sessions this node runs. */
  teaching: TeachingService;
  /** The one way into a live session, wherever it runs. */
  router: OwnerRouter;
}

/** Fork limits in force: the defaults, overridden by environment variables. */
export function forkLimitsFromEnv(env: Env): ForkLimits {
  return {
    perParticipant: env.FORK_LIMIT_PER_PARTICIPANT ?? DEFAULT_FORK_LIMITS.perParticipant,
    perIp: env.FORK_LIMIT_PER_IP ?? DEFAULT_FORK_LIMITS.perIp,
    idleMs: env.FORK_IDLE_HOURS !== undefined ? env.FORK_IDLE_HOURS * 3600_000 : DEFAULT_FORK_LIMITS.idleMs,
    sweepMs: env.FORK_SWEEP_SECONDS !== undefined ? env.FORK_SWEEP_SECONDS * 1000 : DEFAULT_FORK_LIMITS.sweepMs,
  };
}

/** The limits in force: the defaults, overridden by environment variables. */
export function limitsFromEnv(env: Env): Limits {
  return {
    maxLiveSessions: env.MAX_LIVE_SESSIONS ?? DEFAULT_LIMITS.maxLiveSessions,
    maxSocketsPerSession: env.MAX_SOCKETS_PER_SESSION ?? DEFAULT_LIMITS.maxSocketsPerSession,
    maxPayloadBytes: env.MAX_PAYLOAD_BYTES ?? DEFAULT_LIMITS.maxPayloadBytes,
    controlsPerSecond: env.CONTROLS_PER_SECOND ?? DEFAULT_LIMITS.controlsPerSecond,
    maxBodyBytes: env.MAX_BODY_BYTES ?? DEFAULT_LIMITS.maxBodyBytes,
    maxLiveParams: env.MAX_LIVE_PARAMS ?? DEFAULT_LIMITS.maxLiveParams,
    maxConnectionsPerIp: env.MAX_CONNECTIONS_PER_IP ?? DEFAULT_LIMITS.maxConnectionsPerIp,
    failedJoinsPerMinute: env.FAILED_JOINS_PER_MINUTE ?? DEFAULT_LIMITS.failedJoinsPerMinute,
    failedJoinBlockMs: env.FAILED_JOIN_BLOCK_SECONDS !== undefined ? env.FAILED_JOIN_BLOCK_SECONDS * 1000 : DEFAULT_LIMITS.failedJoinBlockMs,
    sessionsPerIpPerHour: env.SESSIONS_PER_IP_PER_HOUR ?? DEFAULT_LIMITS.sessionsPerIpPerHour,
    templatesPerIpPerHour: env.TEMPLATES_PER_IP_PER_HOUR ?? DEFAULT_LIMITS.templatesPerIpPerHour,
    abuseStrikes: env.ABUSE_STRIKES ?? DEFAULT_LIMITS.abuseStrikes,
  };
}

/**
 * The shared write queue with the product's failure handling: while the database is away, playing
 * sessions pause with a reason everyone sees (steps are broadcast only once stored, so nothing may pile
 * up; see server/sessions/availability.ts); a write the database refuses stops only its own session.
 */
export function createWriteQueue(flush: FlushFn, prisma: PrismaClient, sessions: () => SessionRegistry): WriteQueue {
  return new WriteQueue(flush, {
    classify: classifyDbError,
    probe: probeDatabase(prisma),
    onError: (err) => log.warn(`database write failed, retrying: ${describeDbError(err)}`),
    onAvailability: (available) => {
      if (available) log.info("the database is back; queued writes are stored");
      else log.error("the database is unavailable; playing sessions pause, writes wait in memory");
      for (const s of sessions().all()) {
        if (available) s.availability.back();
        else s.availability.lost();
      }
    },
    onRefused: (sessionId, op, err) => {
      log.error({ sessionId, op: op.kind }, `the database refused a ${op.kind} write; that session stops: ${describeDbError(err)}`);
      if (sessionId) sessions().loaded(sessionId)?.availability.refuse();
    },
  });
}

/**
 * Plugs the training sessions into the app, whatever the topology (one process, or a node of a cluster
 * when REDIS_URL is set): the JSON API before Next, the socket handlers, taking the sessions this node
 * runs before the port opens, and a flush of everything at shutdown.
 */
export function attachLiveSessions(app: App, env: Env): LiveService {
  const limits = limitsFromEnv(env);
  const prisma = app.db.prisma;
  const topology = env.REDIS_URL !== undefined ? clusterTopology(app, env, env.REDIS_URL, () => registry) : singleProcessTopology(createFlush(prisma, app.db.runScript));
  const queue = createWriteQueue(app.metrics.timeFlush(topology.flush), prisma, () => registry);
  const registry: SessionRegistry = new SessionRegistry({
    prisma,
    queue,
    limits,
    roomFor: (id) => topology.fence(socketRoom(app.io, id, (role) => registry.loaded(id)?.snapshot(role)), id),
    claim: topology.claim,
  });
  app.metrics.watch({ sessionsLive: () => registry.liveCount, writeQueueDepth: () => queue.size });
  const forkLimits = forkLimitsFromEnv(env);
  const budgets = budgetsFor(limits, forkLimits);
  const tokens = new ParticipantTokens(loadParticipantSecret({ fromEnv: env.PARTICIPANT_TOKEN_SECRET, dataDir: env.DATA_DIR }));
  const teaching = new TeachingService({ registry, prisma, roomFor: (id) => topology.fence(socketRoom(app.io, id), id), forkLimits, tokens, budgets });
  const owner = new SessionOwner(app.io, { registry, prisma, limits, teaching, holds: topology.holds, release: topology.release });
  const router = new OwnerRouter(owner, topology.transport, { registry, prisma });
  const ctx = { registry, owner, queue, limits };
  app.hooks.onRequest.push(createApiHandler({ registry, router, prisma, limits, publicUrl: env.PUBLIC_URL ?? null, budgets, tokens }));
  app.hooks.onSocketServer.push(async (io) => {
    await topology.connect(io);
    limitConnectionsPerIp(io, limits.maxConnectionsPerIp);
    // Per-address budgets shared by every node of a cluster (atomic in Redis).
    topology.shareBudgets?.(budgets);
    guardSockets(io, limits, tokens);
    registerSessionHandlers(io, { router, limits, budgets, tokens });
    await topology.start(ctx);
    teaching.start();
  });
  app.hooks.onShutdown.push(async () => {
    teaching.stop();
    await topology.stop(ctx);
  });
  return { registry, queue, limits, teaching, router };
}
