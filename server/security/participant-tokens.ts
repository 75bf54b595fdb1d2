import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** Characters of the random part and of the signature (16 bytes each, base64url). */
const PART_CHARS = 22;

/**
 * Participant tokens (Q3) are issued by the server, never chosen by a client: 16 random bytes and an
 * HMAC-SHA-256 of them under the server's secret (truncated to 16 bytes), both base64url, 44
 * characters in all. A token the server did not sign is refused, so a student cannot mint identities
 * (extra votes, extra fork slots) by making tokens up.
 */
export class ParticipantTokens {
  constructor(private readonly secret: Buffer) {
    if (secret.length < 32) throw new Error("the participant token secret must have at least 32 bytes");
  }

  /** A fresh signed token. */
  issue(): string {
    const id = randomBytes(16).toString("base64url");
    return id + this.sign(id);
  }

  /** Whether `token` was issued by a server holding this secret. */
  verify(token: string): boolean {
    if (token.length !== 2 * PART_CHARS) return false;
    const expected = Buffer.from(this.sign(token.slice(0, PART_CHARS)));
    const given = Buffer.from(token.slice(PART_CHARS));
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private sign(id: string): string {
    return createHmac("sha256", this.secret).update(`participant:${id}`).digest().subarray(0, 16).toString("base64url");
  }
}
