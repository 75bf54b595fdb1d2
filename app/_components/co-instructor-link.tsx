"use client";

import { useState } from "react";
import type { SessionClient } from "@/app/_lib/session-client";

/**
 * Creates a co-instructor link (H1): whoever opens it drives the training controls until the
 * instructor takes them back. The key is shown here once (the server keeps only its hash) and travels
 * in the address's fragment, which browsers never send to the server.
 */
export function CoInstructorLinkForm({ client, joinCode, disabled }: { client: SessionClient | null; joinCode: string; disabled: boolean }) {
  const [name, setName] = useState("");
  const [url, setUrl] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  return (
    <details className="text-sm" data-testid="co-instructor">
      <summary className="cursor-pointer">Co-instructor link</summary>
      <form
        className="mt-1 flex flex-wrap items-center gap-2"
        onSubmit={async (e) => {
          e.preventDefault();
          const res = await client?.createCoInstructorLink(name.trim());
          if (res?.ok) {
            setUrl(`${window.location.origin}/s/${joinCode}#drive=${encodeURIComponent(res.data.key)}`);
            setCopied(false);
          }
        }}
      >
        <label className="flex items-center gap-2">
          Name the room sees
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={40} required className="w-32 rounded border border-border bg-surface px-2 py-0.5" data-testid="co-instructor-name" />
        </label>
        <button type="submit" disabled={disabled || name.trim() === ""} className="rounded border border-border px-2 py-0.5 hover:bg-surface-2 disabled:opacity-50">
          Create and hand over
        </button>
      </form>
      {url ? (
        <p className="mt-1 flex flex-wrap items-center gap-2">
          <input readOnly value={url} aria-label="Co-instructor link (shown once)" className="min-w-0 flex-1 rounded border border-border bg-surface px-2 py-0.5 font-mono text-xs" data-testid="co-instructor-url" />
          <button
            type="button"
            className="rounded border border-border px-2 py-0.5 hover:bg-surface-2"
            onClick={() => {
              void navigator.clipboard?.writeText(url).then(() => setCopied(true));
            }}
          >
            {copied ? "Copied" : "Copy"}
          </button>
        </p>
      ) : null}
    </details>
  );
}
