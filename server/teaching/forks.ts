import { createLayout, nestParams, type EngineConfig } from "@/lib/engine";
import { AppError, ErrorCode } from "@/lib/errors";
import type { ForkCreated } from "@/lib/protocol";
import type { PrismaClient } from "../generated/prisma/client";
import { countLiveForks, listEndedSessions } from "../data/teaching";
import type { LiveSession } from "../sessions/live-session";
import type { SessionRegistry } from "../sessions/registry";
import type { Budgets } from "../security/budgets";
import { log } from "../log";

/** Fork limits and cleanup (F3, F4), configurable from the environment. */
export interface ForkLimits {
  /** Live forks one participant may hold per origin. */
  perParticipant: number;
  /** Live forks one IP address may hold (over all origins). */
  perIp: number;
  /** A fork with nobody in it and no control for this long is ended. */
  idleMs: number;
  /** How often the sweeper looks. */
  sweepMs: number;
}

/** The defaults: 3 per participant per origin, 10 per IP, 24 h idle, swept every 5 minutes. */
export const DEFAULT_FORK_LIMITS: ForkLimits = { perParticipant: 3, perIp: 10, idleMs: 24 * 3600_000, sweepMs: 300_000 };

/** Longest session title. */
const MAX_TITLE = 120;

/**
 * Sandbox forks (F1–F4): a new session from another's current θ, dataset and hyperparameters, owned by
 * whoever forked it, limited per participant and per IP, and ended by a sweeper once idle.
 */
export class ForkService {
  private readonly lastActive = new Map<string, number>();
  private readonly ipOf = new Map<string, string>();
  private readonly creating = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: { registry: SessionRegistry; prisma: PrismaClient; limits: ForkLimits; budgets?: Budgets; now?: () => number }) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** `session:fork`: forks `origin` at its last broadcast step for the participant `owner` (hash of their token). */
  async fork(origin: LiveSession, who: { owner: string; name: string; ip: string }, title?: string): Promise<ForkCreated> {
    if (origin.walking) throw new AppError(ErrorCode.CONFLICT, "a step is being walked through phase by phase; fork after it");
    if (origin.busyFastForwarding) throw new AppError(ErrorCode.CONFLICT, "the session is fast-forwarding; fork when it stops");
    const { perParticipant } = this.deps.limits;
    const key = `${origin.id}:${who.owner}`;
    if (this.creating.has(key)) throw new AppError(ErrorCode.CONFLICT, "your previous fork is still being created");
    this.creating.add(key);
    const budgets = this.deps.budgets;
    let reservation: string | null = null;
    try {
      // The per-address slot is reserved before anything is awaited, atomically in the budget store,
      // so concurrent forks cannot all pass a count taken before any of them was stored.
      if (budgets) {
        reservation = await this.reserveForkSlot(budgets, who.ip);
        await budgets.takeCreation(who.ip);
      } else {
        this.checkIpCountInMemory(who.ip);
      }
      const mine = await countLiveForks(this.deps.prisma, origin.id, who.owner);
      if (mine >= perParticipant) throw new AppError(ErrorCode.LIMIT_REACHED, `you already have ${mine} live forks of this session (the limit is ${perParticipant}); end one first`);
      const snap = origin.snapshot("student");
      const config: EngineConfig = {
        ...origin.config,
        params: nestParams(createLayout(origin.config.layers), snap.params),
        learningRate: snap.hyper.learningRate,
        batchSize: snap.hyper.batchSize,
        regularization: { ...snap.hyper.regularization },
      };
      const name = title ?? `${origin.title} (fork by ${who.name}, step ${snap.step})`;
      const created = await this.deps.registry.create(
        name.slice(0, MAX_TITLE),
        config,
        { parentId: origin.id, forkedAtStep: snap.step, forkOwner: who.owner, presetId: origin.teaching.preset?.id },
        { origin: { sessionId: origin.id, step: snap.step }, preset: origin.teaching.preset, templateId: null },
      );
      this.ipOf.set(created.id, who.ip);
      this.lastActive.set(created.id, this.now());
      if (budgets && reservation) await budgets.claimFork(who.ip, reservation, created.id).catch((err) => log.warn({ err, sessionId: created.id }, "fork slot could not be handed to the fork; it runs out with its window"));
      reservation = null;
      return { sessionId: created.id, joinCode: created.joinCode, instructorKey: created.instructorKey, forkedAtStep: snap.step };
    } finally {
      this.creating.delete(key);
      if (reservation) await budgets!.releaseFork(reservation);
    }
  }

  /**
   * Takes a live-fork slot of `ip` (its reservation id); when none is left, first gives back the slots
   * of its forks that have ended, on whichever node (their stored state says so), then tries once more.
   */
  private async reserveForkSlot(budgets: Budgets, ip: string): Promise<string> {
    try {
      return await budgets.reserveFork(ip);
    } catch (err) {
      const ended = await listEndedSessions(this.deps.prisma, await budgets.forksOf(ip));
      if (ended.length === 0) throw err;
      for (const id of ended) await budgets.releaseFork(id);
      return budgets.reserveFork(ip);
    }
  }

  /** Without a budget store (unit tests): counts this process's live forks of `ip`. */
  private checkIpCountInMemory(ip: string): void {
    const { perIp } = this.deps.limits;
    const byIp = [...this.ipOf.entries()].filter(([id, owner]) => {
      const fork = this.deps.registry.loaded(id);
      return owner === ip && fork !== undefined && fork.state !== "finished";
    }).length;
    if (byIp >= perIp) throw new AppError(ErrorCode.LIMIT_REACHED, `your network already has ${byIp} live forks on this server (the limit is ${perIp}); end one first`);
  }

  /** Notes activity on a session (a control, a join). */
  touch(session: LiveSession): void {
    if (session.teaching.origin) this.lastActive.set(session.id, this.now());
  }

  /** Ends every fork idle for longer than the limit (F4); resolves with how many it ended. */
  async sweep(): Promise<number> {
    const now = this.now();
    let ended = 0;
    for (const s of this.deps.registry.all()) {
      if (!s.teaching.origin) continue;
      if (s.state === "finished") {
        this.lastActive.delete(s.id);
        this.release(s.id);
        continue;
      }
      if (s.participants.size > 0 || !this.lastActive.has(s.id)) {
        // Recovered forks start their idle clock at the restart.
        this.lastActive.set(s.id, now);
        continue;
      }
      if (now - this.lastActive.get(s.id)! < this.deps.limits.idleMs) continue;
      try {
        await s.control({ action: "end" });
        this.deps.registry.unloadIfIdle(s);
        this.lastActive.delete(s.id);
        this.release(s.id);
        ended++;
      } catch (err) {
        log.error({ err, sessionId: s.id }, "idle fork could not be ended");
      }
    }
    return ended;
  }

  /** Forgets a fork's owner address and gives its slot back (in the shared store: wherever the fork was created). */
  private release(id: string): void {
    this.ipOf.delete(id);
    void this.deps.budgets?.releaseFork(id);
  }

  /** Starts the periodic sweeper. */
  start(): void {
    this.timer ??= setInterval(() => void this.sweep(), this.deps.limits.sweepMs);
    this.timer.unref();
  }

  /** Stops the sweeper. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
