"use client";

import { useState } from "react";
import { ACTIVATION_NAMES, FEATURE_NAMES, FEATURES, HIDDEN_ACTIVATION_NAMES, MAX_CLASSES, acceptsClasses, type EngineConfig, type FeatureName } from "@/lib/engine";
import { networkEditSchema } from "@/lib/edit-schema";
import { DATASET_NAMES, MAX_LAYER_SIZE } from "@/lib/schemas";
import type { SessionClient } from "@/app/_lib/session-client";
import { readableRule } from "./config-form-model";
import { ConfirmButton } from "./confirm-button";
import { configLimit } from "./field-limits";
import { dataDraftOf, dataEditOf, outputFor, type DataDraft } from "./network-edit-model";

const BUTTON = "rounded-md border border-border px-2.5 py-1 text-sm hover:bg-surface-2 disabled:opacity-50";
const FIELD = "rounded border border-border bg-bg px-2 py-1 text-sm";
const EDIT_LABELS: Record<string, string> = { noise: "Noise", testRatio: "Test share", classes: "Classes", name: "Dataset", features: "Input features", size: "New layer size" };

/**
 * Live edits of the running network (E1–E4): neurons and hidden layers, activations, input features,
 * regenerated data, and a restart from the same initial weights. Each is one `edit` control, validated
 * here with the server's edit schema; the server answers with a new run that every view follows.
 */
export function NetworkEditPanel({ config, client, disabled }: { config: EngineConfig; client: SessionClient | null; disabled: boolean }) {
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [newSize, setNewSize] = useState("2");
  const [act, setAct] = useState<{ from: EngineConfig; hidden: string; output: string } | null>(null);
  const [features, setFeatures] = useState<{ from: EngineConfig; list: FeatureName[] } | null>(null);
  const [data, setData] = useState<{ from: EngineConfig; draft: DataDraft } | null>(null);
  // Each draft belongs to the config it was typed against; a new run resets it to what now runs.
  const activation = act?.from === config ? act : { hidden: config.activation.hidden, output: config.activation.output };
  const featureList = features?.from === config ? features.list : [...(config.features ?? ["x1", "x2"])];
  const dataDraft = data?.from === config ? data.draft : dataDraftOf(config);
  const layers = config.layers;
  const off = disabled || !client;

  const send = async (raw: Record<string, unknown>, done: string) => {
    const parsed = networkEditSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = String(issue.path[0] ?? "");
      return setMessage({ ok: false, text: `${EDIT_LABELS[field] ?? field} ${readableRule(issue.message)}` });
    }
    const res = await client?.control({ action: "edit", edit: parsed.data });
    if (res?.ok) setMessage({ ok: true, text: `${done}: a new run from step 0.` });
    else if (res) setMessage({ ok: false, text: res.error.message.replace(/^edit: /, "") });
  };
  const target = outputFor(config, dataDraft.name, dataDraft.classes);

  return (
    <div className="flex flex-col gap-3 text-sm" data-testid="network-edit">
      <p className="text-muted">Each change starts a new run from step 0 that every student follows. To set one weight or bias, click it in the diagram (or tab to it and press Enter).</p>
      <section aria-labelledby="edit-shape" className="flex flex-col gap-1.5">
        <h3 id="edit-shape" className="font-semibold">
          Shape <span className="font-normal text-muted">({layers.join("-")})</span>
        </h3>
        {layers.slice(1, -1).map((n, k) => {
          const l = k + 1;
          return (
            <div key={l} className="flex flex-wrap items-center gap-1.5" data-testid={`edit-layer-${l}`}>
              <span className="min-w-[9rem]">
                Hidden layer {l}: {n} neuron{n === 1 ? "" : "s"}
              </span>
              <button type="button" className={BUTTON} disabled={off || n >= MAX_LAYER_SIZE} onClick={() => send({ kind: "add-neuron", layer: l }, `Added a neuron to layer ${l}`)} aria-label={`Add a neuron to hidden layer ${l}`} data-testid={`edit-add-neuron-${l}`}>
                + neuron
              </button>
              <button type="button" className={BUTTON} disabled={off} onClick={() => send({ kind: "remove-neuron", layer: l, neuron: n - 1 }, `Removed the last neuron of layer ${l}`)} aria-label={`Remove the last neuron of hidden layer ${l}`} data-testid={`edit-remove-neuron-${l}`}>
                − neuron
              </button>
              <button type="button" className={BUTTON} disabled={off} onClick={() => send({ kind: "remove-layer", layer: l }, `Removed hidden layer ${l}`)} aria-label={`Remove layer ${l} (hidden)`} data-testid={`edit-remove-layer-${l}`}>
                Remove layer
              </button>
            </div>
          );
        })}
        <form className="flex flex-wrap items-center gap-1.5" onSubmit={(e) => (e.preventDefault(), send({ kind: "add-layer", at: layers.length - 1, size: Number(newSize) }, "Added a hidden layer"))}>
          <label className="flex items-center gap-1.5">
            New layer size
            <input type="number" min={1} max={MAX_LAYER_SIZE} value={newSize} onChange={(e) => setNewSize(e.target.value)} className={`${FIELD} w-16`} data-testid="edit-layer-size" aria-describedby="edit-layer-size-limit" />
          </label>
          <button type="submit" className={BUTTON} disabled={off} data-testid="edit-add-layer">
            + layer before the output
          </button>
          <span id="edit-layer-size-limit" className="w-full text-xs text-muted">
            Layer size: {configLimit("layers.items")}
          </span>
        </form>
      </section>
      <form className="flex flex-wrap items-end gap-2" aria-label="Activations" onSubmit={(e) => (e.preventDefault(), send({ kind: "activation", hidden: activation.hidden, output: activation.output }, "Changed the activations"))}>
        <label className="flex flex-col">
          Hidden activation
          <select value={activation.hidden} onChange={(e) => setAct({ ...activation, from: config, hidden: e.target.value })} className={FIELD} data-testid="edit-hidden">
            {HIDDEN_ACTIVATION_NAMES.map((a) => <option key={a}>{a}</option>)}
          </select>
        </label>
        <label className="flex flex-col">
          Output activation
          <select value={activation.output} onChange={(e) => setAct({ ...activation, from: config, output: e.target.value })} className={FIELD} data-testid="edit-output">
            {ACTIVATION_NAMES.map((a) => <option key={a}>{a}</option>)}
          </select>
        </label>
        <button type="submit" className={BUTTON} disabled={off} data-testid="edit-activation">
          Apply activations
        </button>
      </form>
      <form onSubmit={(e) => (e.preventDefault(), send({ kind: "features", features: featureList }, "Changed the input features"))}>
        <fieldset className="flex flex-wrap items-center gap-x-3 gap-y-1">
          <legend className="mb-1 font-semibold">Input features</legend>
          {FEATURE_NAMES.map((f) => (
            <label key={f} className="flex items-center gap-1">
              <input type="checkbox" checked={featureList.includes(f)} onChange={(e) => setFeatures({ from: config, list: FEATURE_NAMES.filter((x) => (x === f ? e.target.checked : featureList.includes(x))) })} data-testid={`edit-feature-${f}`} />
              <span className="font-mono">{FEATURES[f].label}</span>
            </label>
          ))}
          <button type="submit" className={BUTTON} disabled={off} data-testid="edit-features">
            Apply features
          </button>
        </fieldset>
      </form>
      <form onSubmit={(e) => (e.preventDefault(), send(dataEditOf(config, dataDraft), "Regenerated the data"))}>
        <fieldset className="flex flex-wrap items-end gap-2">
          <legend className="mb-1 font-semibold">Data</legend>
          <label className="flex flex-col">
            Dataset
            <select value={dataDraft.name} onChange={(e) => setData({ from: config, draft: { ...dataDraft, name: e.target.value, classes: acceptsClasses(e.target.value) ? dataDraft.classes : 2 } })} className={FIELD} data-testid="edit-dataset">
              {DATASET_NAMES.map((n) => <option key={n}>{n}</option>)}
            </select>
          </label>
          <label className="flex flex-col">
            Classes
            <select value={dataDraft.classes} disabled={!acceptsClasses(dataDraft.name)} onChange={(e) => setData({ from: config, draft: { ...dataDraft, classes: Number(e.target.value) } })} className={FIELD} data-testid="edit-classes">
              {Array.from({ length: MAX_CLASSES - 1 }, (_, k) => k + 2).map((c) => <option key={c}>{c}</option>)}
            </select>
          </label>
          <label className="flex flex-col">
            <span>
              Noise <span className="text-xs text-muted">({configLimit("dataset.noise")})</span>
            </span>
            <input type="number" step="any" value={dataDraft.noise} onChange={(e) => setData({ from: config, draft: { ...dataDraft, noise: e.target.value } })} className={`${FIELD} w-20`} data-testid="edit-noise" />
          </label>
          <label className="flex flex-col">
            <span>
              Test share <span className="text-xs text-muted">({configLimit("dataset.testRatio")})</span>
            </span>
            <input type="number" step="any" value={dataDraft.testRatio} placeholder="auto" onChange={(e) => setData({ from: config, draft: { ...dataDraft, testRatio: e.target.value } })} className={`${FIELD} w-20`} data-testid="edit-test-ratio" />
          </label>
          <button type="submit" className={BUTTON} disabled={off} data-testid="edit-data">
            Regenerate data
          </button>
          <p className="w-full text-xs text-muted" data-testid="edit-data-output">
            Output layer: {target.outputs} × {target.output}, loss {target.loss}
          </p>
        </fieldset>
      </form>
      <div className="flex flex-wrap items-center gap-2">
        <ConfirmButton label="⟲ Restart from the same initial weights" confirmLabel="Press again to restart" disabled={off} onConfirm={() => void send({ kind: "restart" }, "Restarted")} testId="edit-restart" />
      </div>
      <p role={message && !message.ok ? "alert" : "status"} className={`min-h-[1.25rem] ${message?.ok ? "text-ok" : "text-bad"}`} data-testid="edit-message">
        {message?.text ?? ""}
      </p>
    </div>
  );
}
