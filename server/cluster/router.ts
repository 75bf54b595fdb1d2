import type { Server } from "socket.io";
import type { OwnerReply, OwnerRequest, SessionOwner } from "./owner";

/** The inter-node event carrying owner requests (Socket.IO's serverSideEmit, over the adapter). */
const OWNER_EVENT = "cluster:owner";

type ServerSide = { on(event: string, listener: (...args: unknown[]) => void): void; serverSideEmit(event: string, ...args: unknown[]): boolean };

/**
 * Gets a request to the node that runs the session: this one if it does, otherwise every other node
 * through `serverSideEmit` with an acknowledgement; the owner answers, the others answer null. The
 * adapter waits for every node's answer (a node killed meanwhile leaves Redis at once, so it is not
 * waited for); after its timeout, the answers received so far count.
 */
export class OwnerRouter {
  private readonly io: ServerSide;

  constructor(
    io: Server,
    private readonly owner: SessionOwner,
  ) {
    this.io = io as unknown as ServerSide;
    this.io.on(OWNER_EVENT, (req: unknown, ack: unknown) => {
      const reply = typeof ack === "function" ? (ack as (r: OwnerReply) => void) : () => undefined;
      Promise.resolve()
        .then(() => owner.handle(req as OwnerRequest))
        .then(reply, () => reply(null));
    });
  }

  /** The owner's answer, or null when no node runs the session. */
  async ask(req: OwnerRequest): Promise<OwnerReply> {
    const local = await this.owner.handle(req);
    if (local) return local;
    return new Promise((resolve) => {
      this.io.serverSideEmit(OWNER_EVENT, req, (_err: Error | null, replies: OwnerReply[] | undefined) => {
        resolve(replies?.find((r) => r !== null && typeof r === "object") ?? null);
      });
    });
  }
}
