"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { forgetSession, listSavedSessions, type SavedSession } from "@/app/_lib/instructor-storage";

/** The sessions this browser started, to resume the console or open the replay. */
export function SavedSessions() {
  const [list, setList] = useState<SavedSession[] | null>(null);
  useEffect(() => setList(listSavedSessions()), []);
  if (!list || list.length === 0) return null;
  return (
    <section aria-labelledby="saved-title" data-testid="saved-sessions">
      <h2 id="saved-title" className="text-xl font-bold">
        Your sessions
      </h2>
      <ul className="mt-2 flex flex-col gap-1">
        {list.map((s) => (
          <li key={s.joinCode} className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-border py-1">
            <span className="font-mono">{s.joinCode}</span>
            <span className="min-w-0 flex-1 truncate">{s.title || "(untitled)"}</span>
            <Link href={`/s/${s.joinCode}/present`} className="underline">
              Console
            </Link>
            {s.id ? (
              <Link href={`/replay/${s.id}`} className="underline">
                Replay
              </Link>
            ) : null}
            <button
              type="button"
              className="text-sm text-muted underline"
              onClick={() => {
                forgetSession(s.joinCode);
                setList(listSavedSessions());
              }}
            >
              Forget
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
