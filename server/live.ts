import type { App } from "./app";
import { classifyDbError, describeDbError, probeDatabase } from "./data/db-errors";
import { attachCluster } from "./cluster";
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
import type { FlushFn } from "./sessions/write-ops";
import { DEFAULT_FORK_LIMITS, type ForkLimits } from "./teaching/forks";
import { TeachingService } from "./teaching/service";
import { log } from "./log";

/** The live-session service attached to an app. */
export interface LiveService {
  registry: SessionRegistry;
  queue: WriteQueue;
  limits: Limits;
  /** Polls, forks, presets and own data (single-process mode only, for now). */
  teaching?: TeachingService;
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
 * up; see LiveSession.databaseLost); a write the database refuses stops only its own session.
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
        if (available) s.databaseBack();
        else s.databaseLost();
      }
    },
    onRefused: (sessionId, op, err) => {
      log.error({ sessionId, op: op.kind }, `the database refused a ${op.kind} write; that session stops: ${describeDbError(err)}`);
      if (sessionId) sessions().loaded(sessionId)?.writeRefused(err);
    },
  });
}

/**
 * Plugs the training sessions into the app: the JSON API before Next, the socket handlers, recovery
 * of unfinished sessions before the port opens, and a flush of everything at shutdown.
 */
export function attachLiveSessions(app: App, env: Env): LiveService {
  if (env.REDIS_URL !== undefined) return attachCluster(app, env, env.REDIS_URL);
  const limits = limitsFromEnv(env);
  const prisma = app.db.prisma;
  const queue = createWriteQueue(app.metrics.timeFlush(createFlush(prisma, app.db.runScript)), prisma, () => registry);
  const registry: SessionRegistry = new SessionRegistry({ prisma, queue, roomFor: (id) => socketRoom(app.io, id, (role) => registry.loaded(id)?.snapshot(role)), limits });
  app.metrics.watch({ sessionsLive: () => registry.liveCount, writeQueueDepth: () => queue.size });
  const forkLimits = forkLimitsFromEnv(env);
  const budgets = budgetsFor(limits, forkLimits);
  const tokens = new ParticipantTokens(loadParticipantSecret({ fromEnv: env.PARTICIPANT_TOKEN_SECRET, dataDir: env.DATA_DIR }));
  const teaching = new TeachingService({ registry, prisma, roomFor: (id) => socketRoom(app.io, id), forkLimits, tokens, budgets });
  app.hooks.onRequest.push(createApiHandler({ registry, prisma, limits, publicUrl: env.PUBLIC_URL ?? null, teaching, budgets, tokens }));
  app.hooks.onSocketServer.push(async (io) => {
    limitConnectionsPerIp(io, limits.maxConnectionsPerIp);
    guardSockets(io, limits, tokens);
    registerSessionHandlers(io, { registry, prisma, queue, limits, budgets, teaching });
    const recovered = await registry.recoverAll();
    await teaching.start();
    if (recovered > 0) log.info({ recovered }, "recovered unfinished sessions, paused at their last stored step");
  });
  app.hooks.onShutdown.push(async () => {
    teaching.stop();
    await registry.shutdown();
    await queue.close();
  });
  return { registry, queue, limits, teaching };
}
