import type { PrismaClient } from "../generated/prisma/client";
import { claimLease, releaseLeases, renewLeases, type HeldLease } from "../data/leases";
import { describeError } from "../describe-error";
import { log } from "../log";

/** A lease lasts this long in the database unless renewed. */
export const LEASE_TTL_MS = 3_000;
/**
 * Leases are renewed this often: a renewal answered more than 2 s late (a stalled event loop on a busy
 * machine) is needed before the lease lapses locally.
 */
export const LEASE_RENEW_MS = 500;
/**
 * The holder stops this long before the database would let another node take over, so that the two
 * never both broadcast; counted from when the renewal was *sent*, so a slow answer only shortens it.
 */
const LEASE_MARGIN_MS = 500;

interface Held {
  epoch: number;
  /** performance.now() after which this node must consider the lease lost. */
  validUntil: number;
}

/**
 * The ownership leases of this node: one per session whose engine it runs. Renews them every
 * LEASE_RENEW_MS; a lease that could not be renewed in time (database unreachable, or another node
 * took it) is dropped locally and reported through `onLost`, before any other node can claim it.
 */
export class LeaseKeeper {
  private readonly held = new Map<string, Held>();
  private renewTimer: NodeJS.Timeout | null = null;
  private expiryTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly prisma: PrismaClient,
    /** This process's id in the cluster. */
    readonly ownerId: string,
    private readonly onLost: (sessionId: string) => void,
  ) {}

  /** Starts renewing. */
  start(): void {
    this.renewTimer = setInterval(() => void this.renew(), LEASE_RENEW_MS);
    this.expiryTimer = setInterval(() => this.expire(), 100);
  }

  /** True while this node may run (write and broadcast) the session. */
  holds(sessionId: string): boolean {
    const h = this.held.get(sessionId);
    return h !== undefined && performance.now() < h.validUntil;
  }

  /** The epoch of a lease held now, or undefined. */
  epochOf(sessionId: string): number | undefined {
    return this.holds(sessionId) ? this.held.get(sessionId)!.epoch : undefined;
  }

  /** Every lease held now. */
  leases(): HeldLease[] {
    return [...this.held].filter(([id]) => this.holds(id)).map(([sessionId, h]) => ({ sessionId, epoch: h.epoch }));
  }

  /** Tries to take a session's lease; true if this node now holds it. */
  async claim(sessionId: string): Promise<boolean> {
    if (this.stopped) return false;
    const sentAt = performance.now();
    const epoch = await claimLease(this.prisma, sessionId, this.ownerId, LEASE_TTL_MS);
    if (epoch === null) return false;
    this.held.set(sessionId, { epoch, validUntil: sentAt + LEASE_TTL_MS - LEASE_MARGIN_MS });
    return true;
  }

  /** Forgets a lease locally (the session is no longer run here). */
  drop(sessionId: string): void {
    if (this.held.delete(sessionId)) this.onLost(sessionId);
  }

  /** Gives one lease up (the session ended: nobody needs to run it any more). */
  async release(sessionId: string): Promise<void> {
    const h = this.held.get(sessionId);
    if (!h) return;
    this.held.delete(sessionId);
    await releaseLeases(this.prisma, this.ownerId, [{ sessionId, epoch: h.epoch }]);
  }

  /** Asks the database which leases are still ours (after a write was refused); drops the others. */
  async verify(): Promise<void> {
    await this.renew();
  }

  /** Stops renewing and gives every lease up so that other nodes take the sessions at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.renewTimer) clearInterval(this.renewTimer);
    if (this.expiryTimer) clearInterval(this.expiryTimer);
    const leases = this.leases();
    this.held.clear();
    await releaseLeases(this.prisma, this.ownerId, leases).catch((err) => log.error({ node: this.ownerId }, `could not release session leases: ${describeError(err)}`));
  }

  private async renew(): Promise<void> {
    const leases = this.leases();
    if (leases.length === 0 || this.stopped) return;
    const sentAt = performance.now();
    let renewed: Set<string>;
    try {
      renewed = await renewLeases(this.prisma, this.ownerId, leases, LEASE_TTL_MS);
    } catch (err) {
      log.error({ node: this.ownerId }, `could not renew session leases: ${describeError(err)}`);
      return; // they lapse locally at validUntil
    }
    for (const { sessionId, epoch } of leases) {
      const h = this.held.get(sessionId);
      if (!h || h.epoch !== epoch) continue;
      if (renewed.has(sessionId)) h.validUntil = Math.max(h.validUntil, sentAt + LEASE_TTL_MS - LEASE_MARGIN_MS);
      else this.drop(sessionId);
    }
  }

  private expire(): void {
    const now = performance.now();
    for (const [id, h] of this.held) if (now >= h.validUntil) this.drop(id);
  }
}
