"use client";

import { useEffect, useRef, useState } from "react";
import { networkEditSchema } from "@/lib/edit-schema";
import { formatValue } from "@/app/_lib/format";
import type { SessionClient } from "@/app/_lib/session-client";
import { readableRule } from "./config-form-model";

/** The weight or bias being edited, as the diagram reported it. */
export interface EditedParam {
  index: number;
  name: string;
  value: number;
}

/**
 * "What if w11 were −2?": a small form under the diagram that sets one weight or bias to a typed value
 * with the live `edit { kind: "set-param" }` control (E1), so every student's view follows. Escape or
 * Cancel closes it and gives the focus back to the parameter in the diagram.
 */
export function ParamEditor({ param, client, disabled, onClose }: { param: EditedParam; client: SessionClient | null; disabled: boolean; onClose(): void }) {
  const [text, setText] = useState(() => formatValue(param.value));
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    setText(formatValue(param.value));
    setError(null);
    input.current?.focus();
    input.current?.select();
  }, [param.index, param.value]);
  const close = () => {
    onClose();
    document.querySelector<SVGElement>(`[data-testid="diagram-param-${CSS.escape(param.name)}"]`)?.focus();
  };
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const value = text.trim() === "" ? NaN : Number(text.replace(/−/g, "-"));
    const parsed = networkEditSchema.safeParse({ kind: "set-param", index: param.index, value });
    if (!parsed.success) return setError(`Value ${readableRule(parsed.error.issues[0].message)}`);
    const res = await client?.control({ action: "edit", edit: parsed.data });
    if (res?.ok) close();
    else if (res) setError(res.error.message);
  };
  return (
    <form onSubmit={submit} onKeyDown={(e) => e.key === "Escape" && close()} className="mt-2 flex flex-wrap items-end gap-2 rounded-lg border border-path p-2" aria-label={`Set ${param.name}`} data-testid="param-editor" noValidate>
      <label className="flex flex-col text-sm">
        <span>
          Set <span className="font-mono font-semibold">{param.name}</span> (now {formatValue(param.value)}) to
        </span>
        <input ref={input} value={text} onChange={(e) => setText(e.target.value)} inputMode="decimal" className="w-32 rounded border border-border bg-bg px-2 py-1 font-mono" data-testid="param-editor-value" aria-describedby="param-editor-note" />
      </label>
      <button type="submit" disabled={disabled || !client} className="rounded-md bg-accent px-3 py-1.5 font-semibold text-accent-fg disabled:opacity-50" data-testid="param-editor-apply">
        Set for everyone
      </button>
      <button type="button" onClick={close} className="rounded-md border border-border px-3 py-1.5" data-testid="param-editor-cancel">
        Cancel
      </button>
      <p id="param-editor-note" className="w-full text-xs text-muted">
        A new run from step 0 with every other weight kept (Escape closes).
      </p>
      {error ? (
        <p role="alert" className="w-full text-sm text-bad" data-testid="param-editor-error">
          {error}
        </p>
      ) : null}
    </form>
  );
}
