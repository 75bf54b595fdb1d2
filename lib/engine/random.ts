/**
 * Seeded randomness. The engine never calls Math.random: every random choice comes from one of these
 * generators, so the same seed gives the same numbers on every run.
 */

/** mulberry32 (Tommy Ettinger): a 32-bit state PRNG, allocation-free, reseedable in place. */
export class Mulberry32 {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Restarts the stream from `seed` without allocating. */
  reseed(seed: number): void {
    this.state = seed >>> 0;
  }

  /** Next uniform float in [0, 1), with 32 bits of randomness. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Standard normal sample by Box–Muller (one of the pair; the other is discarded for simplicity). */
  gaussian(): number {
    const u1 = 1 - this.next(); // (0, 1]: log never sees 0
    const u2 = this.next();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/** Combines two integers into a well-mixed 32-bit seed (murmur3 finaliser), for per-epoch streams. */
export function mixSeed(a: number, b: number): number {
  let h = (Math.imul(a >>> 0, 0x9e3779b1) ^ (b >>> 0)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Fisher–Yates shuffle of `order` in place with `rand`. */
export function shuffleInPlace(order: Int32Array | number[], rand: Mulberry32): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = rand.int(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}
