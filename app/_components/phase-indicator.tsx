import type { Phase } from "@/lib/protocol";
import { STEP_PHASES } from "@/app/_lib/wire";

const LABEL: Record<Phase, string> = { forward: "Forward", loss: "Loss", backward: "Backward", update: "Update" };

/** The four phases of a step, the current one (if the instructor is walking them) highlighted. */
export function PhaseIndicator({ phase }: { phase: Phase | null }) {
  return (
    <ol className="flex flex-wrap items-center gap-1 text-sm" data-testid="phase-indicator" data-phase={phase ?? "none"} aria-label={phase ? `Phase: ${phase}` : "All phases"}>
      {STEP_PHASES.map((p, k) => (
        <li key={p} className="flex items-center gap-1">
          {k > 0 ? <span aria-hidden className="text-muted">→</span> : null}
          <span aria-current={p === phase ? "step" : undefined} className={`rounded px-2 py-0.5 ${p === phase ? "bg-accent font-semibold text-accent-fg" : "bg-surface-2 text-muted"}`}>
            {LABEL[p]}
          </span>
        </li>
      ))}
    </ol>
  );
}
