"use client";

import Link from "next/link";
import type { SessionStore } from "@/app/_lib/session-store";
import { useSessionValue } from "@/app/_hooks/use-session-view";
import { ThemeToggle } from "./theme-toggle";

/** Page header: the session's title and code, a way home, and the theme toggle. */
export function SessionHeader({ store, joinCode, suffix }: { store: SessionStore; joinCode: string; suffix?: string }) {
  const title = useSessionValue(store, (v) => v.meta?.title ?? "");
  return (
    <header className="flex flex-wrap items-center justify-between gap-2">
      <div className="min-w-0">
        {/* No prefetch: a phone in the lecture should not download the lobby's form and presets (bench:ui). */}
        <Link href="/" prefetch={false} className="text-sm text-muted underline">
          Backprop Live
        </Link>
        <h1 className="truncate text-xl font-bold sm:text-2xl">
          {title || "Session"} <span className="font-mono text-base font-normal text-muted">{joinCode}</span>
          {suffix ? <span className="ml-2 text-base font-normal text-muted">{suffix}</span> : null}
        </h1>
      </div>
      <ThemeToggle />
    </header>
  );
}
