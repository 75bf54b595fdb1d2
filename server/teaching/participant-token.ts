import { randomBytes } from "node:crypto";
import { hashKey } from "../sessions/keys";

/** The id a participant token is known by in storage (never the token itself). */
export function voterIdOf(token: string): string {
  return hashKey(token);
}

/** A fresh participant token: 24 random bytes, base64url (32 characters). */
export function newParticipantToken(): string {
  return randomBytes(24).toString("base64url");
}
