import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { AppError, ErrorCode } from "@/lib/errors";
import { addressKey } from "./address-key";
import { MemoryForkSlots, RedisForkSlots, type ForkSlotStore } from "./fork-slots";

/** What the per-address budgets allow; every number comes from the environment (server/env.ts). */
export interface BudgetLimits {
  /** Sessions (plain, preset, template or fork) one address may create per hour. */
  sessionsPerIpPerHour: number;
  /** Live forks one address may hold at once. */
  forksPerIp: number;
  /** A fork slot is given back after this long even if its end was never seen (a crashed node). */
  forkSlotMs: number;
  /** Failed joins one address may make per minute … */
  failedJoinsPerMinute: number;
  /** … before every join from it is refused for this long. */
  failedJoinBlockMs: number;
  /** Templates one address may store per hour. */
  templatesPerIpPerHour: number;
}

/**
 * The per-address budgets, kept by rate-limiter-flexible: in memory in one process, in Redis (shared by
 * every node, atomic) once `useRedis` is called in cluster mode. Addresses are grouped by `addressKey`
 * (IPv6 by /64). Live forks are not a rate but slots held by forks (server/security/fork-slots.ts),
 * in the same store: whichever node a fork ends on gives its slot back.
 */
export class Budgets {
  private creations!: RateLimiterAbstract;
  private forkSlots: ForkSlotStore = new MemoryForkSlots();
  private failedJoins!: RateLimiterAbstract;
  private templates!: RateLimiterAbstract;

  constructor(readonly limits: BudgetLimits, private readonly prefix = "bpl") {
    this.build((opts) => new RateLimiterMemory(opts));
  }

  /** Cluster mode: moves every budget to Redis (memory stands in while Redis is not ready). */
  useRedis(redis: Redis, prefix: string): void {
    this.build((opts) => new RateLimiterRedis({ ...opts, keyPrefix: `${prefix}:${opts.keyPrefix}`, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: new RateLimiterMemory(opts) }));
    this.forkSlots = new RedisForkSlots(redis, `${prefix}:${this.prefix}:fork`);
  }

  /** Takes one session creation for `ip`; throws RATE_LIMITED (with `retryAfterS`) when the hour's budget is spent. */
  async takeCreation(ip: string | undefined): Promise<void> {
    try {
      await this.creations.consume(addressKey(ip));
    } catch (res) {
      throw overBudget(res, `too many sessions created from your address (at most ${this.limits.sessionsPerIpPerHour} per hour)`);
    }
  }

  /** Takes one template for `ip`; throws RATE_LIMITED when the hour's budget is spent. */
  async takeTemplate(ip: string | undefined): Promise<void> {
    try {
      await this.templates.consume(addressKey(ip));
    } catch (res) {
      throw overBudget(res, `too many templates stored from your address (at most ${this.limits.templatesPerIpPerHour} per hour)`);
    }
  }

  /**
   * Reserves one live-fork slot for `ip`, atomically (30 concurrent forks get exactly `forksPerIp`
   * slots), and returns the reservation's holder id; throws LIMIT_REACHED when none is left. The
   * reservation becomes the fork's slot with `claimFork`, or is given back with `releaseFork`.
   */
  async reserveFork(ip: string | undefined): Promise<string> {
    const holder = `reservation:${randomUUID()}`;
    if (!(await this.forkSlots.take(addressKey(ip), holder, this.limits.forksPerIp, this.limits.forkSlotMs).catch(slotsUnreachable))) {
      throw new AppError(ErrorCode.LIMIT_REACHED, `your network already has ${this.limits.forksPerIp} live forks on this server (the limit is ${this.limits.forksPerIp}); end one first`);
    }
    return holder;
  }

  /** Makes the reservation `holder` the slot of the fork `forkId`: from now on whichever node ends the fork gives it back. */
  async claimFork(ip: string | undefined, holder: string, forkId: string): Promise<void> {
    await this.forkSlots.hand(addressKey(ip), holder, forkId, this.limits.forkSlotMs);
  }

  /** Gives back the slot of a fork (its session id) or of a reservation; a no-op if it holds none. */
  async releaseFork(holder: string): Promise<void> {
    await this.forkSlots.give(holder).catch(() => undefined);
  }

  /** The session ids of the forks holding `ip`'s slots (reservations of forks being created left out). */
  async forksOf(ip: string | undefined): Promise<string[]> {
    return (await this.forkSlots.holders(addressKey(ip)).catch(slotsUnreachable)).filter((h) => !h.startsWith("reservation:"));
  }

  /** Milliseconds before `ip` may join again (0: it may). */
  async joinBlockedFor(ip: string | undefined): Promise<number> {
    const res = await this.failedJoins.get(addressKey(ip)).catch(() => null);
    return res && res.consumedPoints >= this.limits.failedJoinsPerMinute ? res.msBeforeNext : 0;
  }

  /** Records one failed join (unknown code, wrong key); the address is blocked once it reaches the limit. */
  async failJoin(ip: string | undefined): Promise<void> {
    const key = addressKey(ip);
    const res = await this.failedJoins.penalty(key).catch(() => null);
    if (res && res.consumedPoints >= this.limits.failedJoinsPerMinute) await this.failedJoins.block(key, Math.ceil(this.limits.failedJoinBlockMs / 1000)).catch(() => undefined);
  }

  private build(make: (opts: { keyPrefix: string; points: number; duration: number }) => RateLimiterAbstract): void {
    const l = this.limits;
    this.creations = make({ keyPrefix: `${this.prefix}:create`, points: l.sessionsPerIpPerHour, duration: 3600 });
    this.templates = make({ keyPrefix: `${this.prefix}:template`, points: l.templatesPerIpPerHour, duration: 3600 });
    this.failedJoins = make({ keyPrefix: `${this.prefix}:failjoin`, points: l.failedJoinsPerMinute, duration: 60 });
  }
}

/** RATE_LIMITED with the wait in the message and on the error (routes send it as Retry-After). */
function overBudget(res: unknown, what: string): Error {
  if (!(res instanceof RateLimiterRes)) return res as Error;
  const seconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return Object.assign(new AppError(ErrorCode.RATE_LIMITED, `${what}; try again in ${seconds} s`), { retryAfterS: seconds });
}

/** The shared slot store (Redis) did not answer: no fork is made without its slot being counted. */
function slotsUnreachable(err: unknown): never {
  throw Object.assign(new AppError(ErrorCode.UNAVAILABLE, "fork limits cannot be checked right now; try again shortly"), { cause: err });
}
