import { describe, expect, it } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { parseEngineConfig } from "@/lib/schemas";
import { DEFAULT_DRAFT, withTask } from "@/app/_components/config-form-model";
import type { DraftBinding } from "@/app/_components/draft-inputs";
import { configLimit, stopLimit } from "@/app/_components/field-limits";
import { NetworkEditPanel } from "@/app/_components/network-edit-panel";
import { ProblemFields } from "@/app/_components/problem-fields";
import { RunFields } from "@/app/_components/run-fields";
import { readStopDraft, stopDraftOf } from "@/app/_components/stop-condition-picker";

const bind = (draft = DEFAULT_DRAFT, errors: Record<string, string> = {}): DraftBinding => ({ draft, errors, update: () => undefined });

describe("start form sections", () => {
  it("show the server's limit next to each number field and the field's message under it", () => {
    const html = renderToStaticMarkup(<ProblemFields b={bind(DEFAULT_DRAFT, { "dataset.noise": "Noise must be at most 0.5" })} />);
    expect(html).toContain(`data-testid="limit-dataset.noise">${configLimit("dataset.noise")}<`);
    expect(html).toContain(`data-testid="limit-dataset.testRatio">${configLimit("dataset.testRatio")}<`);
    expect(html).toContain('role="alert" data-testid="error-dataset.noise">Noise must be at most 0.5<');
    expect(html).toContain('min="0" max="0.5"');
    // two-class XOR: no class count; every feature offered, x1 and x2 ticked
    expect(html).not.toContain('data-testid="field-classes"');
    expect(html.match(/type="checkbox"/g)).toHaveLength(7);
    expect(html.match(/checked=""/g)).toHaveLength(2);
    const multi = renderToStaticMarkup(<ProblemFields b={bind(withTask(DEFAULT_DRAFT, "multiclass"))} />);
    expect(multi).toContain('data-testid="field-classes"');
    expect(multi).not.toContain('<option value="xor">');
  });

  it("the schedule's and the stop condition's fields appear with their kind, with their limits", () => {
    const html = renderToStaticMarkup(<RunFields b={bind({ ...DEFAULT_DRAFT, lrKind: "step", stopKind: "epochs", stopValue: "5" })} />);
    expect(html).toContain(`data-testid="limit-lrSchedule.every">${configLimit("lrSchedule.every")}<`);
    expect(html).toContain(`data-testid="limit-lrSchedule.factor">${configLimit("lrSchedule.factor")}<`);
    expect(html).toContain(`data-testid="limit-stop">${stopLimit("epochs")}<`);
    expect(renderToStaticMarkup(<RunFields b={bind()} />)).not.toContain('data-testid="field-stopValue"');
  });
});

describe("console", () => {
  it("the edit panel offers per hidden layer: add or remove a neuron, remove the layer", () => {
    const html = renderToStaticMarkup(<NetworkEditPanel config={parseEngineConfig({ layers: [2, 3, 4, 1] })} client={null} disabled={false} />);
    expect(html).toContain("Hidden layer 1: 3 neurons");
    expect(html).toContain("Hidden layer 2: 4 neurons");
    expect(html).toContain('data-testid="edit-remove-layer-2"');
    expect(html).not.toContain('data-testid="edit-add-neuron-3"');
    expect(html).toContain("Output layer: 1 × sigmoid, loss mse");
  });

  it("the stop condition next to Play is read with the server's schema, naming the field", () => {
    expect(readStopDraft(stopDraftOf({ kind: "loss", below: 0.05 }))).toEqual({ ok: true, stop: { kind: "loss", below: 0.05 } });
    expect(readStopDraft({ kind: "none", value: "" })).toEqual({ ok: true, stop: null });
    expect(readStopDraft({ kind: "steps", value: "0" })).toEqual({ ok: false, message: "Pause at must be at least 1" });
    expect(readStopDraft({ kind: "epochs", value: "" })).toMatchObject({ ok: false });
  });
});
