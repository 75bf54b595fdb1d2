"use client";

import { useState } from "react";
import { findSavedSession } from "@/app/_lib/instructor-storage";
import type { SessionStore } from "@/app/_lib/session-store";
import { useSessionValue } from "@/app/_hooks/use-session-view";
import { setupLink } from "./setup-link";

/**
 * "Copy setup link": the start form's link for what runs now (the run's config with the live
 * hyperparameters, the title, and the stop condition this browser started it with), so a colleague or
 * the next lecture starts from the same setup. The link also shows, to copy by hand if the clipboard is blocked.
 */
export function SetupLinkButton({ store, joinCode }: { store: SessionStore; joinCode: string }) {
  const meta = useSessionValue(store, (v) => v.meta);
  const hyper = useSessionValue(store, (v) => v.hyper);
  const [shown, setShown] = useState<{ link: string; copied: boolean | null } | null>(null);
  if (!meta) return null;
  const copy = () => {
    const { lrSchedule, ...rest } = hyper ?? {};
    const config = { ...meta.config, ...rest, ...(lrSchedule ? { lrSchedule } : {}) };
    const link = setupLink(window.location.origin, { title: meta.title, config, stop: findSavedSession(joinCode)?.stop ?? null });
    setShown({ link, copied: null });
    navigator.clipboard?.writeText(link).then(
      () => setShown({ link, copied: true }),
      () => setShown({ link, copied: false }),
    ) ?? setShown({ link, copied: false });
  };
  return (
    <div className="flex flex-col gap-1">
      <button type="button" onClick={copy} className="self-start rounded-md border border-border px-3 py-1.5 text-sm hover:bg-surface-2" data-testid="copy-setup-link">
        {shown?.copied ? "Setup link copied" : "Copy setup link"}
      </button>
      {shown ? (
        <label className="flex flex-col text-xs text-muted">
          {shown.copied === false ? "The clipboard is blocked: copy the link by hand" : "Opens the start form with this setup"}
          <input readOnly value={shown.link} onFocus={(e) => e.target.select()} className="rounded border border-border bg-bg px-2 py-1 font-mono text-xs text-fg" data-testid="setup-link-value" />
        </label>
      ) : null}
    </div>
  );
}
