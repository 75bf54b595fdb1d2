"use client";

import { useEffect, useMemo, useState } from "react";
import { createLayout, describeParams } from "@/lib/engine";
import { findSavedSession } from "@/app/_lib/instructor-storage";
import type { SessionProblem } from "@/app/_lib/session-types";
import { useInstructorKey } from "@/app/_hooks/use-instructor-key";
import { useSession } from "@/app/_hooks/use-session";
import { useDataEditing } from "@/app/_hooks/use-data-editing";
import { useSessionValue } from "@/app/_hooks/use-session-view";
import { DataEditor } from "./data-editor";
import { ForkButton } from "./fork-button";
import { HyperControls } from "./hyper-controls";
import { InstructorControls } from "./instructor-controls";
import { InstructorLinkButton } from "./instructor-link-button";
import { JoinQr } from "./join-qr";
import { NetworkEditPanel } from "./network-edit-panel";
import { NotesExport } from "./notes-export";
import { ParamEditor, type EditedParam } from "./param-editor";
import { PollPanel } from "./poll-panel";
import { PresetMenu } from "./preset-menu";
import { PresenterPoll } from "./presenter-poll";
import { ProblemNotice } from "./problem-notice";
import { ProjectorFocusPicker } from "./projector-focus-picker";
import { RosterList } from "./roster-list";
import { SandboxBanner } from "./sandbox-banner";
import { SessionHeader } from "./session-header";
import { SessionPanels } from "./session-panels";
import { SetupLinkButton } from "./setup-link-button";
import { StatusBar } from "./status-bar";
import { TemplateSave } from "./template-save";
import { ToolCard } from "./tool-card";

const CARD = "rounded-xl border border-border bg-surface p-3 sm:p-4";

const NO_KEY: SessionProblem = {
  kind: "unauthorized",
  message: "This browser has no instructor key for this session. Open the console from the device that started it, or use a “copy instructor link” from there.",
};

/**
 * The instructor's console (and the projector's view): QR code to join, controls, polls, misconception
 * demos, live hyperparameters, own data, notes, templates, roster, and the same panels the students see.
 * A sandbox fork opens here too, under a banner that leads back to the lecture.
 */
export function InstructorView({ joinCode }: { joinCode: string }) {
  const key = useInstructorKey(joinCode);
  const { store, client } = useSession(key ? { joinCode, name: "Instructor", instructorKey: key } : null);
  const problem = useSessionValue(store, (v) => v.problem);
  const joined = useSessionValue(store, (v) => v.meta !== null);
  const [joinUrl, setJoinUrl] = useState("");
  // The projector shows the QR code (its "Join" view); the console keeps its space for the controls.
  const [showQr, setShowQr] = useState(false);
  const [selected, setSelected] = useState<number | null>(null);
  const [editedParam, setEditedParam] = useState<EditedParam | null>(null);
  const config = useSessionValue(store, (v) => v.meta?.config ?? null);
  const origin = useSessionValue(store, (v) => v.teaching.origin);
  const editable = useSessionValue(store, (v) => v.connection === "live" && v.state !== "finished" && v.teaching.poll === null);
  const names = useMemo(() => (config ? describeParams(createLayout(config.layers)).map((p) => p.name) : []), [config]);
  const editing = useDataEditing(store, client, key ?? null);
  // A new run (an edit, a reset) may renumber the parameters: the open editor belonged to the old one.
  useEffect(() => setEditedParam(null), [config]);
  useEffect(() => {
    setJoinUrl(findSavedSession(joinCode)?.joinUrl ?? `${window.location.origin}/s/${joinCode}`);
  }, [joinCode]);

  if (key === undefined) return <main className="p-4" aria-busy />;
  if (key === null) {
    return (
      <main className="mx-auto max-w-2xl p-4">
        <ProblemNotice problem={NO_KEY} />
      </main>
    );
  }
  return (
    <main className="mx-auto flex max-w-[120rem] flex-col gap-3 p-3 sm:p-4" data-testid="instructor-view">
      <SessionHeader store={store} joinCode={joinCode} suffix="instructor console" />
      {origin ? <SandboxBanner joinCode={joinCode} origin={origin} /> : null}
      <StatusBar store={store} onRetry={() => client?.retry()} />
      {problem ? <ProblemNotice problem={problem} /> : null}
      <div className="grid grid-cols-1 gap-3 xl:grid-cols-[minmax(20rem,26rem)_1fr] xl:gap-4">
        <aside className="flex flex-col gap-3">
          <div className={CARD}>
            <InstructorControls store={store} client={client} joinCode={joinCode} />
            {origin ? null : (
              <div className="mt-3 border-t border-border pt-3">
                <ProjectorFocusPicker store={store} client={client} joinCode={joinCode} />
              </div>
            )}
            <div className="mt-3 border-t border-border pt-3">
              <ForkButton store={store} client={client} returnTo={`/s/${joinCode}/present`} />
            </div>
          </div>
          <div className={`${CARD} ${origin ? "hidden" : ""}`}>
            <div className="mb-2 flex items-center justify-between">
              <h2 className="text-lg font-semibold">Join</h2>
              <button type="button" className="text-sm underline" onClick={() => setShowQr((s) => !s)} aria-expanded={showQr}>
                {showQr ? "Hide QR code" : "Show QR code"}
              </button>
            </div>
            {showQr && joinUrl ? (
              <JoinQr url={joinUrl} joinCode={joinCode} />
            ) : (
              <p className="flex flex-wrap items-baseline gap-x-3">
                <span className="font-mono text-2xl font-bold tracking-widest" data-testid="join-code">
                  {joinCode}
                </span>
                <a href={joinUrl} className="break-all font-mono text-sm underline" data-testid="join-url">
                  {joinUrl}
                </a>
              </p>
            )}
            <div className="mt-3 flex flex-col gap-2">
              <InstructorLinkButton joinCode={joinCode} instructorKey={key} />
              <SetupLinkButton store={store} joinCode={joinCode} />
            </div>
          </div>
          {/* A sandbox is private: no room to poll. */}
          {origin ? null : (
            <div className={CARD}>
              <PollPanel store={store} client={client} names={names} selected={selected} />
            </div>
          )}
          <div className={CARD}>
            <PresetMenu store={store} client={client} />
          </div>
          <div className={CARD}>
            <HyperControls store={store} client={client} />
          </div>
          {config ? (
            <ToolCard title="Change the network (live)" testId="tool-network-edit">
              <NetworkEditPanel config={config} client={client} disabled={!editable} />
            </ToolCard>
          ) : null}
          {config ? (
            <ToolCard title="Your own data" testId="tool-data">
              <DataEditor config={config} editing={editing} disabled={!editable} inDisclosure />
            </ToolCard>
          ) : null}
          <ToolCard title="Lecture notes" testId="tool-notes">
            <NotesExport store={store} inDisclosure />
          </ToolCard>
          <ToolCard title="Save as template" testId="tool-template">
            <TemplateSave store={store} inDisclosure />
          </ToolCard>
          <div className={CARD}>
            <RosterList store={store} />
          </div>
        </aside>
        <div className="flex min-w-0 flex-col gap-3 xl:gap-4">
          <PresenterPoll store={store} />
          {joined ? (
            <SessionPanels
              store={store}
              selected={selected}
              onSelect={setSelected}
              onPlaneClick={editing.mode && editable ? editing.onPlaneClick : undefined}
              onEditParam={setEditedParam}
              networkExtra={editedParam ? <ParamEditor param={editedParam} client={client} disabled={!editable} onClose={() => setEditedParam(null)} /> : null}
              compare
            />
          ) : (
            <p className="text-muted">Connecting to session {joinCode}…</p>
          )}
        </div>
      </div>
    </main>
  );
}
