/** Seeded generators of hostile payloads for the fuzz tests: the same seed gives the same attack. */

/** mulberry32: a 32-bit seeded PRNG giving floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded source with the picks the generators need. */
export class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** One element of a list. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

/** What the generators may mix in to get past the first checks: real codes, ids and keys. */
export interface FuzzContext {
  joinCodes: string[];
  sessionIds: string[];
}

/** Every key a handler reads, plus prototype-pollution keys. */
const KEYS = [
  "action", "joinCode", "sessionId", "name", "instructorKey", "lastStep", "step", "count", "stepsPerSecond", "seed",
  "learningRate", "batchSize", "regularization", "epochs", "title", "layers", "activation", "dataset",
  "kind", "param", "pollId", "answer", "presetId", "points", "testRatio", "participantToken", "templateId", "preset",
  "__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf", "then", "_placeholder", "num",
] as const;
const ACTIONS = ["play", "pause", "step", "phase", "reset", "set", "fastForward", "end", "preset", "data", "PLAY", "", "__proto__", "toString"] as const;
const STRINGS = [
  "", " ", "\u0000", "\uffff", "\ud800", "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "%00", "null",
  "NaN", "Infinity", "1e309", "-1", "0x10", "🧠🔥", "AAAAAA", "ZZZZZZ", "a".repeat(41), "x".repeat(5_000),
] as const;
const NUMBERS = [0, -0, 1, -1, 0.5, 2 ** 31, 2 ** 32, 2 ** 53 + 2, -(2 ** 53), 1e308, -1e308, 5e-324, NaN, Infinity, -Infinity, 60, 61, 1000, 1001, 10_000, 10_001] as const;

/** A random string, sometimes a real join code or id so validation passes and deeper code runs. */
function randomString(rng: Rng, ctx: FuzzContext): string {
  const roll = rng.next();
  if (roll < 0.15 && ctx.joinCodes.length > 0) return rng.pick(ctx.joinCodes);
  if (roll < 0.22 && ctx.sessionIds.length > 0) return rng.pick(ctx.sessionIds);
  if (roll < 0.55) return rng.pick(STRINGS);
  const length = rng.int(0, 12);
  let s = "";
  for (let i = 0; i < length; i++) s += String.fromCharCode(rng.int(0, 0xffff));
  return s;
}

/** A random JSON-ish value with at most `depth` levels of nesting. */
export function randomValue(rng: Rng, ctx: FuzzContext, depth = 3): unknown {
  const roll = rng.next();
  if (roll < 0.25) return rng.pick(NUMBERS);
  if (roll < 0.5) return randomString(rng, ctx);
  if (roll < 0.58) return rng.pick([true, false, null, undefined, rng.int(-5, 5)]);
  if (depth <= 0) return rng.int(-3, 3);
  if (roll < 0.7) return Array.from({ length: rng.int(0, 4) }, () => randomValue(rng, ctx, depth - 1));
  return randomObject(rng, ctx, depth - 1);
}

/** A random object over the handlers' keys; `__proto__` and friends become own properties. */
export function randomObject(rng: Rng, ctx: FuzzContext, depth = 2): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  const n = rng.int(0, 5);
  for (let i = 0; i < n; i++) {
    const key = rng.pick(KEYS);
    const value = key === "action" && rng.chance(0.8) ? rng.pick(ACTIONS) : randomValue(rng, ctx, depth);
    Object.defineProperty(obj, key, { value, enumerable: true, configurable: true, writable: true });
  }
  return obj;
}

/** `depth` levels of arrays or objects around a value, built without recursion. */
export function deeplyNested(rng: Rng, depth: number): unknown {
  let v: unknown = rng.pick(["x", 1, null]);
  const arrays = rng.chance(0.5);
  for (let i = 0; i < depth; i++) v = arrays ? [v] : { joinCode: v };
  return v;
}

/** A payload close to a valid one for `event`, so joins succeed and the deeper handlers run. */
function nearValidPayload(rng: Rng, ctx: FuzzContext, event: string): unknown {
  const extra = rng.chance(0.2) ? randomObject(rng, ctx, 1) : {};
  const number = () => (rng.chance(0.7) ? rng.int(0, 40) : rng.pick(NUMBERS));
  switch (event) {
    case "session:join":
      return rng.chance(0.8)
        ? { joinCode: rng.pick(ctx.joinCodes), name: `fuzzer ${rng.int(0, 999)}`, ...(rng.chance(0.2) ? { lastStep: number() } : {}) }
        : { sessionId: rng.pick(ctx.sessionIds), name: randomString(rng, ctx), ...extra };
    case "session:control":
      return { action: rng.pick(ACTIONS), ...(rng.chance(0.5) ? { [rng.pick(["count", "stepsPerSecond", "seed", "epochs", "learningRate", "batchSize"])]: number() } : {}), ...extra };
    case "session:trace":
      return rng.chance(0.8) ? { step: number() } : { step: number(), ...extra };
    case "poll:open":
      return rng.chance(0.5) ? { kind: "param-direction", param: rng.pick(["wo1", "w11", "bo", "w9", randomString(rng, ctx)]), ...extra } : { kind: rng.pick(["loss-direction", "guess"]), ...extra };
    case "poll:vote":
      return { pollId: rng.pick([randomString(rng, ctx), "00000000-0000-4000-8000-000000000000"]), answer: rng.pick(["up", "down", "stay", "left"]), ...extra };
    case "poll:reveal":
    case "poll:cancel":
      return { pollId: rng.pick([randomString(rng, ctx), "00000000-0000-4000-8000-000000000000"]), ...extra };
    case "session:fork":
      return rng.chance(0.7) ? {} : { title: randomString(rng, ctx), ...extra };
    default:
      return rng.chance(0.8) ? {} : extra;
  }
}

/** The payload of one hostile message for `event` (not yet the transport). */
export function hostilePayload(rng: Rng, ctx: FuzzContext, event = ""): unknown {
  if (rng.chance(0.25)) return nearValidPayload(rng, ctx, event);
  const roll = rng.next();
  if (roll < 0.55) return randomObject(rng, ctx, 3);
  if (roll < 0.75) return randomValue(rng, ctx, 3);
  if (roll < 0.8) return Array.from({ length: rng.int(1_000, 20_000) }, () => rng.int(0, 9)); // large but under a frame
  if (roll < 0.85) return { name: "x".repeat(rng.int(16_000, 60_000)), joinCode: rng.pick(ctx.joinCodes) }; // above the payload limit
  if (roll < 0.9) return deeplyNested(rng, rng.int(50, 500));
  if (roll < 0.95) return new Uint8Array(rng.int(0, 4_096)).map(() => rng.int(0, 255));
  return { joinCode: rng.pick(ctx.joinCodes), name: "bin", instructorKey: Buffer.from("not a key") };
}
