import Link from "next/link";
import type { SessionProblem } from "@/app/_lib/session-types";

const TITLE: Record<SessionProblem["kind"], string> = {
  "not-found": "Unknown session code",
  ended: "Session ended",
  unauthorized: "Instructor key needed",
  unreachable: "Server unreachable",
  other: "Something went wrong",
};

/** A problem in words (unknown code, ended, unreachable …), never a blank page. */
export function ProblemNotice({ problem, action }: { problem: SessionProblem; action?: React.ReactNode }) {
  return (
    <div role="alert" data-testid="problem" data-kind={problem.kind} className={`rounded-lg border-l-4 px-4 py-3 ${problem.kind === "ended" ? "border-warn" : "border-bad"} bg-surface`}>
      <p className="font-semibold">{TITLE[problem.kind]}</p>
      <p>{problem.message}</p>
      <div className="mt-2 flex flex-wrap gap-3 text-sm">
        {action}
        <Link href="/" prefetch={false} className="underline">
          Back to the lobby
        </Link>
      </div>
    </div>
  );
}
