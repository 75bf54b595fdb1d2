import { ParticipantTokens } from "@/server/security/participant-tokens";

/** The participant token secret test servers run with (startTestServer sets it; child servers take it as PARTICIPANT_TOKEN_SECRET). */
export const TEST_TOKEN_SECRET = "test-participant-token-secret-0123456789";

const signer = new ParticipantTokens(Buffer.from(TEST_TOKEN_SECRET, "utf8"));
const byName = new Map<string, string>();

/** A token the test server would have issued, the same one for the same `name` (one student across reconnects). */
export function issuedToken(name: string): string {
  let token = byName.get(name);
  if (!token) byName.set(name, (token = signer.issue()));
  return token;
}
