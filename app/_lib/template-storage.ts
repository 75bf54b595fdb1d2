/** A template this browser saved: its key deletes it (shown once by the server, stored hashed there). */
export interface SavedTemplate {
  id: string;
  name: string;
  templateKey: string;
}

const KEY = "backprop:templates";

function read(): SavedTemplate[] {
  try {
    const list = JSON.parse(globalThis.localStorage?.getItem(KEY) ?? "[]") as unknown;
    return Array.isArray(list) ? (list as SavedTemplate[]).filter((t) => t && typeof t.id === "string" && typeof t.templateKey === "string") : [];
  } catch {
    return [];
  }
}

/** The templates this browser can delete. */
export function listSavedTemplates(): SavedTemplate[] {
  return read();
}

/** Remembers a template's key. */
export function saveTemplateKey(t: SavedTemplate): void {
  try {
    globalThis.localStorage?.setItem(KEY, JSON.stringify([t, ...read().filter((x) => x.id !== t.id)].slice(0, 100)));
  } catch {
    // Not remembered: the template stays, only deleting it from this browser is not offered.
  }
}

/** Forgets a template's key (after deleting it). */
export function forgetTemplateKey(id: string): void {
  try {
    globalThis.localStorage?.setItem(KEY, JSON.stringify(read().filter((x) => x.id !== id)));
  } catch {
    // Nothing to do.
  }
}
