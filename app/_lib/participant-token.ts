/**
 * The participant token the server hands out at the first join (Q3): the same student across reloads,
 * reconnects and tabs of this browser, so one vote per poll and the fork limit hold. Kept per join code
 * in localStorage (shared by the browser's tabs, unlike sessionStorage, so a second tab is the same student).
 */
const PREFIX = "backprop:token:";
const TOKEN = /^[A-Za-z0-9_-]{16,64}$/;

/** The token for this session, or undefined before the first join. */
export function loadParticipantToken(joinCode: string): string | undefined {
  try {
    const t = globalThis.localStorage?.getItem(PREFIX + joinCode.toUpperCase());
    return t && TOKEN.test(t) ? t : undefined;
  } catch {
    return undefined;
  }
}

/** Remembers the token the server gave. */
export function saveParticipantToken(joinCode: string, token: string): void {
  if (!TOKEN.test(token)) return;
  try {
    globalThis.localStorage?.setItem(PREFIX + joinCode.toUpperCase(), token);
  } catch {
    // Private mode: this page still works; a reload counts as a new student.
  }
}

/** Forgets the token for this session (the server no longer accepts it: its secret changed, or it predates signed tokens). */
export function forgetParticipantToken(joinCode: string): void {
  try {
    globalThis.localStorage?.removeItem(PREFIX + joinCode.toUpperCase());
  } catch {
    // Nothing stored, nothing to forget.
  }
}
