"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { listSavedSessions, saveSession, type SavedSession } from "@/app/_lib/instructor-storage";
import type { SessionClient } from "@/app/_lib/session-client";
import type { SessionStore } from "@/app/_lib/session-store";
import { useSessionValue } from "@/app/_hooks/use-session-view";

/**
 * "Try it yourself": forks the session at its current step into a private sandbox on the server that
 * this browser controls (its instructor key is kept like any console's), and opens its console.
 * `returnTo` is the page "Back to the lecture" leads to.
 */
export function ForkButton({ store, client, returnTo }: { store: SessionStore; client: SessionClient | null; returnTo: string }) {
  const router = useRouter();
  const title = useSessionValue(store, (v) => v.meta?.title ?? "");
  const step = useSessionValue(store, (v) => v.latest?.step ?? 0);
  const usable = useSessionValue(store, (v) => v.connection === "live" && v.state !== "finished" && v.phase === null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // At the fork limit: this browser's sandboxes of this lecture, each a link to the console that ends it.
  const [limitReached, setLimitReached] = useState<SavedSession[] | null>(null);

  const fork = async () => {
    if (!client) return;
    setBusy(true);
    setError(null);
    setLimitReached(null);
    const sandboxTitle = `Sandbox: ${title}`.slice(0, 120);
    const res = await client.fork(sandboxTitle);
    if (!res.ok) {
      setError(res.error.message);
      if (res.error.code === "LIMIT_REACHED") setLimitReached(listSavedSessions().filter((s) => s.returnTo === returnTo));
      setBusy(false);
      return;
    }
    const f = res.data;
    saveSession({ id: f.sessionId, joinCode: f.joinCode, instructorKey: f.instructorKey, title: sandboxTitle, joinUrl: null, returnTo });
    router.push(`/s/${f.joinCode}/present`);
  };

  return (
    <div className="flex flex-col items-start gap-1">
      <button type="button" onClick={fork} disabled={busy || !usable || !client} className="rounded-md border-2 border-path px-3 py-1.5 font-semibold text-path hover:bg-surface-2 disabled:opacity-50" data-testid="fork-button" title={`Fork at step ${step}: your own copy to try a learning rate or weights`}>
        {busy ? "Opening your sandbox…" : "Try it yourself →"}
      </button>
      {error ? (
        <p role="alert" className="text-sm text-bad" data-testid="fork-error">
          {error}
        </p>
      ) : null}
      {limitReached ? (
        <div className="text-sm" data-testid="fork-limit-help">
          <p>To end a sandbox, open its console and press “■ End session” twice. Your sandboxes are also under “Your sessions” on the home page.</p>
          {limitReached.length > 0 ? (
            <ul className="list-disc pl-5">
              {limitReached.map((s) => (
                <li key={s.joinCode}>
                  <a href={`/s/${s.joinCode}/present`} className="underline">
                    {s.title || "Sandbox"} ({s.joinCode})
                  </a>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
