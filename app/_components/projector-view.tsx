"use client";

import { useEffect, useRef, useState } from "react";
import { PROJECTOR_FOCI, type ProjectorFocus } from "@/lib/wire";
import { useSession } from "@/app/_hooks/use-session";
import { useKeyboardShortcuts } from "@/app/_hooks/use-keyboard-shortcuts";
import { useStepFocus } from "@/app/_hooks/use-session-view";
import { formatLoss } from "./projector-model";
import { DecisionBoundary } from "./decision-boundary";
import { EquationPanel } from "./equation-panel";
import { JoinQr } from "./join-qr";
import { LossChart, PROJECTOR_CHART } from "./loss-chart";
import { NetworkDiagram } from "./network-diagram";
import { PhaseIndicator } from "./phase-indicator";
import { ProblemNotice } from "./problem-notice";
import { driverName } from "./driver-status";
import { ProjectorPoll } from "./projector-poll";
import { StepAnnouncer } from "./step-announcer";

const CARD = "rounded-xl border border-border bg-surface p-4";
const LABELS: Record<ProjectorFocus, string> = { network: "Network", curve: "Loss and boundary", poll: "Poll", join: "Join" };

/**
 * The lecture hall's screen: one large picture at a time, as the instructor chose from the console
 * (`session:focus`, PV1), readable from the back row. It joins like a student and shows nothing a
 * student could not see: no names, no keys, no tally before the reveal. Keys 1–4 pick a view here
 * until the instructor chooses again; F toggles full screen.
 */
export function ProjectorView({ joinCode }: { joinCode: string }) {
  const { store } = useSession({ joinCode, name: "Projector", projector: true });
  const { view, focus } = useStepFocus(store);
  const chosen = view.teaching.focus;
  const [local, setLocal] = useState<ProjectorFocus | null>(null);
  const [joinUrl, setJoinUrl] = useState("");
  useEffect(() => setLocal(null), [chosen]);
  useEffect(() => setJoinUrl(`${window.location.origin}/s/${joinCode}`), [joinCode]);
  // Root 28 px: every rem-sized label is ≥ 20 px (text-sm and up) and every number ≥ 28 px (text-base and up) from the back row.
  useEffect(() => {
    const root = document.documentElement;
    const before = root.style.fontSize;
    root.style.fontSize = "28px";
    return () => {
      root.style.fontSize = before;
    };
  }, []);
  const shown = local ?? chosen;
  // The equations do not all fit the screen: the current phase's section is scrolled into view.
  const equations = useRef<HTMLDivElement>(null);
  const phase = focus.phase;
  useEffect(() => {
    const card = equations.current;
    const active = card?.querySelector<HTMLElement>('[data-active="true"]');
    if (card && active) card.scrollTo({ top: Math.max(0, active.getBoundingClientRect().top - card.getBoundingClientRect().top + card.scrollTop - 16), behavior: "smooth" });
    else card?.scrollTo({ top: 0 });
  }, [phase, focus.step, shown]);
  useKeyboardShortcuts({
    "1": () => setLocal("network"),
    "2": () => setLocal("curve"),
    "3": () => setLocal("poll"),
    "4": () => setLocal("join"),
    f: () => void (document.fullscreenElement ? document.exitFullscreen() : document.documentElement.requestFullscreen()).catch(() => undefined),
  });
  const config = view.meta?.config ?? null;
  const step = view.latest?.step ?? 0;
  const loss = view.latest?.loss ?? null;
  // H4: the room sees who drives (a name, never a key).
  const driver = view.teaching.controls.driver;
  return (
    <main className="flex h-screen flex-col gap-3 overflow-hidden p-4" data-testid="projector-view" data-focus={shown}>
      <header className="flex flex-wrap items-center justify-between gap-x-8 gap-y-2">
        <h1 className="min-w-0 truncate text-base font-bold" data-proj-label>
          {view.meta?.title ?? "Backprop Live"}
        </h1>
        <dl className="flex items-baseline gap-6" aria-label="Now">
          <div className="flex items-baseline gap-2">
            <dt className="text-sm text-muted" data-proj-label>step</dt>
            <dd className="font-mono text-xl font-bold tabular-nums" data-proj-number data-testid="projector-step">{step}</dd>
          </div>
          <div className="flex items-baseline gap-2">
            <dt className="text-sm text-muted" data-proj-label>loss</dt>
            <dd className="font-mono text-xl font-bold tabular-nums" data-proj-number>{formatLoss(loss)}</dd>
          </div>
          <div className="flex items-baseline gap-2">
            <dt className="text-sm text-muted" data-proj-label>phase</dt>
            <dd className="text-sm" data-proj-label>
              <PhaseIndicator phase={view.phase?.phase ?? null} />
            </dd>
          </div>
          <div className="flex items-baseline gap-2">
            <dt className="text-sm text-muted" data-proj-label>join</dt>
            <dd className="font-mono text-xl font-bold tracking-widest" data-proj-number>{joinCode}</dd>
          </div>
          {driver ? (
            <div className="flex items-baseline gap-2">
              <dt className="text-sm text-muted" data-proj-label>at the controls</dt>
              <dd className="text-base font-bold" data-proj-label data-testid="projector-driver">
                {driverName(driver)}
              </dd>
            </div>
          ) : null}
        </dl>
      </header>
      <StepAnnouncer store={store} />
      {view.problem ? <ProblemNotice problem={view.problem} /> : null}
      <nav aria-label="Projector views" className="sr-only focus-within:not-sr-only">
        {PROJECTOR_FOCI.map((f, k) => (
          <button key={f} type="button" className="mr-2 rounded border border-border px-2 text-sm" aria-pressed={shown === f} onClick={() => setLocal(f)}>
            {k + 1}: {LABELS[f]}
          </button>
        ))}
      </nav>
      <section className="min-h-0 flex-1" aria-label={LABELS[shown]} data-testid={`projector-${shown}`}>
        {!config ? (
          <p className="text-base text-muted" data-proj-label>Joining session {joinCode}…</p>
        ) : shown === "network" ? (
          <div className="grid h-full grid-cols-[3fr_2fr] gap-4">
            <div className={`${CARD} min-h-0`}>
              <NetworkDiagram config={config} focus={focus} exampleIndex={0} selected={null} onSelect={() => undefined} projector />
            </div>
            <div ref={equations} className={`${CARD} min-h-0 overflow-hidden text-base`} data-testid="projector-equations">
              <EquationPanel config={config} focus={focus} exampleIndex={0} onExampleIndex={() => undefined} selected={null} />
            </div>
          </div>
        ) : shown === "curve" ? (
          <div className="grid h-full grid-cols-[3fr_2fr] gap-4">
            <div className={`${CARD} min-h-0`}>
              <LossChart source={store} text={PROJECTOR_CHART} />
            </div>
            <div className={`${CARD} min-h-0`}>
              <DecisionBoundary config={config} params={focus.params} projector />
            </div>
          </div>
        ) : shown === "poll" ? (
          <ProjectorPoll store={store} />
        ) : (
          <div className="flex h-full items-center justify-center">{joinUrl ? <JoinQr url={joinUrl} joinCode={joinCode} /> : null}</div>
        )}
      </section>
    </main>
  );
}
