"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { fetchSession } from "@/app/_lib/api";
import { findSavedSession, safeReturnPath } from "@/app/_lib/instructor-storage";

/**
 * The banner of a sandbox fork: whose lecture it came from and at which step, and one click back to it
 * (the page this browser forked from, or the lecture's student page).
 */
export function SandboxBanner({ joinCode, origin }: { joinCode: string; origin: { sessionId: string; step: number } }) {
  const [parent, setParent] = useState<{ title: string; joinCode: string | null } | null>(null);
  const [back, setBack] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    fetchSession(origin.sessionId)
      .then((s) => live && setParent({ title: s.title, joinCode: s.joinCode }))
      .catch(() => live && setParent({ title: "the lecture", joinCode: null }));
    setBack(safeReturnPath(findSavedSession(joinCode)?.returnTo));
    return () => {
      live = false;
    };
  }, [origin.sessionId, joinCode]);
  const href = back ?? (parent?.joinCode ? `/s/${parent.joinCode}` : "/");
  return (
    <div className="flex flex-wrap items-center justify-between gap-2 rounded-xl border-2 border-path bg-surface px-3 py-2" role="region" aria-label="Sandbox" data-testid="sandbox-banner">
      <p className="min-w-0">
        <b className="text-path">Your sandbox</b> — forked from <b data-testid="sandbox-origin">{parent?.title ?? "…"}</b> at step <span className="num">{origin.step}</span>. Nothing you do here reaches the lecture.
      </p>
      <Link href={href} className="rounded-md bg-accent px-4 py-2 font-semibold text-accent-fg" data-testid="back-to-lecture">
        ← Back to the lecture
      </Link>
    </div>
  );
}
