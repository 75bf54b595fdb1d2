"use client";

import { useState } from "react";
import { NAME_MAX_LENGTH } from "@/app/_lib/wire";

/** Asks a student for a display name before joining. */
export function NameForm({ joinCode, initial, onName }: { joinCode: string; initial: string; onName(name: string): void }) {
  const [name, setName] = useState(initial);
  const trimmed = name.trim();
  return (
    <form
      className="mx-auto flex max-w-sm flex-col gap-3 rounded-xl border border-border bg-surface p-4"
      onSubmit={(e) => {
        e.preventDefault();
        if (trimmed) onName(trimmed);
      }}
      data-testid="name-form"
    >
      <h1 className="text-xl font-bold">
        Join session <span className="font-mono">{joinCode}</span>
      </h1>
      <label className="flex flex-col gap-1">
        Your display name
        <input autoFocus required maxLength={NAME_MAX_LENGTH} value={name} onChange={(e) => setName(e.target.value)} className="rounded border border-border bg-bg px-3 py-2" data-testid="display-name" />
      </label>
      <button type="submit" disabled={!trimmed} className="rounded-md bg-accent px-4 py-2 font-semibold text-accent-fg disabled:opacity-50">
        Join
      </button>
    </form>
  );
}
