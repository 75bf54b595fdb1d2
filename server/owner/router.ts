import type { Server } from "socket.io";
import type { PrismaClient } from "../generated/prisma/client";
import { getSessionState } from "../data/leases";
import { isJoinCodeLive } from "../data/sessions";
import type { SessionRegistry } from "../sessions/registry";
import { answer, type OwnerReply, type OwnerRequest } from "./requests";
import type { SessionOwner } from "./session-owner";

/** How a request reaches the other nodes; a single process has none ("a cluster of one"). */
export interface OwnerTransport {
  /** Asks every other node; resolves with the owner's answer, or null when none runs the session. */
  askOthers(req: OwnerRequest): Promise<OwnerReply>;
  /** Answers the other nodes' requests with `handle`. */
  listen(handle: (req: OwnerRequest) => Promise<OwnerReply>): void;
  /** Stops asking (shutdown: the connection to the other nodes is about to close). */
  close(): void;
}

/** The transport of a single process: there is no other node. */
export const inProcessTransport: OwnerTransport = {
  askOthers: async () => null,
  listen: () => undefined,
  close: () => undefined,
};

/** The inter-node event carrying owner requests (Socket.IO's serverSideEmit, over the adapter). */
const OWNER_EVENT = "cluster:owner";

type ServerSide = { on(event: string, listener: (...args: unknown[]) => void): void; serverSideEmit(event: string, ...args: unknown[]): boolean };

/**
 * The transport of a cluster: `serverSideEmit` with an acknowledgement over the Redis adapter; the owner
 * answers, the others answer null. The adapter waits for every node's answer (a node killed meanwhile
 * leaves Redis at once, so it is not waited for); after its timeout, the answers received so far count.
 */
export function serverSideTransport(server: Server): OwnerTransport {
  const io = server as unknown as ServerSide;
  let closed = false;
  return {
    askOthers: (req) =>
      new Promise((resolve) => {
        if (closed) return resolve(null);
        io.serverSideEmit(OWNER_EVENT, req, (_err: Error | null, replies: OwnerReply[] | undefined) => {
          resolve(replies?.find((r) => r !== null && typeof r === "object") ?? null);
        });
      }),
    listen: (handle) =>
      io.on(OWNER_EVENT, (req: unknown, ack: unknown) => {
        const reply = typeof ack === "function" ? (ack as (r: OwnerReply) => void) : () => undefined;
        Promise.resolve()
          .then(() => handle(req as OwnerRequest))
          .then(reply, () => reply(null));
      }),
    close: () => {
      closed = true;
    },
  };
}

/**
 * The one way into a live session, for sockets, HTTP routes and teaching tools: asks this node's owner,
 * then the others through the transport. A finished session is read-only and needs no owner: any node
 * loads it for a join and answers.
 */
export class OwnerRouter {
  constructor(
    private readonly owner: SessionOwner,
    private readonly transport: OwnerTransport,
    private readonly deps: { registry: SessionRegistry; prisma: PrismaClient },
  ) {
    transport.listen((req) => owner.handle(req));
  }

  /** The owner's answer, or null when no node runs the session. */
  async ask(req: OwnerRequest): Promise<OwnerReply> {
    const local = await this.owner.handle(req);
    if (local) return local;
    const remote = await this.transport.askOthers(req);
    if (remote) return remote;
    // Only a join or a read-only view loads it (the view unloads it again once idle).
    if ((req.op !== "join" && req.op !== "view") || req.sessionId == null || (await this.storedState(req.sessionId)) !== "finished") return null;
    await this.deps.registry.get(req.sessionId);
    return this.owner.handle(req);
  }

  /** Whether a session that is not finished has this join code (whether or not a node runs it now). */
  isLiveCode(joinCode: string): Promise<boolean> {
    return isJoinCodeLive(this.deps.prisma, joinCode);
  }

  /** The stored state of a session ("playing", "finished"…), or null if there is no such session. */
  storedState(sessionId: string): Promise<string | null> {
    return getSessionState(this.deps.prisma, sessionId);
  }

  /** The owner's data; its error rethrown; UNAVAILABLE when no node runs the session. */
  async call<T = unknown>(req: OwnerRequest): Promise<T> {
    return answer<T>(await this.ask(req));
  }
}
