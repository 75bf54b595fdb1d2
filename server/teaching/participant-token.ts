import { createHash } from "node:crypto";
import { hashKey } from "../sessions/keys";

/** The id a participant token (issued and signed by server/security/participant-tokens.ts) is known by in storage (never the token itself). */
export function voterIdOf(token: string): string {
  return hashKey(token);
}

/** The id the instructor's roster shows for a voter (16 hex characters): enough to hand them the controls (H1), useless as a credential. */
export function participantIdOf(voterId: string): string {
  return createHash("sha256").update(`participant:${voterId}`, "utf8").digest("hex").slice(0, 16);
}
