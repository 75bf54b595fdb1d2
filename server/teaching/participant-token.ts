import { hashKey } from "../sessions/keys";

/** The id a participant token (issued and signed by server/security/participant-tokens.ts) is known by in storage (never the token itself). */
export function voterIdOf(token: string): string {
  return hashKey(token);
}
