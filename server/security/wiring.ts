import type { Server } from "socket.io";
import type { Limits } from "../realtime/limits";
import type { ForkLimits } from "../teaching/forks";
import { Budgets } from "./budgets";
import { guardInbound } from "./inbound-guard";
import { guardParticipantTokens } from "./join-guard";
import { guardOutbound } from "./outbound-guard";
import type { ParticipantTokens } from "./participant-tokens";

/** The per-address budgets of this server's limits (memory store; `useRedis` moves them to Redis in cluster mode). */
export function budgetsFor(limits: Limits, forks: Pick<ForkLimits, "perIp" | "idleMs">): Budgets {
  return new Budgets({
    sessionsPerIpPerHour: limits.sessionsPerIpPerHour,
    templatesPerIpPerHour: limits.templatesPerIpPerHour,
    forksPerIp: forks.perIp,
    forkSlotMs: forks.idleMs,
    failedJoinsPerMinute: limits.failedJoinsPerMinute,
    failedJoinBlockMs: limits.failedJoinBlockMs,
  });
}

/** The socket-level guards, on every connection before any handler: inbound rate limit, outbound backlog cap, server-issued tokens. */
export function guardSockets(io: Server, limits: Pick<Limits, "controlsPerSecond" | "abuseStrikes">, tokens?: ParticipantTokens): void {
  guardInbound(io, { perSecond: limits.controlsPerSecond, abuseStrikes: limits.abuseStrikes });
  guardOutbound(io);
  if (tokens) guardParticipantTokens(io, tokens);
}
