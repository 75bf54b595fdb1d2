import type { Redis } from "ioredis";

/**
 * Live-fork slots per address: which forks (or reservations of forks being created) hold one, each
 * until it is given back or its time runs out (a node that crashed never gives back its slots). A
 * slot belongs to a holder id, so the node on which a fork ends gives its slot back, whichever node
 * created it: in cluster mode the slots live in Redis, shared by every node.
 */
export interface ForkSlotStore {
  /** Takes a slot of `key` for `holder` for `ttlMs`, atomically, if fewer than `limit` are held; true if taken. */
  take(key: string, holder: string, limit: number, ttlMs: number): Promise<boolean>;
  /** Hands `from`'s slot of `key` to `to` (a reservation becomes the fork it created). */
  hand(key: string, from: string, to: string, ttlMs: number): Promise<void>;
  /** Gives back the slot `holder` has, whatever its key. */
  give(holder: string): Promise<void>;
  /** Holders of `key`'s slots. */
  holders(key: string): Promise<string[]>;
}

/** The slots of one process. */
export class MemoryForkSlots implements ForkSlotStore {
  private readonly slots = new Map<string, Map<string, number>>();
  private readonly keyOf = new Map<string, string>();

  constructor(private readonly now: () => number = Date.now) {}

  async take(key: string, holder: string, limit: number, ttlMs: number): Promise<boolean> {
    const held = this.live(key);
    if (held.size >= limit) return false;
    held.set(holder, this.now() + ttlMs);
    this.slots.set(key, held);
    this.keyOf.set(holder, key);
    return true;
  }

  async hand(key: string, from: string, to: string, ttlMs: number): Promise<void> {
    const held = this.live(key);
    if (!held.delete(from)) return;
    this.keyOf.delete(from);
    held.set(to, this.now() + ttlMs);
    this.slots.set(key, held);
    this.keyOf.set(to, key);
  }

  async give(holder: string): Promise<void> {
    const key = this.keyOf.get(holder);
    this.keyOf.delete(holder);
    if (key === undefined) return;
    const held = this.slots.get(key);
    held?.delete(holder);
    if (held?.size === 0) this.slots.delete(key);
  }

  async holders(key: string): Promise<string[]> {
    return [...this.live(key).keys()];
  }

  /** `key`'s slots whose time has not run out (the others are dropped). */
  private live(key: string): Map<string, number> {
    const held = this.slots.get(key) ?? new Map<string, number>();
    const now = this.now();
    for (const [holder, until] of held) {
      if (until > now) continue;
      held.delete(holder);
      this.keyOf.delete(holder);
    }
    return held;
  }
}

// A sorted set per address (holder → expiry, Redis's own clock, so every node agrees) and a key per
// holder naming its address (so any node can give a slot back knowing only the fork's id).
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[3])
return 1`;
const HAND = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('DEL', KEYS[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('SET', KEYS[3], ARGV[4], 'PX', ARGV[3])
return 1`;
const GIVE = `
local key = redis.call('GET', KEYS[1])
redis.call('DEL', KEYS[1])
if key then redis.call('ZREM', ARGV[2] .. key, ARGV[1]) end
return 1`;

/** The slots of every node of a cluster, in Redis (each change one atomic script). */
export class RedisForkSlots implements ForkSlotStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private set(key: string): string {
    return `${this.prefix}:slots:${key}`;
  }

  private holder(holder: string): string {
    return `${this.prefix}:holder:${holder}`;
  }

  async take(key: string, holder: string, limit: number, ttlMs: number): Promise<boolean> {
    return (await this.redis.eval(TAKE, 2, this.set(key), this.holder(holder), holder, limit, ttlMs, key)) === 1;
  }

  async hand(key: string, from: string, to: string, ttlMs: number): Promise<void> {
    await this.redis.eval(HAND, 3, this.set(key), this.holder(from), this.holder(to), from, to, ttlMs, key);
  }

  async give(holder: string): Promise<void> {
    await this.redis.eval(GIVE, 1, this.holder(holder), holder, `${this.prefix}:slots:`);
  }

  async holders(key: string): Promise<string[]> {
    const [seconds, micros] = await this.redis.time();
    return this.redis.zrangebyscore(this.set(key), Number(seconds) * 1000 + Math.floor(Number(micros) / 1000), "+inf");
  }
}
