"use client";

import { useEffect, useState } from "react";

/** A destructive action's button: the first press arms it, a second press within 4 s confirms. */
export function ConfirmButton({ label, confirmLabel, onConfirm, disabled, testId }: { label: string; confirmLabel: string; onConfirm(): void; disabled?: boolean; testId?: string }) {
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    if (!armed) return;
    const t = setTimeout(() => setArmed(false), 4000);
    return () => clearTimeout(t);
  }, [armed]);
  return (
    <button
      type="button"
      disabled={disabled}
      data-testid={testId}
      onClick={() => {
        if (!armed) return setArmed(true);
        setArmed(false);
        onConfirm();
      }}
      className={`rounded-md border px-3 py-1.5 disabled:opacity-50 ${armed ? "border-bad bg-bad text-white" : "border-border hover:bg-surface-2"}`}
    >
      {armed ? confirmLabel : label}
    </button>
  );
}
