import type { Server, Socket } from "socket.io";
import { ErrorCode } from "@/lib/errors";
import type { ParticipantTokens } from "./participant-tokens";

/**
 * A `session:join` whose `participantToken` this server did not issue is refused (UNAUTHORIZED)
 * before the join handler sees it: identities are server-issued (Q3), a client cannot pick one.
 */
export function guardParticipantTokens(io: Server, tokens: ParticipantTokens): void {
  io.on("connection", (socket: Socket) => {
    socket.use((packet, next) => {
      const [event, payload] = packet;
      const token = event === "session:join" && payload !== null && typeof payload === "object" ? (payload as { participantToken?: unknown }).participantToken : undefined;
      if (typeof token !== "string" || tokens.verify(token)) return next();
      const ack = packet[packet.length - 1];
      if (typeof ack === "function") ack({ ok: false, error: { code: ErrorCode.UNAUTHORIZED, message: "participantToken: not issued by this server; join without it to get one" } });
    });
  });
}
