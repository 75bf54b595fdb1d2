import type { StopCondition } from "@/lib/engine";

/** One session this browser started (or was handed an instructor link for). */
export interface SavedSession {
  id: string | null;
  joinCode: string;
  instructorKey: string;
  title: string;
  joinUrl: string | null;
  createdAt: string;
  /** For a sandbox fork: the page of the lecture it was forked from ("Back to the lecture"). */
  returnTo?: string | null;
  /** Where the start form said play should pause by itself (`play { until }`), if anywhere. */
  stop?: StopCondition | null;
}

const KEY = "backprop:sessions";
const NAME_KEY = "backprop:name";
const MAX_SAVED = 30;

function read(): SavedSession[] {
  try {
    const raw = globalThis.localStorage?.getItem(KEY);
    const list = raw ? (JSON.parse(raw) as unknown) : [];
    return Array.isArray(list) ? (list as SavedSession[]).filter((s) => s && typeof s.joinCode === "string" && typeof s.instructorKey === "string") : [];
  } catch {
    return [];
  }
}

function write(list: SavedSession[]): void {
  try {
    globalThis.localStorage?.setItem(KEY, JSON.stringify(list.slice(0, MAX_SAVED)));
  } catch {
    // Private mode or a full quota: the console still works for this page load.
  }
}

/** The instructor's sessions, newest first. */
export function listSavedSessions(): SavedSession[] {
  return read();
}

/** Stores (or refreshes) a session, newest first; a later save of the same code merges into it. */
export function saveSession(s: Partial<SavedSession> & { joinCode: string; instructorKey: string }): void {
  const list = read();
  const old = list.find((x) => x.joinCode === s.joinCode);
  const merged: SavedSession = {
    id: s.id ?? old?.id ?? null,
    joinCode: s.joinCode,
    instructorKey: s.instructorKey,
    title: s.title ?? old?.title ?? "",
    joinUrl: s.joinUrl ?? old?.joinUrl ?? null,
    createdAt: old?.createdAt ?? s.createdAt ?? new Date().toISOString(),
    returnTo: s.returnTo ?? old?.returnTo ?? null,
    stop: s.stop !== undefined ? s.stop : (old?.stop ?? null),
  };
  write([merged, ...list.filter((x) => x.joinCode !== s.joinCode)]);
}

/** The saved session with this join code. */
export function findSavedSession(joinCode: string): SavedSession | undefined {
  return read().find((s) => s.joinCode === joinCode.toUpperCase());
}

/** Where "Back to the lecture" leads from a sandbox: a same-site path only (the value sits in localStorage). */
export function safeReturnPath(returnTo: string | null | undefined): string | null {
  return typeof returnTo === "string" && /^\/s\/[A-Za-z0-9]{6}(\/present)?$/.test(returnTo) ? returnTo : null;
}

/** Forgets a saved session. */
export function forgetSession(joinCode: string): void {
  write(read().filter((s) => s.joinCode !== joinCode));
}

/** The display name the student typed last time. */
export function loadDisplayName(): string {
  try {
    return globalThis.localStorage?.getItem(NAME_KEY) ?? "";
  } catch {
    return "";
  }
}

/** Remembers the display name. */
export function saveDisplayName(name: string): void {
  try {
    globalThis.localStorage?.setItem(NAME_KEY, name);
  } catch {
    // Not remembered; harmless.
  }
}

/** Reads `#key=…` from a URL fragment (the instructor link); null when absent. */
export function keyFromFragment(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const key = params.get("key");
  return key && key.length > 0 ? key : null;
}

/** The link that opens the console on a second device: the key rides in the fragment, never the query. */
export function instructorLink(origin: string, joinCode: string, key: string): string {
  return `${origin}/s/${joinCode}/present#key=${encodeURIComponent(key)}`;
}
