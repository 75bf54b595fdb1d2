"use client";

import { useMemo, useRef, useState } from "react";
import { csvPointsMessage, parseCsvPoints } from "@/lib/csv-points";
import type { EngineConfig } from "@/lib/engine";
import { datasetPoints, editPoints, pointsToCsv, type EditMode } from "@/app/_lib/point-edit";
import type { DataEditing } from "@/app/_hooks/use-data-editing";
import { csvErrorDisplay, fileProblem, MAX_CSV_BYTES, type CsvErrorDisplay } from "./csv-errors-model";

const BUTTON = "rounded-md border border-border px-3 py-1.5 hover:bg-surface-2 disabled:opacity-50";
const FIELD = "w-20 rounded border border-border bg-surface px-2 py-1";

const MODES: { mode: EditMode; label: string; swatch: string }[] = [
  { mode: "add-1", label: "Add class 1", swatch: "bg-pos" },
  { mode: "add-0", label: "Add class 0", swatch: "bg-neg" },
  { mode: "remove", label: "Remove", swatch: "bg-muted" },
];

/**
 * "Your own data": click the decision-boundary plane to add points of either class or remove one
 * (right or Shift-click removes in any mode), type a point for keyboard use, or upload a CSV checked in
 * the browser first (line-numbered errors shown here). Every change reaches the whole room at once.
 */
export function DataEditor({ config, editing, disabled, inDisclosure = false }: { config: EngineConfig; editing: DataEditing; disabled: boolean; inDisclosure?: boolean }) {
  const points = useMemo(() => datasetPoints(config), [config]);
  const [x1, setX1] = useState("0.5");
  const [x2, setX2] = useState("0.5");
  const [label, setLabel] = useState<"add-1" | "add-0">("add-1");
  const [csvError, setCsvError] = useState<CsvErrorDisplay | null>(null);
  const [pasted, setPasted] = useState("");
  const file = useRef<HTMLInputElement>(null);
  const twoD = config.layers[0] === 2;
  const csvHref = useMemo(() => `data:text/csv;charset=utf-8,${encodeURIComponent(pointsToCsv(points))}`, [points]);

  /** Checks CSV text in the browser (lines counted from 1), then sends its points; true when the room has them. */
  const loadCsv = async (text: string, source: string, loaded: string): Promise<boolean> => {
    setCsvError(null);
    let parsed;
    try {
      parsed = parseCsvPoints(text, { inputDim: config.layers[0] });
    } catch (err) {
      setCsvError(csvErrorDisplay(source, [{ message: err instanceof Error ? err.message.replace(/^csv: /, "") : String(err) }]));
      return false;
    }
    const targets = config.layers[config.layers.length - 1];
    if (parsed.targets.length !== targets) {
      setCsvError(csvErrorDisplay(source, [{ message: `the network has ${targets} output(s), so the CSV needs ${targets} label column(s); it has ${parsed.targets.length}` }]));
      return false;
    }
    return editing.apply(parsed.points, loaded, (message) => csvPointsMessage(message, parsed));
  };

  const upload = async (f: File) => {
    const problem = fileProblem(f);
    if (problem) return setCsvError({ headline: problem, lines: [], more: 0 });
    if ((await loadCsv(await f.text(), f.name, `Loaded ${f.name}.`)) && file.current) file.current.value = "";
  };

  const paste = async (e: React.FormEvent) => {
    e.preventDefault();
    if (pasted.trim() === "") return setCsvError({ headline: "Paste CSV text first: a header such as x1,x2,label, then one point a line.", lines: [], more: 0 });
    if (new Blob([pasted]).size > MAX_CSV_BYTES) return setCsvError({ headline: `The pasted text is over the ${MAX_CSV_BYTES / 1000} KB limit (2,000 points fit easily).`, lines: [], more: 0 });
    if (await loadCsv(pasted, "The pasted CSV", "Loaded the pasted points.")) setPasted("");
  };

  const addTyped = (e: React.FormEvent) => {
    e.preventDefault();
    const a = Number(x1);
    const b = Number(x2);
    if (!Number.isFinite(a) || !Number.isFinite(b) || x1.trim() === "" || x2.trim() === "") {
      return setCsvError({ headline: "x1 and x2 must be numbers.", lines: [], more: 0 });
    }
    setCsvError(null);
    const r = editPoints(points, label, a, b, 0);
    if (r.ok) void editing.apply(r.points, r.message);
  };

  return (
    <section aria-labelledby="data-title" className="flex flex-col gap-3" data-testid="data-editor">
      <h2 id="data-title" className={inDisclosure ? "sr-only" : "text-lg font-semibold"}>
        Your own data <span className="num text-sm font-normal text-muted">({points.length} points)</span>
      </h2>
      {twoD ? (
        <fieldset className="flex flex-col gap-1">
          <legend className="mb-1 text-sm font-medium">Click on the decision-boundary plane to…</legend>
          <div className="flex flex-wrap gap-x-3 gap-y-1">
            <label className="flex items-center gap-1">
              <input type="radio" name="edit-mode" checked={editing.mode === null} onChange={() => editing.setMode(null)} disabled={disabled} />
              do nothing
            </label>
            {MODES.map((m) => (
              <label key={m.mode} className="flex items-center gap-1">
                <input type="radio" name="edit-mode" checked={editing.mode === m.mode} onChange={() => editing.setMode(m.mode)} disabled={disabled} data-testid={`edit-mode-${m.mode}`} />
                <span aria-hidden className={`inline-block h-3 w-3 rounded-full ${m.swatch}`} />
                {m.label}
              </label>
            ))}
          </div>
          <p className="text-xs text-muted">Right-click or Shift-click a point removes it in any mode.</p>
        </fieldset>
      ) : (
        <p className="text-sm text-muted">Points can be clicked in for networks with two inputs; upload a CSV for this one.</p>
      )}
      {twoD ? (
        <form className="flex flex-wrap items-end gap-2 text-sm" onSubmit={addTyped} aria-label="Add a point by its coordinates">
          <label className="flex flex-col">
            x1
            <input className={FIELD} value={x1} onChange={(e) => setX1(e.target.value)} inputMode="decimal" />
          </label>
          <label className="flex flex-col">
            x2
            <input className={FIELD} value={x2} onChange={(e) => setX2(e.target.value)} inputMode="decimal" />
          </label>
          <label className="flex flex-col">
            class
            <select className={FIELD} value={label} onChange={(e) => setLabel(e.target.value as "add-1" | "add-0")}>
              <option value="add-1">1</option>
              <option value="add-0">0</option>
            </select>
          </label>
          <button type="submit" className={BUTTON} disabled={disabled || editing.busy}>
            Add point
          </button>
        </form>
      ) : null}
      <div className="flex flex-col gap-1 text-sm">
        <label className="font-medium" htmlFor="csv-upload">
          Upload a CSV (header <code>x1,x2,label</code>, at most 2,000 rows)
        </label>
        <input id="csv-upload" ref={file} type="file" accept=".csv,text/csv" disabled={disabled || editing.busy} onChange={(e) => e.target.files?.[0] && void upload(e.target.files[0])} className="max-w-full text-sm" data-testid="csv-upload" />
        <a href={csvHref} download="points.csv" className="self-start underline">
          Download these points as CSV
        </a>
      </div>
      <form className="flex flex-col gap-1 text-sm" onSubmit={paste} aria-label="Paste CSV points">
        <label className="font-medium" htmlFor="csv-paste">
          …or paste CSV (same format)
        </label>
        <textarea id="csv-paste" value={pasted} onChange={(e) => setPasted(e.target.value)} rows={4} maxLength={MAX_CSV_BYTES} spellCheck={false} placeholder={"x1,x2,label\n0,0,0\n1,0,1"} className="w-full rounded border border-border bg-surface px-2 py-1 font-mono" disabled={disabled || editing.busy} data-testid="csv-paste" />
        <button type="submit" className={`${BUTTON} self-start`} disabled={disabled || editing.busy} data-testid="csv-paste-load">
          Load pasted points
        </button>
      </form>
      <div aria-live="polite" className="min-h-[1.5rem] text-sm">
        {csvError ? (
          <div role="alert" className="text-bad" data-testid="csv-error">
            <p className="font-semibold">{csvError.headline}</p>
            {csvError.lines.length > 0 ? (
              <ul className="list-disc pl-5">
                {csvError.lines.map((l) => (
                  <li key={l}>{l}</li>
                ))}
              </ul>
            ) : null}
            {csvError.more > 0 ? <p>… and {csvError.more} more.</p> : null}
          </div>
        ) : editing.message ? (
          <p className={editing.message.ok ? "text-ok" : "text-bad"} data-testid="data-message">
            {editing.message.text}
          </p>
        ) : null}
      </div>
    </section>
  );
}
