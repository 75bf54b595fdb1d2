"use client";

import { useEffect, useState } from "react";
import { loadDisplayName, saveDisplayName } from "@/app/_lib/instructor-storage";
import { useSession } from "@/app/_hooks/use-session";
import { useSessionValue } from "@/app/_hooks/use-session-view";
import { ExploreBar } from "./explore-bar";
import { DriverStatus } from "./driver-status";
import { ForkButton } from "./fork-button";
import { NameForm } from "./name-form";
import { NotesExport } from "./notes-export";
import { PollCard } from "./poll-card";
import { ProblemNotice } from "./problem-notice";
import { SessionHeader } from "./session-header";
import { SessionPanels } from "./session-panels";
import { StatusBar } from "./status-bar";

/**
 * A student following a session live (and exploring earlier steps) on a phone or a laptop: the poll
 * card on top when the instructor asks, "Try it yourself" to fork a sandbox, and lecture notes.
 */
export function StudentView({ joinCode }: { joinCode: string }) {
  const [name, setName] = useState<string | null | undefined>(undefined);
  // A co-instructor link (`/s/CODE#drive=KEY`, H1): the key stays in the fragment, which is never sent to the server in a request.
  const [coInstructorKey, setCoInstructorKey] = useState<string | undefined>(undefined);
  useEffect(() => {
    setCoInstructorKey(new URLSearchParams(window.location.hash.slice(1)).get("drive") || undefined);
    const fromQuery = new URLSearchParams(window.location.search).get("name")?.trim();
    // Remembered, so "Back to the lecture" from a sandbox (a link without ?name=) rejoins as the same person.
    if (fromQuery) saveDisplayName(fromQuery);
    setName(fromQuery || loadDisplayName() || null);
  }, []);
  const { store, client } = useSession(name ? { joinCode, name, ...(coInstructorKey ? { coInstructorKey } : {}) } : null);
  const problem = useSessionValue(store, (v) => v.problem);
  const joined = useSessionValue(store, (v) => v.meta !== null);
  const sessionId = useSessionValue(store, (v) => v.meta?.sessionId ?? null);

  // The server renders this shell, so the first paint already says where the student is.
  if (name === undefined) {
    return (
      <main className="mx-auto flex max-w-[120rem] flex-col gap-3 p-3 sm:p-4" aria-busy>
        <h1 className="text-2xl font-bold">
          Backprop Live <span className="font-mono text-base text-muted">{joinCode}</span>
        </h1>
        <p className="text-muted">Joining session {joinCode}…</p>
      </main>
    );
  }
  // An unknown code: only the error and the way back, no live status of a session that does not exist.
  if (problem?.kind === "not-found" && !joined) {
    return (
      <main className="mx-auto max-w-2xl p-4">
        <ProblemNotice problem={problem} />
      </main>
    );
  }
  if (name === null) {
    return (
      <main className="p-4">
        <NameForm
          joinCode={joinCode}
          initial=""
          onName={(n) => {
            saveDisplayName(n);
            setName(n);
          }}
        />
      </main>
    );
  }
  return (
    <main className="mx-auto flex max-w-[120rem] flex-col gap-3 p-3 sm:p-4" data-testid="student-view">
      <SessionHeader store={store} joinCode={joinCode} />
      <StatusBar store={store} onRetry={() => client?.retry()} />
      {joined ? <DriverStatus store={store} client={client} /> : null}
      {problem ? (
        <ProblemNotice
          problem={problem}
          action={
            problem.kind === "unreachable" ? (
              <button type="button" className="underline" onClick={() => client?.retry()}>
                Retry now
              </button>
            ) : problem.kind === "ended" && sessionId ? (
              <a href={`/replay/${sessionId}`} className="underline" data-testid="replay-link">
                Watch the replay
              </a>
            ) : null
          }
        />
      ) : null}
      {joined ? (
        <>
          <PollCard store={store} client={client} />
          <div className="flex flex-wrap items-start justify-between gap-2">
            <ExploreBar store={store} />
            <ForkButton store={store} client={client} returnTo={`/s/${joinCode}`} />
          </div>
          <SessionPanels store={store} compare />
          <div className="rounded-xl border border-border bg-surface p-3 sm:p-4">
            <NotesExport store={store} />
          </div>
        </>
      ) : problem ? null : (
        <p className="text-muted">Joining session {joinCode}…</p>
      )}
    </main>
  );
}
