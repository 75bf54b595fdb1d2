/** Most addresses remembered; beyond it the least recently seen are forgotten (they start afresh). */
const MAX_TRACKED_ADDRESSES = 100_000;

/**
 * Sessions one IP address may create: a token bucket of `perHour` tokens refilled evenly over the
 * hour, so an address can create `perHour` sessions at once and then one every 3600/perHour s. Without
 * it one address could take every live-session slot of the process (MAX_LIVE_SESSIONS).
 */
export class CreationBudget {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perMs: number;

  constructor(
    private readonly perHour: number,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.perMs = perHour / 3_600_000;
  }

  /** Takes one creation for `ip`; returns 0 if allowed, else the milliseconds until one is. */
  take(ip: string): number {
    const t = this.now();
    const b = this.buckets.get(ip);
    const tokens = b ? Math.min(this.perHour, b.tokens + (t - b.at) * this.perMs) : this.perHour;
    this.buckets.delete(ip); // re-inserted below: Map order stays least-recently-seen first
    if (tokens < 1) {
      this.buckets.set(ip, { tokens, at: t });
      return Math.ceil((1 - tokens) / this.perMs);
    }
    this.buckets.set(ip, { tokens: tokens - 1, at: t });
    if (this.buckets.size > MAX_TRACKED_ADDRESSES) this.buckets.delete(this.buckets.keys().next().value!);
    return 0;
  }
}
