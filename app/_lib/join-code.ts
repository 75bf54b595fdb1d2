/** Join-code alphabet and length, mirrored from lib/protocol.ts so the lobby bundle need not load zod. */
export const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/** Characters in a join code. */
export const CODE_LENGTH = 6;

/** Normalises what someone typed: no spaces, upper case. */
export function normaliseJoinCode(input: string): string {
  return input.replace(/\s+/g, "").toUpperCase();
}

/** True when the string is a well-formed join code. */
export function isJoinCode(code: string): boolean {
  return code.length === CODE_LENGTH && [...code].every((c) => CODE_ALPHABET.includes(c));
}
