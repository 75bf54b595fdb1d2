import { createHash, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import { JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH } from "@/lib/protocol";

/** A fresh join code from the unambiguous alphabet. */
export function generateJoinCode(): string {
  let code = "";
  for (let k = 0; k < JOIN_CODE_LENGTH; k++) code += JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)];
  return code;
}

/** A fresh instructor key: 256 random bits, base64url. */
export function generateInstructorKey(): string {
  return randomBytes(32).toString("base64url");
}

/** The stored form of an instructor key (SHA-256 hex; the key itself is never stored). */
export function hashKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** Compares a presented key with a stored hash in constant time. */
export function verifyKey(key: string, storedHash: string): boolean {
  const a = Buffer.from(hashKey(key), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}
