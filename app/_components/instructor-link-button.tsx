"use client";

import { useState } from "react";
import { instructorLink } from "@/app/_lib/instructor-storage";

/** Copies a link that opens this console on a second device; the key rides in the URL fragment, never the query. */
export function InstructorLinkButton({ joinCode, instructorKey }: { joinCode: string; instructorKey: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  return (
    <button
      type="button"
      data-testid="copy-instructor-link"
      className="rounded-md border border-border px-3 py-1.5 text-sm hover:bg-surface-2"
      onClick={() => {
        const link = instructorLink(window.location.origin, joinCode, instructorKey);
        navigator.clipboard?.writeText(link).then(
          () => setState("copied"),
          () => setState("failed"),
        ) ?? setState("failed");
      }}
    >
      {state === "copied" ? "Instructor link copied — keep it private" : state === "failed" ? "Copy failed (clipboard blocked)" : "Copy instructor link"}
    </button>
  );
}
