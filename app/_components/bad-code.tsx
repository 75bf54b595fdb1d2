import { ProblemNotice } from "./problem-notice";
import { CODE_LENGTH } from "@/app/_lib/join-code";

/** The page for a URL whose code cannot be a join code. */
export function BadCode({ code }: { code: string }) {
  return (
    <main className="mx-auto max-w-2xl p-4">
      <ProblemNotice problem={{ kind: "not-found", message: `“${code}” is not a session code: codes are ${CODE_LENGTH} letters and digits, like the one on the projector.` }} />
    </main>
  );
}
