import { BurstyRateLimiter, RateLimiterMemory } from "rate-limiter-flexible";
import type { Server, Socket } from "socket.io";
import { log } from "../log";
import { ErrorCode } from "@/lib/errors";
import { CLIENT_EVENTS } from "@/lib/protocol";
import { addressKey } from "./address-key";
import { cutOff } from "./outbound-guard";

/** Client events the server handles; anything else is answered "unknown event" (within the rate limit). */
const KNOWN_EVENTS = new Set<string>(CLIENT_EVENTS);

/** How the inbound guard counts. */
export interface InboundLimits {
  /** Events per second per socket, with bursts of the same size (P3). */
  perSecond: number;
  /** Refused events within ABUSE_WINDOW_S after which the socket is disconnected. */
  abuseStrikes: number;
}

/** Window of the extra burst allowance, in seconds. */
export const BURST_WINDOW_S = 10;
/** An address whose socket was cut off for abuse may not open a new one for this long, in seconds. */
export const ABUSE_BLOCK_S = 10;
/** Window over which refused events are counted towards a disconnect, in seconds. */
export const ABUSE_WINDOW_S = 10;

/**
 * Every inbound event packet, known or not, takes one point of its socket's budget before any handler
 * runs (`socket.use` sees every event, unknown ones included). Beyond the budget the packet is dropped,
 * its ack (if it asked for one) answered RATE_LIMITED; a socket that keeps going gets `session:error`
 * and is disconnected, and its address (IPv6: /64) may not connect again for ABUSE_BLOCK_S. Unknown events within the budget are answered BAD_REQUEST: by their ack if they
 * asked for one, else by one `session:error`.
 */
export function guardInbound(io: Server, limits: InboundLimits): void {
  // perSecond in every one-second window, plus a burst of as many again per BURST_WINDOW_S (a client
  // that joins, resyncs and asks a trace at once is not refused).
  const steady = new RateLimiterMemory({ keyPrefix: "in", points: limits.perSecond, duration: 1 });
  const burst = new RateLimiterMemory({ keyPrefix: "burst", points: limits.perSecond, duration: BURST_WINDOW_S });
  const events = new BurstyRateLimiter(steady, burst);
  const strikes = new RateLimiterMemory({ keyPrefix: "strike", points: limits.abuseStrikes, duration: ABUSE_WINDOW_S });
  // Addresses (IPv6: /64) recently cut off for abuse: their new connections are refused for a while,
  // so a flooder that reconnects at once does not churn connections (each one a join and a snapshot).
  const blocked = new RateLimiterMemory({ keyPrefix: "abuser", points: 1, duration: ABUSE_BLOCK_S });
  io.use((socket, next) => {
    blocked.get(addressKey(socket.handshake.address)).then(
      (res) => {
        if (!res || res.consumedPoints === 0) return next();
        const err = new Error(`too many requests from your address; try again in ${Math.ceil(res.msBeforeNext / 1000)} s`) as Error & { data?: unknown };
        err.data = { code: ErrorCode.RATE_LIMITED };
        next(err);
      },
      () => next(),
    );
  });
  io.on("connection", (socket: Socket) => {
    let cut = false;
    socket.use((packet, next) => {
      if (cut) return; // cut off: nothing more is read or answered
      const [event] = packet;
      const ack = packet.length > 1 && typeof packet[packet.length - 1] === "function" ? (packet[packet.length - 1] as (r: unknown) => void) : null;
      events.consume(socket.id).then(
        () => {
          if (typeof event === "string" && KNOWN_EVENTS.has(event)) return next();
          const error = { code: ErrorCode.BAD_REQUEST, message: `unknown event ${JSON.stringify(String(event).slice(0, 60))}` };
          if (ack) ack({ ok: false, error });
          else socket.emit("session:error", error);
        },
        () => {
          ack?.({ ok: false, error: { code: ErrorCode.RATE_LIMITED, message: `too many requests: at most ${limits.perSecond} per second` } });
          strikes.consume(socket.id).catch(() => {
            if (cut) return;
            cut = true;
            void blocked.block(addressKey(socket.handshake.address), ABUSE_BLOCK_S).catch(() => undefined);
            socket.emit("session:error", { code: ErrorCode.RATE_LIMITED, message: "disconnected: too many requests; slow down and reconnect" });
            log.warn({ socketId: socket.id }, `socket cut off: more than ${limits.abuseStrikes} refused events in ${ABUSE_WINDOW_S} s`);
            cutOff(socket);
          });
        },
      );
    });
    socket.on("disconnect", () => {
      void steady.delete(socket.id);
      void burst.delete(socket.id);
      void strikes.delete(socket.id);
    });
  });
}
