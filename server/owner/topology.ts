import type { Server } from "socket.io";
import { log } from "../log";
import type { Limits } from "../realtime/limits";
import type { Budgets } from "../security/budgets";
import type { RoomPort } from "../realtime/room";
import type { SessionRegistry } from "../sessions/registry";
import type { FlushFn } from "../sessions/write-ops";
import type { WriteQueue } from "../sessions/write-queue";
import { inProcessTransport, type OwnerTransport } from "./router";
import type { SessionOwner } from "./session-owner";

/** What runs once the sockets are wired. */
export interface TopologyContext {
  registry: SessionRegistry;
  owner: SessionOwner;
  queue: WriteQueue;
  limits: Limits;
}

/**
 * What differs between one process and several nodes; everything else (handlers, owner, teaching) is
 * the same code. A single process is a cluster of one: it holds every session, writes without a
 * fence, and has no other node to ask.
 */
export interface Topology {
  /** Stores a batch of write ops (fenced by the lease in a cluster). */
  flush: FlushFn;
  /** True while this node may run the session. */
  holds(sessionId: string): boolean;
  /** Takes ownership of a new session before it is stored (a cluster's lease). */
  claim?: (sessionId: string) => Promise<boolean>;
  /** Gives an ended session up. */
  release(sessionId: string): Promise<void>;
  /** A session's room as this node may use it (silent once another node owns the session). */
  fence(room: RoomPort, sessionId: string): RoomPort;
  /** How requests reach the other nodes. */
  transport: OwnerTransport;
  /** Before the handlers are wired: the Socket.IO adapter. */
  connect(io: Server): Promise<void>;
  /** After `connect`: moves the per-address budgets to a store every node shares (a cluster's Redis). */
  shareBudgets?: (budgets: Budgets) => void;
  /** Takes the sessions this node runs: recovery after a restart, takeover of dead nodes' sessions. */
  start(ctx: TopologyContext): Promise<void>;
  /** Checkpoints what this node runs and lets go of it (shutdown). */
  stop(ctx: TopologyContext): Promise<void>;
}

/** One process: every session is its own; recovery rebuilds the unfinished ones at start-up. */
export function singleProcessTopology(flush: FlushFn): Topology {
  return {
    flush,
    holds: () => true,
    release: async () => undefined,
    fence: (room) => room,
    transport: inProcessTransport,
    connect: async () => undefined,
    async start({ registry, owner }) {
      const recovered = await registry.recoverAll((id, load) => owner.adopt(id, load));
      if (recovered > 0) log.info({ recovered }, "recovered unfinished sessions, paused at their last stored step");
    },
    async stop({ registry, queue }) {
      await registry.shutdown();
      await queue.close();
    },
  };
}
