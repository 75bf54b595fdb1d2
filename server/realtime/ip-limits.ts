import type { Server } from "socket.io";
import { ErrorCode } from "@/lib/errors";
import { addressKey } from "../security/address-key";

/**
 * Refuses Socket.IO connections beyond `maxPerIp` open at once from one address (IPv6: one /64), with a
 * `connect_error` whose `data.code` is LIMIT_REACHED. Every connection is counted, recovered ones
 * too (they skip middlewares, so they are counted at `connection`, not in the middleware).
 */
export function limitConnectionsPerIp(io: Server, maxPerIp: number): void {
  const open = new Map<string, number>();
  io.use((socket, next) => {
    if ((open.get(addressKey(socket.handshake.address)) ?? 0) < maxPerIp) return next();
    const err = new Error(`too many connections from your address (at most ${maxPerIp})`) as Error & { data?: unknown };
    err.data = { code: ErrorCode.LIMIT_REACHED };
    next(err);
  });
  io.on("connection", (socket) => {
    const ip = addressKey(socket.handshake.address);
    open.set(ip, (open.get(ip) ?? 0) + 1);
    socket.on("disconnect", () => {
      const left = (open.get(ip) ?? 1) - 1;
      if (left > 0) open.set(ip, left);
      else open.delete(ip);
    });
  });
}
