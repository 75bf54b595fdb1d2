import type { Redis } from "ioredis";
import type { Server } from "socket.io";
import { encodeStepFrame } from "@/lib/protocol";
import { parseEngineConfig } from "@/lib/schemas";
import type { PrismaClient } from "../generated/prisma/client";
import { loadSessionRecord } from "../data/history";
import { lastPlayRate, listClaimableSessionIds } from "../data/leases";
import { describeError } from "../describe-error";
import { sessionRoom } from "../realtime/socket-room";
import { rebuildAt } from "../sessions/rebuild";
import type { SessionRegistry } from "../sessions/registry";
import { StepSource } from "../sessions/step-source";
import { lastDeliveredStep } from "./delivered";
import type { LeaseKeeper } from "./lease-keeper";
import type { SessionOwner } from "../owner/session-owner";
import { STREAM_MAX_LEN } from "./redis";
import { log } from "../log";

/** Durable steps the room never saw are re-sent one by one up to this many; beyond, a snapshot. */
const MAX_REPLAYED_STEPS = 600;
/** Expired leases are looked for this often (a dead node's sessions move within TTL + this). */
export const SCAN_INTERVAL_MS = 1_000;
/** Sessions looked at per scan. */
const SCAN_BATCH = 20;

/**
 * Runs every unfinished session that no live node runs: every SCAN_INTERVAL_MS it claims the sessions
 * whose lease has expired (their owner died) or that have none, then adopts each: sends the room the
 * durable steps it never received, rebuilds the session from the database (checkpoint + control log,
 * deterministic replay), takes over its roster, and keeps it playing if it was.
 */
export class Takeover {
  private timer: NodeJS.Timeout | null = null;
  private scanning: Promise<void> | null = null;

  constructor(
    private readonly deps: {
      io: Server;
      prisma: PrismaClient;
      registry: SessionRegistry;
      leases: LeaseKeeper;
      owner: SessionOwner;
      redis: Redis;
      streamName: string;
      maxLiveSessions: number;
    },
  ) {}

  /** Claims what is claimable now, then keeps scanning. */
  async start(): Promise<number> {
    const adopted = await this.scan();
    this.timer = setInterval(() => void this.scan(), SCAN_INTERVAL_MS);
    return adopted;
  }

  /** Stops scanning (waits for a scan in progress). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.scanning;
  }

  private async scan(): Promise<number> {
    if (this.scanning) return 0;
    let adopted = 0;
    this.scanning = (async () => {
      const ids = await listClaimableSessionIds(this.deps.prisma, SCAN_BATCH);
      for (const id of ids) {
        if (this.deps.registry.liveCount >= this.deps.maxLiveSessions) break;
        if (this.deps.registry.loaded(id) && this.deps.leases.holds(id)) continue;
        if (!(await this.deps.leases.claim(id))) continue; // another node was faster
        try {
          await this.adopt(id);
          adopted++;
        } catch (err) {
          log.error({ sessionId: id }, `could not take over the session: ${describeError(err)}`);
          this.deps.leases.drop(id);
        }
      }
    })()
      .catch((err) => log.error(`session takeover scan failed: ${describeError(err)}`))
      .finally(() => (this.scanning = null));
    await this.scanning;
    return adopted;
  }

  private async adopt(id: string): Promise<void> {
    const { registry, owner } = this.deps;
    await registry.evict(id); // a stale copy from an earlier lease, if any
    const record = await loadSessionRecord(this.deps.prisma, id);
    if (!record) return;
    const resent = await this.resendUndelivered(id, record.step);
    const session = await owner.adopt(id, () => registry.get(id));
    if (!session) return;
    log.info({ sessionId: id, step: record.step, state: record.state, resent }, "took over the session at its durable step");
    if (resent === null) this.deps.io.to(sessionRoom(id)).emit("session:snapshot", session.snapshot("student"));
    if (record.state === "playing") {
      await session.control({ action: "play", stepsPerSecond: (await lastPlayRate(this.deps.prisma, id)) ?? session.stepsPerSecond });
    }
  }

  /**
   * The old owner stores a step before broadcasting it, and may die in between: the room has then
   * seen fewer steps than are durable. Recomputes the missing ones (bit-identical) and broadcasts them,
   * so that every student sees each step exactly once. Returns how many, or null if that could not be
   * done (the room gets a snapshot instead).
   */
  private async resendUndelivered(id: string, durable: number): Promise<number | null> {
    const seen = await lastDeliveredStep(this.deps.redis, this.deps.streamName, sessionRoom(id), STREAM_MAX_LEN).catch(() => null);
    if (seen === null || seen > durable || durable - seen > MAX_REPLAYED_STEPS) return null;
    if (seen === durable) return 0;
    const record = await loadSessionRecord(this.deps.prisma, id, seen);
    if (!record) return null;
    const { trainer, pending } = rebuildAt(parseEngineConfig(record.config), record, seen);
    const source = new StepSource(trainer);
    for (const p of pending) source.schedule(p);
    while (trainer.step < durable) {
      const info = source.next();
      if (!info) return null;
      info.sentAt = Date.now();
      this.deps.io.to(sessionRoom(id)).emit("session:step", encodeStepFrame(info));
    }
    return durable - seen;
  }
}
